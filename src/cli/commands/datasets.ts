import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ColumnStats, DatasetFingerprint } from '../../core/data/fingerprint';
import { fingerprintFrame } from '../../core/data/fingerprint';
import { readDataFile } from '../../core/data/dataFile';
import type { DatasetFileInfo, DatasetVersionInfo } from '../../datasets/datasetCatalog';
import { listDatasetFiles, resolveDatasetVersion } from '../../datasets/datasetCatalog';
import { parseDatasetRef } from '../../datasets/datasetRef';
import { materializeDataset } from '../../datasets/materialize';
import type { DatasetRecord } from '../../store/types';
import { CliError, type CliContext, type Command } from '../context';
import { formatAgo, formatNumber, formatTable } from '../table';
import { printable } from '../terminalText';

const STATE_WORDS: Readonly<Record<DatasetFileInfo['state'], string>> = {
  unchanged: 'unchanged', changed: 'changed since last run', missing: 'missing', query: 'query (snapshots)',
};
const SOURCE_WORDS: Readonly<Record<DatasetVersionInfo['source'], string>> = {
  'current-file': 'current file', snapshot: 'snapshot', git: 'git', unavailable: 'not kept',
};

/** The folder runs record dataset paths against: the one holding the store. */
function workspaceOf(ctx: CliContext): string {
  return path.dirname(ctx.storeDir);
}

function shape(rows: number | null, columns: number | null): string {
  return rows === null ? '' : `${rows}×${columns ?? '?'}`;
}

/** `runlens datasets [--json]`: every data file runs read, its versions and whether it changed since. */
export const datasetsCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length > 0) throw new CliError('usage: runlens datasets [--json]', 2);
  const files = await listDatasetFiles(ctx.openStore(), workspaceOf(ctx));
  if (values.json) {
    ctx.out(JSON.stringify(files) + '\n');
    return 0;
  }
  if (files.length === 0) {
    ctx.out('no datasets recorded yet (train a config: each data file a run reads is recorded)\n');
    return 0;
  }
  const rows = files.map((f) => {
    const latest = f.versions[0];
    const runs = new Set(f.versions.flatMap((v) => v.runs.map((r) => r.runId))).size;
    return [f.path, String(f.versions.length), latest ? shape(latest.rows, latest.columns) : '', STATE_WORDS[f.state], String(runs)];
  });
  ctx.out(formatTable(['path', 'versions', 'latest rows×cols', 'state', 'runs'], rows) + '\n');
  return 0;
};

/** `runlens dataset show <path|fingerprint|path@rev> [--json]`. */
export const datasetCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals[0] !== 'show' || positionals.length !== 2) {
    throw new CliError('usage: runlens dataset show <path|fingerprint|path@rev> [--json]', 2);
  }
  const ref = parseDatasetRef(positionals[1]!);
  const store = ctx.openStore();
  const root = workspaceOf(ctx);
  const showRecorded = async (record: DatasetRecord, shownAs: string): Promise<number> => {
    const files = await listDatasetFiles(store, root);
    const version = files.flatMap((f) => f.versions).find((v) => v.fingerprint === record.fingerprint);
    const fingerprint: DatasetFingerprint = {
      sha256: record.fingerprint, rows: record.rows ?? 0, columns: record.columns ?? 0,
      schema: (record.schema ?? []) as DatasetFingerprint['schema'], stats: (record.stats ?? []) as ColumnStats[],
    };
    return printVersion(ctx, values.json, { path: shownAs, createdAt: record.createdAt, runs: version?.runs ?? [], source: version?.source, recorded: true }, fingerprint);
  };
  if (ref.kind === 'version') {
    const record = resolveDatasetVersion(store, ref.fingerprint);
    return showRecorded(record, record.path);
  }
  if (ref.kind === 'file') {
    const abs = path.resolve(ctx.cwd, ref.path);
    const file = (await listDatasetFiles(store, root)).find((f) => f.absPath === abs || f.path === ref.path);
    if (file) return printFile(ctx, values.json, file);
  }
  // A file no run read, or a git revision: fingerprint it now. Typed paths are relative to the current folder.
  const m = await materializeDataset(ref, { root: ctx.cwd, store });
  try {
    const frame = await readDataFile(m.file, { displayPath: positionals[1], format: m.format });
    const fp = fingerprintFrame(frame, frame.sha256);
    const recorded = store.datasets.getDataset(fp.sha256);
    if (recorded) return showRecorded(recorded, positionals[1]!);
    return printVersion(ctx, values.json, { path: positionals[1]!, runs: [], recorded: false }, fp);
  } finally {
    m.dispose();
  }
};

