/**
 * Dataset diff speed and memory. Pairs of CSVs of N x 20 (an `id` key, 15
 * numeric and 4 categorical columns) where 1% of the rows have one changed
 * cell are written to a temp dir. Each diff runs in a fresh child process:
 * this file bundled with esbuild (as the extension and the CLI ship), run
 * with RUNLENS_DIFF_BENCH_CHILD set. The child times the diff itself (wall
 * and CPU, from after its code is loaded to the counts in hand) and reports
 * its peak RSS (resourceUsage().maxRSS, Node included) and the load average
 * when it started; the parent times the whole process separately. daff, the
 * table-diff library, runs the same way (loaded before its timer starts) on
 * the same files keyed on `id` at growing sizes until a run passes
 * `DAFF_CAP_S` or fails (out of memory); at every size both tools' counts of
 * changed rows and cells must be equal (asserted), and the ratio is reported
 * at the largest size daff finished.
 * `node --import tsx --expose-gc scripts/bench/index.ts "dataset diff"` runs this section alone.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BuildOptions, BuildResult } from 'esbuild';
import { WORKER_MIN_BYTES } from '../../src/core/datasetDiff/csvSource';
import { diffCsvFiles } from '../../src/core/datasetDiff/diffFiles';
import { Rng } from '../../src/core/util/rng';
import type { BenchResult } from './types';

/** The size; DIFF_BENCH_ROWS overrides it for a quick run. */
const ROWS = Number(process.env.DIFF_BENCH_ROWS ?? 1_000_000);
/** Sizes both tools diff (up to ROWS); daff stops at the first it cannot finish. */
const SIZES = [10_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];
/** A daff run longer than this (wall time of its process) does not count as finished. */
const DAFF_CAP_S = 90;
const NUMERIC = 15;
const CATEGORICAL = 4;
const CHANGED_FRACTION = 0.01;
const CATEGORIES = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow'];

/** Writes A and B; B equals A except for one cell in every 100th row. Returns the changed row count. */
export async function writeBenchPair(pathA: string, pathB: string, rows: number): Promise<number> {
  const rng = new Rng(11);
  const outA = createWriteStream(pathA);
  const outB = createWriteStream(pathB);
  const header = ['id', ...Array.from({ length: NUMERIC }, (_, i) => `x${i}`), ...Array.from({ length: CATEGORICAL }, (_, i) => `c${i}`)].join(',') + '\n';
  let chunkA = header;
  let chunkB = header;
  let changed = 0;
  const every = Math.round(1 / CHANGED_FRACTION);
  const flush = async (): Promise<void> => {
    const waits: Promise<void>[] = [];
    if (!outA.write(chunkA)) waits.push(new Promise((r) => outA.once('drain', () => r())));
    if (!outB.write(chunkB)) waits.push(new Promise((r) => outB.once('drain', () => r())));
    chunkA = '';
    chunkB = '';
    await Promise.all(waits);
  };
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [String(r)];
    for (let c = 0; c < NUMERIC; c++) cells.push(String(Math.round(rng.normal() * 1e6) / 1e3));
    for (let c = 0; c < CATEGORICAL; c++) cells.push(CATEGORIES[rng.int(CATEGORIES.length)]);
    chunkA += cells.join(',') + '\n';
    if (r % every === 0) {
      cells[1 + rng.int(NUMERIC)] = '12345.678';
      changed++;
    }
    chunkB += cells.join(',') + '\n';
    if (chunkA.length > 1 << 20) await flush();
  }
  await flush();
  const done = (s: ReturnType<typeof createWriteStream>) => new Promise<void>((resolve, reject) => s.on('finish', resolve).on('error', reject).end());
  await Promise.all([done(outA), done(outB)]);
  return changed;
}

/** What a child process reports (`processSeconds` is added by the parent). */
interface Measured {
  /** Wall time of the diff itself. */
  readonly seconds: number;
  /** User + system CPU time of the diff: steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
  readonly peakMb: number;
  /** 1-minute load average when the diff started. */
  readonly load: number;
  readonly modified: number;
  readonly changedCells: number;
  readonly added: number;
  readonly removed: number;
  processSeconds: number;
}

/** Bundles this file for the children (daff stays external, loaded from the repository). */
function bundleChild(dir: string): string {
  const outfile = join(dir, 'diffBenchChild.cjs');
  // Loaded here, not imported at the top, so the bundled child does not need esbuild.
  const { buildSync } = createRequire(__filename)('esbuild') as { buildSync(options: BuildOptions): BuildResult };
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' };
  buildSync({
    ...common, entryPoints: [__filename], outfile,
    external: ['daff', 'esbuild', 'better-sqlite3'], define: { __RUNLENS_VERSION__: '"bench"' },
  });
  // The diff scans on worker threads, as in the extension and the CLI: their script goes beside the child.
  buildSync({ ...common, entryPoints: [resolve(__dirname, '..', '..', 'src', 'core', 'datasetDiff', 'scanWorker.ts')], outfile: join(dir, 'scanWorker.js') });
  return outfile;
}

