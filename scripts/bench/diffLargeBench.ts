/**
 * A 2 GB CSV pair through the dataset diff (issue #5: "a 2 GB file: works or
 * a clear message, nothing crashes"). Opt-in, since it writes ~4 GB and
 * takes minutes: `npm run bench -- "2 GB"` (or
 * `node --import tsx --expose-gc scripts/bench/index.ts "2 GB"`);
 * DIFF_LARGE_ROWS sets the row count for a quick run.
 *
 * The pair has diffBench's shape (an `id` key, 15 numeric and 4 categorical
 * columns), ~13M rows each; B changes one cell in every 100th row (a
 * number, or a category, by turn), drops every 1000th row and inserts a new
 * row after every 1000th. Each diff runs with the default memory budget in
 * a fresh child process (this file bundled with esbuild, as the extension
 * and CLI ship): the keyed diff, the unkeyed diff, then the bundled CLI
 * (`runlens diff a b --key id --json`). Their counts, the statistics'
 * maxima and the CLI's exit code and summary are asserted. The parent polls
 * the child's temp folder (the diff's `tempDir`, or TMPDIR for the CLI) for
 * the disk used at peak and the partition files, and /proc for the RSS of
 * the CLI, and checks the folder is empty once the child has disposed.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BuildOptions, BuildResult } from 'esbuild';
import { diffCsvFiles } from '../../src/core/datasetDiff/diffFiles';
import type { DiffProgress } from '../../src/core/datasetDiff/diffFiles';
import { Rng } from '../../src/core/util/rng';
import type { BenchResult } from './types';

const ROWS = Number(process.env.DIFF_LARGE_ROWS ?? 13_000_000);
const NUMERIC = 15;
const CATEGORICAL = 4;
const CATEGORIES = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow'];
const CHANGED_NUMBER = '12345.678';
const CHANGED_CATEGORY = 'changed';
/** A diff (or the CLI) taking longer than this fails the section. */
const TIMEOUT_S = 1800;
const POLL_MS = 200;

/** The counts the pair was written with. */
export interface LargePair {
  readonly rows: number;
  readonly rowsB: number;
  readonly modified: number;
  readonly added: number;
  readonly removed: number;
  readonly bytes: number;
}

/**
 * Writes A and B (see the module comment). Numbers come from a pool of
 * pre-formatted normals, so generation costs string joins, not a number
 * format per cell: 2 GB in about a minute instead of several.
 */
export async function writeLargePair(pathA: string, pathB: string, rows: number): Promise<LargePair> {
  const rng = new Rng(5);
  const pool = Array.from({ length: 1 << 14 }, () => String(Math.round(rng.normal() * 1e6) / 1e3));
  const outA = createWriteStream(pathA);
  const outB = createWriteStream(pathB);
  const header = ['id', ...Array.from({ length: NUMERIC }, (_, i) => `x${i}`), ...Array.from({ length: CATEGORICAL }, (_, i) => `c${i}`)].join(',') + '\n';
  let chunkA = header;
  let chunkB = header;
  let bytes = 0;
  const flush = async (): Promise<void> => {
    bytes += chunkA.length + chunkB.length;
    await Promise.all([write(outA, chunkA), write(outB, chunkB)]);
    chunkA = '';
    chunkB = '';
  };
  let modified = 0;
  let added = 0;
  let removed = 0;
  const cells = new Array<string>(1 + NUMERIC + CATEGORICAL);
  const fill = (id: number): void => {
    cells[0] = String(id);
    for (let c = 1; c <= NUMERIC; c++) cells[c] = pool[rng.int(pool.length)];
    for (let c = 0; c < CATEGORICAL; c++) cells[1 + NUMERIC + c] = CATEGORIES[rng.int(CATEGORIES.length)];
  };
  for (let r = 0; r < rows; r++) {
    fill(r);
    const row = cells.join(',') + '\n';
    chunkA += row;
    if (r % 1000 === 555) removed++;
    else if (r % 100 === 0) {
      // Every column but the key gets changed in turn: 15 numbers, then 4 categories.
      const c = 1 + ((r / 100) % (NUMERIC + CATEGORICAL));
      cells[c] = c <= NUMERIC ? CHANGED_NUMBER : CHANGED_CATEGORY;
      chunkB += cells.join(',') + '\n';
      modified++;
    } else chunkB += row;
    if (r % 1000 === 999) {
      fill(rows + added);
      chunkB += cells.join(',') + '\n';
      added++;
    }
    if (chunkA.length > 1 << 20) await flush();
  }
  await flush();
  await Promise.all([end(outA), end(outB)]);
  return { rows, rowsB: rows - removed + added, modified, added, removed, bytes };
}

