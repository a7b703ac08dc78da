import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DiffProgress, FileDiff, RowChange } from '../../core/datasetDiff/diffFiles';
import type { DatasetRef } from '../../datasets/datasetRef';
import { formatDatasetRef, parseDatasetRef } from '../../datasets/datasetRef';
import type { DatasetsDiff } from '../../datasets/diffDatasets';
import { diffDatasets } from '../../datasets/diffDatasets';
import type { FailOnCondition } from '../../datasets/diffGate';
import { diffMeets, parseFailOn } from '../../datasets/diffGate';
import type { MaterializedDataset } from '../../datasets/materialize';
import { DatasetError } from '../../datasets/datasetError';
import { storePaths } from '../../store/location';
import { RunStore } from '../../store/runStore';
import { diffSummaryLine, diffToMarkdown } from '../../views/datasetDiff/diffMarkdown';
import { diffToText } from '../../views/datasetDiff/diffText';
import type { CliContext, Command } from '../context';
import { printable } from '../terminalText';

const USAGE = 'usage: runlens diff <a> <b> [--key col[,col]] [--json | --markdown] [--max-rows N] [--fail-on drift=large|drift=moderate|rows|schema]';
/** Changed rows printed (and put in --json) unless --max-rows says otherwise. */
const DEFAULT_MAX_ROWS = 20;
const PROGRESS_INTERVAL_MS = 100;

/**
 * `runlens diff <a> <b>`: compares two CSV files, recorded versions or git
 * revisions (see datasetRef.ts). Exit code: 0 no change, 1 changed (with
 * --fail-on: 1 only when a condition is met), 2 error, so it works as a CI
 * data check. Every error, whatever its cause, is one line and exit 2.
 */
export const diffCommand: Command = async (ctx, argv) => {
  let store: RunStore | undefined;
  let both: DatasetsDiff | undefined;
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const opts = parseOptions(argv);
    const workspace = path.dirname(ctx.storeDir);
    const needsStore = opts.refs.some((r) => r.kind === 'version');
    // Read-only and never created: a diff is a check, not a write.
    if (needsStore && existsSync(storePaths(ctx.storeDir).db)) store = RunStore.open(ctx.storeDir, { readonly: true });
    // Typed paths are relative to the current folder; recorded ones to the workspace.
    const side = (ref: DatasetRef) => ({ ref, ctx: { store, root: ref.kind === 'version' ? workspace : ctx.cwd } });
    const progress = ctx.interactive ? progressWriter(ctx) : undefined;
    try {
      both = await diffDatasets(side(opts.refs[0]), side(opts.refs[1]), {
        key: opts.key,
        exampleLimit: Math.max(opts.maxRows, 1),
        signal: abort.signal,
        onProgress: progress?.update,
      });
    } finally {
      progress?.clear();
    }
    const { a, b, fileDiff } = both;
    const page = opts.maxRows > 0 ? await fileDiff.page(0, opts.maxRows) : { total: countChanges(fileDiff), offset: 0, rows: [] as RowChange[] };
    const diff = fileDiff.diff;
    const met = opts.failOn.filter((c) => diffMeets(diff, c));
    const code = opts.failOn.length > 0 ? (met.length > 0 ? 1 : 0) : diff.identical ? 0 : 1;
    if (opts.format === 'json') {
      const side = (m: MaterializedDataset, ref: DatasetRef) => ({ ref: formatDatasetRef(ref), label: m.label, fingerprint: m.fingerprint ?? null });
      ctx.out(JSON.stringify({
        a: side(a, opts.refs[0]!), b: side(b, opts.refs[1]!),
        changed: !diff.identical,
        summary: diffSummaryLine(diff),
        ...(opts.failOn.length > 0 ? { failOn: opts.failOn, failOnMet: met } : {}),
        exitCode: code,
        columns: fileDiff.columns,
        diff,
        changes: page.rows,
        changesTotal: page.total,
      }) + '\n');
    } else if (opts.format === 'markdown') {
      ctx.out(diffToMarkdown(diff, { maxRows: opts.maxRows, changes: page.rows }));
    } else {
      ctx.out(diffToText(diff, page.rows, page.total));
      if (met.length > 0) ctx.out(`\nfailed: ${met.join(', ')}\n`);
    }
    return code;
  } catch (e) {
    const message = abort.signal.aborted ? 'cancelled' : e instanceof Error ? e.message : String(e);
    ctx.err(`error: ${message.split('\n')[0]}\n`);
    if (ctx.debug && e instanceof Error && e.stack && !(e instanceof DatasetError)) ctx.err(e.stack + '\n');
    return 2;
  } finally {
    process.off('SIGINT', onSigint);
    both?.dispose();
    store?.close();
  }
};

interface DiffCommandOptions {
  readonly refs: [DatasetRef, DatasetRef];
  readonly key?: string[];
  readonly format: 'text' | 'json' | 'markdown';
  readonly maxRows: number;
  readonly failOn: FailOnCondition[];
}

function parseOptions(argv: string[]): DiffCommandOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      key: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      'max-rows': { type: 'string' },
      'fail-on': { type: 'string', multiple: true },
    },
  });
  if (positionals.length !== 2) throw new DatasetError(`expected two datasets, got ${positionals.length}; ${USAGE}`);
  if (values.json && values.markdown) throw new DatasetError('--json and --markdown cannot be combined');
  const key = (values.key ?? []).flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);
  let maxRows = DEFAULT_MAX_ROWS;
  if (values['max-rows'] !== undefined) {
    maxRows = Number(values['max-rows']);
    if (!Number.isInteger(maxRows) || maxRows < 0) throw new DatasetError(`--max-rows "${values['max-rows']}" is not a whole number >= 0`);
  }
  return {
    refs: [parseDatasetRef(positionals[0]!), parseDatasetRef(positionals[1]!)],
    ...(key.length > 0 ? { key } : {}),
    format: values.json ? 'json' : values.markdown ? 'markdown' : 'text',
    maxRows,
    failOn: parseFailOn(values['fail-on'] ?? []),
  };
}

function countChanges(d: FileDiff): number {
  return d.diff.rows.added + d.diff.rows.removed + d.diff.rows.modified;
}

/** Progress on one redrawn stderr line (terminals only; CI logs stay clean). */
function progressWriter(ctx: CliContext): { update: (p: DiffProgress) => void; clear: () => void } {
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      shown = true;
      const pct = p.total > 0 ? ` ${Math.min(100, Math.floor((p.done / p.total) * 100))}%` : '';
      ctx.raw.err(`\r\x1b[2Kdiff: ${printable(p.phase)}${pct}`);
    },
    clear: () => {
      if (shown) ctx.raw.err('\r\x1b[2K');
    },
  };
}