function printFile(ctx: CliContext, json: boolean, file: DatasetFileInfo): number {
  if (json) {
    ctx.out(JSON.stringify(file) + '\n');
    return 0;
  }
  const lines = [`${printable(file.path)}  (${STATE_WORDS[file.state]}${file.currentFingerprint ? `, current ${file.currentFingerprint.slice(0, 12)}` : ''})`, ''];
  lines.push(formatTable(
    ['version', 'rows×cols', 'recorded', 'runs', 'readable from'],
    file.versions.map((v) => [
      v.fingerprint.slice(0, 12) + (v.fingerprint === file.currentFingerprint ? ' *' : ''),
      shape(v.rows, v.columns),
      formatAgo(v.createdAt),
      runsCell(v.runs.map((r) => `${r.runName} (${r.role})`)),
      SOURCE_WORDS[v.source],
    ]),
  ));
  lines.push('', 'runlens dataset show <version> lists its columns; runlens diff <version> <version> compares two.');
  ctx.out(lines.join('\n') + '\n');
  return 0;
}

/** Widest the runs cell of a versions table grows; the rest is counted. */
const RUNS_CELL_CHARS = 60;

/** Run labels joined up to RUNS_CELL_CHARS, then `+N more`, so one version's row stays one line. */
export function runsCell(labels: readonly string[], max = RUNS_CELL_CHARS): string {
  let cell = '';
  for (let i = 0; i < labels.length; i++) {
    const next = cell ? `${cell}, ${labels[i]}` : labels[i]!;
    const rest = labels.length - i - 1;
    if (next.length + (rest > 0 ? `, +${rest} more`.length : 0) > max && cell) return `${cell}, +${labels.length - i} more`;
    cell = next;
  }
  return cell;
}

interface VersionContext {
  readonly path: string;
  readonly createdAt?: number;
  readonly runs: DatasetVersionInfo['runs'];
  readonly source?: DatasetVersionInfo['source'];
  /** For a file or revision fingerprinted now: whether some run recorded this content. */
  readonly recorded?: boolean;
}

function printVersion(ctx: CliContext, json: boolean, v: VersionContext, fp: DatasetFingerprint): number {
  if (json) {
    ctx.out(JSON.stringify({ ...v, fingerprint: fp.sha256, rows: fp.rows, columns: fp.columns, schema: fp.schema, stats: fp.stats }) + '\n');
    return 0;
  }
  const lines = [`${printable(v.path)}  version ${fp.sha256}`, `shape       ${fp.rows} rows × ${fp.columns} columns`];
  if (v.createdAt) lines.push(`recorded    ${new Date(v.createdAt).toISOString()}`);
  else if (v.recorded === false) lines.push('recorded    no run has used this content');
  if (v.source) lines.push(`readable    ${SOURCE_WORDS[v.source]}`);
  // One run a line: a version many runs read stays readable.
  v.runs.forEach((r, i) => lines.push(`${i === 0 ? 'runs' : ''}`.padEnd(12) + `${printable(r.runName)} (${r.role}, ${r.runId.slice(0, 8)})`));
  lines.push('', formatTable(['column', 'type', 'missing', 'summary'], fp.stats.map((s) => [s.name, s.type, String(s.missing), statSummary(s)])));
  ctx.out(lines.join('\n') + '\n');
  return 0;
}

/** One readable line per column: range and moments, top categories, or true/false counts. */
export function statSummary(s: ColumnStats): string {
  switch (s.type) {
    case 'numeric':
      return s.min === null
        ? 'no values'
        : `min ${formatNumber(s.min)}  max ${formatNumber(s.max)}  mean ${formatNumber(s.mean)}  std ${formatNumber(s.std)}${s.infinite ? `  ±inf ${s.infinite}` : ''}`;
    case 'categorical':
      return `${s.distinct} distinct: ${s.top.slice(0, 5).map((t) => `${t.value} (${t.count})`).join(', ')}${s.distinct > 5 ? ', …' : ''}`;
    case 'boolean':
      return `true ${s.true}  false ${s.false}`;
  }
}