/**
 * Runs one diff in a child process (argument array, no shell). Returns undefined
 * when it passes `timeoutS` or, with `mayFail`, when it dies (daff out of memory).
 */
function runChild(bundle: string, tool: 'runlens' | 'daff', a: string, b: string, timeoutS: number, mayFail = false): Measured | undefined {
  const t = performance.now();
  const r = spawnSync(process.execPath, [bundle, tool, a, b], {
    env: { ...process.env, RUNLENS_DIFF_BENCH_CHILD: '1', RUNLENS_BENCH_ROOT: resolve(__dirname, '..', '..') },
    encoding: 'utf8', timeout: timeoutS * 1000, killSignal: 'SIGKILL', maxBuffer: 1 << 24,
  });
  const processSeconds = (performance.now() - t) / 1000;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return undefined;
  if (r.status !== 0) {
    const why = `${tool} child failed (${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`;
    if (mayFail) {
      process.stderr.write(`bench: ${why}\n`);
      return undefined;
    }
    throw new Error(`diff bench: ${why}`);
  }
  const m = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Measured;
  m.processSeconds = processSeconds;
  return m;
}

/** The child: one diff, then its measurements as a JSON line. */
async function child(tool: string, a: string, b: string): Promise<void> {
  const daff = tool === 'daff' ? createRequire(join(process.env.RUNLENS_BENCH_ROOT ?? process.cwd(), 'package.json'))('daff') as Daff : undefined;
  const load = loadavg()[0];
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  let counts: Pick<Measured, 'modified' | 'changedCells' | 'added' | 'removed'>;
  if (daff === undefined) {
    const d = await diffCsvFiles(a, b, { key: ['id'] });
    // Bundled as the CLI and the extension are, the scan worker must be found beside the bundle.
    if (!d.scannedOnWorkers && statSync(a).size >= WORKER_MIN_BYTES) throw new Error('the diff did not scan on worker threads');
    const { modified, changedCells, added, removed } = d.diff.rows;
    counts = { modified, changedCells, added, removed };
    d.dispose();
  } else {
    counts = daffDiff(daff, a, b);
  }
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakMb: process.resourceUsage().maxRSS / 1024, load, ...counts }) + '\n');
}

/** The part of daff's API used here (the package ships no types). */
interface DaffTable { get_height(): number; get_width(): number; getCell(x: number, y: number): unknown }
interface Daff {
  Csv: new () => { makeTable(text: string): DaffTable };
  CompareFlags: new () => { addPrimaryKey(column: string): void };
  SimpleTable: new (w: number, h: number) => DaffTable;
  TableDiff: new (alignment: unknown, flags: unknown) => { hilite(out: DaffTable): void };
  compareTables(a: DaffTable, b: DaffTable, flags: unknown): { align(): unknown };
}

/** daff keyed on `id`, as its README shows: parse, align, highlight; then count its `->` / `+++` / `---` rows and `a->b` cells. */
function daffDiff(daff: Daff, a: string, b: string): Pick<Measured, 'modified' | 'changedCells' | 'added' | 'removed'> {
  const csv = new daff.Csv();
  const ta = csv.makeTable(readFileSync(a, 'utf8'));
  const tb = csv.makeTable(readFileSync(b, 'utf8'));
  const flags = new daff.CompareFlags();
  flags.addPrimaryKey('id');
  const out = new daff.SimpleTable(0, 0);
  new daff.TableDiff(daff.compareTables(ta, tb, flags).align(), flags).hilite(out);
  let modified = 0;
  let changedCells = 0;
  let added = 0;
  let removed = 0;
  for (let r = 0; r < out.get_height(); r++) {
    const tag = out.getCell(0, r);
    if (tag === '->') {
      modified++;
      for (let c = 1; c < out.get_width(); c++) {
        const v = out.getCell(c, r);
        if (typeof v === 'string' && v.includes('->')) changedCells++;
      }
    } else if (tag === '+++') added++;
    else if (tag === '---') removed++;
  }
  return { modified, changedCells, added, removed };
}

function checkCounts(tool: string, m: Measured, changed: number): void {
  if (m.modified !== changed || m.changedCells !== changed || m.added + m.removed !== 0) {
    throw new Error(`diff bench: ${tool} found ${m.modified} modified rows / ${m.changedCells} cells (+${m.added} / -${m.removed}), expected ${changed}`);
  }
}