function write(out: WriteStream, text: string): Promise<void> {
  return out.write(text) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r()));
}

function end(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => out.on('finish', resolve).on('error', reject).end());
}

/** What a diff child reports. */
interface ChildReport {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakMb: number;
  readonly load: number;
  /** Seconds from the start to the first progress report of each phase. */
  readonly phases: Record<string, number>;
  /** Most RSS (MB) seen at a progress report of each phase: where the peak is. */
  readonly phaseRssMb: Record<string, number>;
  readonly rowsA: number;
  readonly rowsB: number;
  readonly modified: number;
  readonly changedCells: number;
  readonly added: number;
  readonly removed: number;
  /** Row changes read back from the spill file with `changes()`, and the page total. */
  readonly listed: number;
  readonly pageTotal: number;
  /** Numeric columns whose `max` statistic changed to the planted value. */
  readonly maxChanged: number;
  readonly schemaChanges: number;
  readonly worstDrift: string;
}

/** What the parent saw of a child from outside. */
interface Watched {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly processSeconds: number;
  /** Most bytes in the temp folder at one poll, and most `.part` files. */
  readonly tempPeakBytes: number;
  readonly partFiles: number;
  /** VmHWM of the child as last read from /proc (kB → MB). */
  readonly hwmMb: number;
  /** Entries left in the temp folder after exit. */
  readonly leftover: string[];
}

/** Bundles this file (the diff children) and the CLI into `dir`. */
function bundle(dir: string): { child: string; cli: string } {
  const { buildSync } = createRequire(__filename)('esbuild') as { buildSync(options: BuildOptions): BuildResult };
  const root = resolve(__dirname, '..', '..');
  const common: BuildOptions = {
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error',
    define: { __RUNLENS_VERSION__: '"bench"' },
  };
  const child = join(dir, 'diffLargeChild.cjs');
  buildSync({ ...common, entryPoints: [__filename], outfile: child, external: ['esbuild', 'better-sqlite3'] });
  // As esbuild.mjs builds dist/cli.js; its externals resolve through NODE_PATH (see `watch`).
  const cli = join(dir, 'cli.cjs');
  buildSync({ ...common, entryPoints: [join(root, 'src', 'cli', 'main.ts')], outfile: cli, external: ['vscode', 'better-sqlite3', '@tensorflow/tfjs-node', 'tsx'] });
  // The diff scans large files on worker threads from `scanWorker.js` beside the bundle, as dist/ ships it.
  const worker = join(root, 'src', 'core', 'datasetDiff', 'scanWorker.ts');
  if (existsSync(worker)) buildSync({ ...common, entryPoints: [worker], outfile: join(dir, 'scanWorker.js') });
  return { child, cli };
}

/** Bytes and `.part` files under `dir` (the diff makes one `runlens-diff-*` folder in it). */
function tempUsage(dir: string): { bytes: number; parts: number } {
  let bytes = 0;
  let parts = 0;
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return; // removed while we looked
    }
    for (const name of names) {
      try {
        const s = statSync(join(d, name));
        if (s.isDirectory()) walk(join(d, name));
        else {
          bytes += s.size;
          if (name.endsWith('.part')) parts++;
        }
      } catch {
        // removed while we looked
      }
    }
  };
  walk(dir);
  return { bytes, parts };
}

/** VmHWM (peak RSS) of a live process in MB, or 0 once it is gone. */
function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs a child (argument array, no shell) while polling its temp folder and peak RSS. */
function watch(args: string[], temp: string, env: NodeJS.ProcessEnv): Promise<Watched> {
  const root = resolve(__dirname, '..', '..');
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { env: { ...process.env, NODE_PATH: join(root, 'node_modules'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let tempPeakBytes = 0;
  let partFiles = 0;
  let hwmMb = 0;
  const poll = (): void => {
    const u = tempUsage(temp);
    tempPeakBytes = Math.max(tempPeakBytes, u.bytes);
    partFiles = Math.max(partFiles, u.parts);
    if (proc.pid !== undefined) hwmMb = Math.max(hwmMb, peakRssMb(proc.pid));
  };
  const timer = setInterval(poll, POLL_MS);
  const killer = setTimeout(() => proc.kill('SIGKILL'), TIMEOUT_S * 1000);
  return new Promise((resolvePromise, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearInterval(timer);
      clearTimeout(killer);
      resolvePromise({ code, stdout, stderr, processSeconds: (performance.now() - t0) / 1000, tempPeakBytes, partFiles, hwmMb, leftover: readdirSync(temp) });
    });
  });
}

/** The child: one diff with the default budget, read back and checked, then its report as a JSON line. */
async function child(mode: string, a: string, b: string, temp: string): Promise<void> {
  const load = loadavg()[0];
  const phases: Record<string, number> = {};
  const phaseRssMb: Record<string, number> = {};
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const onProgress = (p: DiffProgress): void => {
    phases[p.phase] ??= (performance.now() - t) / 1000;
    phaseRssMb[p.phase] = Math.max(phaseRssMb[p.phase] ?? 0, process.memoryUsage.rss() / 2 ** 20);
  };
  const d = await diffCsvFiles(a, b, { key: mode === 'keyed' ? ['id'] : undefined, tempDir: temp, onProgress });
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const { rowsA, rowsB, modified, changedCells, added, removed } = d.diff.rows;
  let listed = 0;
  for await (const change of d.changes()) if (change.kind) listed++;
  const pageTotal = (await d.page(0, 10)).total;
  const maxChanged = d.diff.stats.filter((s) => s.stat === 'max' && s.after === Number(CHANGED_NUMBER)).length;
  const { added: sa, removed: sr, renamed, typeChanged } = d.diff.schema;
  const verdicts = d.diff.drift.map((x) => x.verdict);
  const worstDrift = verdicts.includes('large') ? 'large' : verdicts.includes('moderate') ? 'moderate' : 'none';
  d.dispose();
  process.stdout.write(JSON.stringify({
    seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakMb: process.resourceUsage().maxRSS / 1024, load, phases, phaseRssMb,
    rowsA, rowsB, modified, changedCells, added, removed, listed, pageTotal, maxChanged,
    schemaChanges: sa.length + sr.length + renamed.length + typeChanged.length, worstDrift,
  } satisfies ChildReport) + '\n');
}

function fail(what: string, got: unknown, want: unknown): never {
  throw new Error(`2 GB diff bench: ${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

function check(what: string, got: unknown, want: unknown): void {
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(what, got, want);
}

/** Runs one diff child and asserts its counts against what the pair was written with. */
async function runDiff(script: string, mode: 'keyed' | 'unkeyed', a: string, b: string, temp: string, pair: LargePair): Promise<{ r: ChildReport; w: Watched }> {
  mkdirSync(temp);
  const w = await watch([script, mode, a, b, temp], temp, { RUNLENS_DIFF_LARGE_CHILD: '1' });
  if (w.code !== 0) throw new Error(`2 GB diff bench: ${mode} child failed (${w.code}): ${w.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const r = JSON.parse(w.stdout.trim().split('\n').pop() as string) as ChildReport;
  const changes = mode === 'keyed' ? pair.modified + pair.added + pair.removed : 2 * pair.modified + pair.added + pair.removed;
  check(`${mode} counts`, [r.rowsA, r.rowsB, r.modified, r.changedCells, r.added, r.removed],
    mode === 'keyed'
      ? [pair.rows, pair.rowsB, pair.modified, pair.modified, pair.added, pair.removed]
      // Without a key a changed row is one removed and one added row.
      : [pair.rows, pair.rowsB, 0, 0, pair.added + pair.modified, pair.removed + pair.modified]);
  check(`${mode} row changes read back from the spill file`, [r.listed, r.pageTotal], [changes, changes]);
  check(`${mode} schema changes`, r.schemaChanges, 0);
  if (pair.rows >= 100 * (NUMERIC + CATEGORICAL)) check(`${mode} columns whose max became ${CHANGED_NUMBER}`, r.maxChanged, NUMERIC);
  check(`${mode} temp files left after dispose`, w.leftover, []);
  return { r, w };
}

/** The CLI as users run it; asserts exit code 1, the JSON summary and the counts. */
async function runCli(cli: string, a: string, b: string, temp: string, pair: LargePair): Promise<Watched> {
  mkdirSync(temp);
  const w = await watch([cli, 'diff', a, b, '--key', 'id', '--json'], temp, { TMPDIR: temp });
  if (w.code !== 1) throw new Error(`2 GB diff bench: the CLI exited ${w.code}, expected 1: ${w.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const out = JSON.parse(w.stdout) as { exitCode: number; changed: boolean; summary: string; changesTotal: number; changes: unknown[]; diff: { rows: { modified: number; added: number; removed: number } } };
  check('CLI exitCode/changed', [out.exitCode, out.changed], [1, true]);
  check('CLI row counts', [out.diff.rows.modified, out.diff.rows.added, out.diff.rows.removed], [pair.modified, pair.added, pair.removed]);
  check('CLI changesTotal and changes listed', [out.changesTotal, out.changes.length], [pair.modified + pair.added + pair.removed, 20]);
  const rows = `${pair.added} rows added, ${pair.removed} removed, ${pair.modified} modified (${pair.modified} cells)`;
  if (!out.summary.startsWith(rows)) fail('CLI summary', out.summary, `${rows}…`);
  check('CLI temp files left after exit', w.leftover, []);
  process.stderr.write(`bench: CLI summary: ${out.summary}\n`);
  return w;
}

export async function benchDiffLarge(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-large-'));
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const gb = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  try {
    const { child: script, cli } = bundle(dir);
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const g0 = performance.now();
    const pair = await writeLargePair(a, b, ROWS);
    const genSeconds = (performance.now() - g0) / 1000;
    const size = `${gb(statSync(a).size)} + ${gb(statSync(b).size)}, ${fmt(pair.rows)} × 20`;
    process.stderr.write(`bench: wrote ${size} in ${genSeconds.toFixed(1)} s\n`);
    const planted = `${fmt(pair.modified)} modified, ${fmt(pair.added)} added, ${fmt(pair.removed)} removed rows`;
    const results: BenchResult[] = [{ name: `writing the pair (${size})`, value: genSeconds, unit: 's', note: planted }];
    for (const mode of ['keyed', 'unkeyed'] as const) {
      const { r, w } = await runDiff(script, mode, a, b, join(dir, `temp-${mode}`), pair);
      const phases = Object.entries(r.phases).map(([p, s]) => `${p} from ${s.toFixed(0)} s`).join(', ');
      const rssByPhase = Object.entries(r.phaseRssMb).map(([p, mb]) => `${p} ${mb.toFixed(0)} MB`).join(', ');
      process.stderr.write(`bench: ${mode}: ${r.seconds.toFixed(1)} s, CPU ${r.cpuSeconds.toFixed(1)} s, peak RSS ${r.peakMb.toFixed(0)} MB (${rssByPhase}), temp ${gb(w.tempPeakBytes)}, ${w.partFiles / 2} partitions; ${phases}\n`);
      results.push(
        { name: `diffCsvFiles ${mode}, default budget: diff wall time`, value: r.seconds, unit: 's', note: `${phases}; load average ${r.load.toFixed(1)} on ${cpus().length} cores; counts asserted` },
        { name: `diffCsvFiles ${mode}: CPU time`, value: r.cpuSeconds, unit: 's', note: 'user + system' },
        { name: `diffCsvFiles ${mode}: peak RSS`, value: Math.round(r.peakMb), unit: 'MB', goal: '< 1,024 MB', note: `child maxRSS, Node included; most RSS seen per phase: ${rssByPhase}` },
        { name: `diffCsvFiles ${mode}: temp disk at peak`, value: w.tempPeakBytes / 2 ** 20, unit: 'MB', note: `${w.partFiles / 2} partitions (most .part files seen / 2, polled every ${POLL_MS} ms); folder empty after dispose (asserted)` },
        { name: `diffCsvFiles ${mode}: reading ${fmt(r.listed)} row changes back with changes()`, value: r.listed, unit: 'rows', note: `equal to the counts (asserted); drift verdict ${r.worstDrift}` },
      );
    }
    const w = await runCli(cli, a, b, join(dir, 'temp-cli'), pair);
    results.push(
      { name: 'runlens diff a.csv b.csv --key id --json: whole process', value: w.processSeconds, unit: 's', note: 'bundled CLI, spawn to exit; exit code 1, summary and counts asserted' },
      { name: 'runlens diff: peak RSS', value: Math.round(w.hwmMb), unit: 'MB', goal: '< 1,024 MB', note: `VmHWM read from /proc every ${POLL_MS} ms; temp disk at peak ${gb(w.tempPeakBytes)}` },
    );
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.RUNLENS_DIFF_LARGE_CHILD === '1') {
  const [mode, a, b, temp] = process.argv.slice(2);
  child(mode, a, b, temp).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