export async function benchDiff(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-'));
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const s2 = (x: number): string => `${x.toFixed(2)} s`;
  try {
    const bundle = bundleChild(dir);
    const headline: BenchResult[] = [];
    const scaling: BenchResult[] = [];
    let largest: { rows: number; runlens: Measured; daff: Measured; changed: number } | undefined;
    let daffStopped: string | undefined;
    for (const rows of [...new Set([...SIZES.filter((n) => n <= ROWS), ROWS])].sort((x, y) => x - y)) {
      const a = join(dir, `a${rows}.csv`);
      const b = join(dir, `b${rows}.csv`);
      const changed = await writeBenchPair(a, b, rows);
      const runlens = runChild(bundle, 'runlens', a, b, 600) as Measured;
      checkCounts('RunLens', runlens, changed);
      const size = `${fmt(rows)} × 20, ${fmt(changed)} rows changed`;
      if (rows === ROWS || rows === 100_000) {
        headline.push(
          { name: `diffCsvFiles keyed (${size})`, value: runlens.seconds, unit: 's', goal: rows >= 1_000_000 ? '< 10 s' : undefined, note: `wall time of the diff in a fresh process (load average ${runlens.load.toFixed(1)} on ${cpus().length} cores)` },
          { name: `diffCsvFiles keyed, CPU time (${size})`, value: runlens.cpuSeconds, unit: 's', note: 'user + system CPU of the same diff, all threads (the two scan workers and the comparison): the machine\'s load shows in wall time, less in this' },
          { name: `diffCsvFiles keyed, whole process (${size})`, value: runlens.processSeconds, unit: 's', note: 'wall time of the child from spawn to exit (Node start, loading the bundle, the diff, exit)' },
          { name: `diffCsvFiles peak RSS (${size})`, value: Math.round(runlens.peakMb), unit: 'MB', goal: rows >= 1_000_000 ? '< 1,024 MB' : undefined, note: 'child maxRSS, includes Node (~45 MB)' },
        );
      }
      let daff: Measured | undefined;
      if (daffStopped === undefined) {
        daff = runChild(bundle, 'daff', a, b, DAFF_CAP_S, true);
        if (daff === undefined || daff.processSeconds > DAFF_CAP_S) daffStopped = `daff did not finish ${fmt(rows)} rows within ${DAFF_CAP_S} s`;
      }
      if (daff !== undefined && daffStopped === undefined) {
        checkCounts('daff', daff, changed);
        process.stderr.write(`bench: diff ${fmt(rows)} rows: RunLens ${s2(runlens.seconds)} (CPU ${s2(runlens.cpuSeconds)}), daff ${s2(daff.seconds)} (CPU ${s2(daff.cpuSeconds)}), both ${daff.modified} modified rows / ${daff.changedCells} changed cells\n`);
        largest = { rows, runlens, daff, changed };
        scaling.push({
          name: `keyed diff vs daff, ${fmt(rows)} × 20: diff wall time`, value: runlens.seconds, unit: 's', reference: daff.seconds, referenceName: 'daff 1.4',
          note: `CPU ${s2(runlens.cpuSeconds)} vs ${s2(daff.cpuSeconds)}; peak RSS ${Math.round(runlens.peakMb)} vs ${Math.round(daff.peakMb)} MB; load ${runlens.load.toFixed(1)} / ${daff.load.toFixed(1)}`,
        });
      } else if (daffStopped !== undefined && daff !== undefined) {
        process.stderr.write(`bench: ${daffStopped}\n`);
      }
      rmSync(a);
      rmSync(b);
    }
    const results = [...headline, ...scaling];
    if (largest) {
      const { rows, runlens, daff, changed } = largest;
      const why = daffStopped ?? `daff finished every size up to ${fmt(rows)}`;
      results.push({
        name: `keyed diff at daff's largest size (${fmt(rows)} × 20)`, value: runlens.seconds, unit: 's', reference: daff.seconds, referenceName: 'daff 1.4',
        goal: 'ratio ≤ 0.1 (10× faster)', note: `diff wall time; equal output, asserted: ${fmt(changed)} modified rows, ${fmt(changed)} changed cells in both; ${why}`,
      });
      results.push({
        name: `same, CPU time (${fmt(rows)} × 20)`, value: runlens.cpuSeconds, unit: 's', reference: daff.cpuSeconds, referenceName: 'daff 1.4',
        note: 'user + system CPU of each diff, all threads: RunLens scans the two files on worker threads beside the comparison, daff runs on one thread',
      });
      results.push({
        name: `same, whole process (${fmt(rows)} × 20)`, value: runlens.processSeconds, unit: 's', reference: daff.processSeconds, referenceName: 'daff 1.4',
        note: 'spawn to exit, each tool in its own Node process',
      });
      results.push({ name: `peak RSS at ${fmt(rows)} × 20`, value: Math.round(runlens.peakMb), unit: 'MB', reference: Math.round(daff.peakMb), referenceName: 'daff 1.4', note: 'child maxRSS of each tool' });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.RUNLENS_DIFF_BENCH_CHILD === '1') {
  const [tool, a, b] = process.argv.slice(2);
  child(tool, a, b).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
