/**
 * How fit cost grows (issue #17): linear and binary logistic regression at
 * 1,000,000 × 50 against scikit-learn, with the peak memory of both. Opt-in
 * (`npm run bench -- "big fits"`): the data are 400 MB a matrix and the
 * section takes minutes on a loaded 2-core machine. BIG_FIT_ROWS sets the
 * row count for a quick run.
 *
 * The data come from the seeded generators (makeRegression with noise 10;
 * makeClassification with modelBench's linearly separable-ish layout, 10
 * informative and 2 redundant columns, 1 cluster per class) and are written
 * once per case as raw little-endian float64, which both sides read without
 * parsing and bit for bit (a CSV would be ~1 GB a case). Each fit runs in a
 * fresh process that only loads the data and fits once: RunLens in a Node
 * child (this file bundled with esbuild, as the CLI ships), scikit-learn in
 * Python (scripts/sklearn/bigFitReference.py), back to back so that both see
 * the same load. Peak memory is the process's high-water mark (VmHWM for
 * RunLens, ru_maxrss for Python); the resident size once the data are
 * loaded is given beside it, so the fit's own share shows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BuildOptions, BuildResult } from 'esbuild';
import type { Task } from '../../src/core/models/model';
import { createModel } from '../../src/core/models/registry';
import type { SyntheticData } from '../../src/core/models/syntheticData';
import { makeClassification, makeRegression } from '../../src/core/models/syntheticData';
import { PYTHON, sklearnAvailable } from '../sklearn/referenceRunner';
import type { BenchResult } from './types';

const ROWS = Number(process.env.BIG_FIT_ROWS ?? 1_000_000);
const COLS = 50;
const CHILD_FLAG = '--big-fit-child';

/** One fit, as the RunLens child and the Python script read it. */
interface FitJob {
  readonly type: 'linear_regression' | 'logistic_regression';
  readonly task: Task;
  readonly nClasses?: number;
  readonly params: Record<string, unknown>;
  readonly x: string;
  readonly y: string;
  readonly rows: number;
  readonly cols: number;
}

/** What either side reports (the Python script's field names). */
interface FitReport {
  readonly fit_seconds: number;
  readonly fit_cpu_seconds: number;
  readonly loaded_rss_mb: number;
  readonly max_rss_mb: number;
  readonly n_iter?: number;
}

interface Case {
  readonly name: string;
  readonly type: FitJob['type'];
  readonly task: Task;
  readonly nClasses?: number;
  readonly params: Record<string, unknown>;
  readonly data: () => SyntheticData;
}

const LOGIT = { C: 1, tol: 1e-4, max_iter: 1000 };

const CASES: readonly Case[] = [
  {
    name: 'linear_regression fit', type: 'linear_regression', task: 'regression', params: {},
    data: () => makeRegression({ rows: ROWS, cols: COLS, noise: 10, seed: 17 }),
  },
  {
    name: 'logistic_regression fit, binary', type: 'logistic_regression', task: 'classification', nClasses: 2, params: LOGIT,
    data: () => makeClassification({ rows: ROWS, cols: COLS, informative: 10, redundant: 2, clustersPerClass: 1, seed: 18 }),
  },
];

/** A /proc/self/status field in MB (kB there). */
function statusMb(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A file of raw float64 read into shared memory, where the trainer's preprocessor puts a design matrix (no copy). */
function readFloats(path: string): Float64Array {
  const size = statSync(path).size;
  const out = new Float64Array(new SharedArrayBuffer(size));
  const fd = openSync(path, 'r');
  try {
    const bytes = new Uint8Array(out.buffer);
    for (let at = 0; at < size;) at += readSync(fd, bytes, at, size - at, at);
  } finally {
    closeSync(fd);
  }
  return out;
}

/** The child: load, fit once, report. Nothing else runs in its process. */
async function fitChild(jobPath: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobPath, 'utf8')) as FitJob;
  const X = { data: readFloats(job.x), rows: job.rows, cols: job.cols };
  const y = readFloats(job.y);
  const model = createModel(job.type, job.params, job.task);
  const loaded = statusMb('VmRSS');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await model.fit(X, y, { task: job.task, nClasses: job.nClasses });
  const c = process.cpuUsage(c0);
  const report: FitReport = {
    fit_seconds: (performance.now() - t0) / 1000,
    fit_cpu_seconds: (c.user + c.system) / 1e6,
    loaded_rss_mb: loaded,
    max_rss_mb: statusMb('VmHWM'),
    ...(job.type === 'logistic_regression' ? { n_iter: (model as unknown as { fitInfo: { iterations: number } }).fitInfo.iterations } : {}),
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

/** This file bundled for Node, as the CLI ships, with the logistic worker; tfjs and native modules stay outside (no model here loads them). */
function bundle(dir: string): string {
  const { buildSync } = createRequire(__filename)('esbuild') as { buildSync(options: BuildOptions): BuildResult };
  const out = join(dir, 'bigFitChild.cjs');
  buildSync({
    entryPoints: [__filename], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error',
    define: { __RUNLENS_VERSION__: '"bench"' },
    external: ['esbuild', 'better-sqlite3', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node'],
  });
  // The logistic objective's worker thread beside it, as dist/ ships it (src/core/util/workerEntry.ts finds it there).
  buildSync({
    entryPoints: [resolve(__dirname, '..', '..', 'src', 'core', 'models', 'logisticWorker.ts')], outfile: join(dir, 'logisticWorker.js'),
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error',
  });
  return out;
}

function parseReport(who: string, out: string): FitReport {
  const line = out.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as FitReport;
  } catch {
    throw new Error(`${who} printed no report: ${out.slice(-400)}`);
  }
}

function runlensFit(child: string, jobPath: string): FitReport {
  const root = resolve(__dirname, '..', '..');
  const r = spawnSync(process.execPath, [child, CHILD_FLAG, jobPath], {
    encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
  });
  if (r.status !== 0) throw new Error(`RunLens fit child exited ${r.status ?? r.signal}: ${r.stderr.slice(-400)}`);
  return parseReport('RunLens fit child', r.stdout);
}

function sklearnFit(jobPath: string, c: Case): FitReport {
  const job = JSON.parse(readFileSync(jobPath, 'utf8')) as FitJob;
  const pyJob = jobPath.replace(/\.json$/, '.py.json');
  writeFileSync(pyJob, JSON.stringify({ model: c.type, params: c.params, x: job.x, y: job.y, rows: job.rows, cols: job.cols }));
  const out = execFileSync(PYTHON, [join(__dirname, '..', 'sklearn', 'bigFitReference.py'), pyJob], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return parseReport('bigFitReference.py', out);
}

/** Writes one case's data (raw float64) and its job file; the arrays are dropped on return. */
function writeCase(dir: string, i: number, c: Case): string {
  const { X, y } = c.data();
  const job: FitJob = {
    type: c.type, task: c.task, ...(c.nClasses ? { nClasses: c.nClasses } : {}), params: c.params,
    x: join(dir, `case${i}.x.f64`), y: join(dir, `case${i}.y.f64`), rows: X.rows, cols: X.cols,
  };
  writeFileSync(job.x, new Uint8Array(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  writeFileSync(job.y, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
  const path = join(dir, `case${i}.json`);
  writeFileSync(path, JSON.stringify(job));
  return path;
}

const rowsLabel = ROWS === 1_000_000 ? '1,000,000' : ROWS.toLocaleString('en-US');

/** Fit time and peak memory of both sides for each case, with their ratios. */
export async function benchBigFits(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-'));
  const results: BenchResult[] = [];
  const withSklearn = sklearnAvailable();
  try {
    const child = bundle(dir);
    for (const [i, c] of CASES.entries()) {
      const jobPath = writeCase(dir, i, c);
      const ref = withSklearn ? sklearnFit(jobPath, c) : undefined;
      const ours = runlensFit(child, jobPath);
      rmSync(join(dir, `case${i}.x.f64`), { force: true });
      const name = `${c.name}, ${rowsLabel} × ${COLS}`;
      const iterations = ours.n_iter !== undefined ? `L-BFGS ${ours.n_iter} iterations${ref?.n_iter !== undefined ? ` (scikit-learn ${ref.n_iter})` : ''}; ` : '';
      results.push({
        name, value: ours.fit_seconds, unit: 's', reference: ref?.fit_seconds, referenceName: ref ? 'scikit-learn 1.2' : undefined,
        note: `${iterations}fit only, one run in a fresh process`,
      });
      results.push({
        name: `${name} (CPU time)`, value: ours.fit_cpu_seconds, unit: 's', reference: ref?.fit_cpu_seconds,
        referenceName: ref ? 'scikit-learn 1.2, all threads' : undefined,
      });
      results.push({
        name: `${name}: peak memory of the process`, value: ours.max_rss_mb, unit: 'MB', reference: ref?.max_rss_mb,
        referenceName: ref ? 'scikit-learn process (ru_maxrss)' : undefined,
        note: `VmHWM of a Node process that only loads the data and fits; resident once the data were loaded: RunLens ${ours.loaded_rss_mb.toFixed(0)} MB${ref ? `, scikit-learn ${ref.loaded_rss_mb.toFixed(0)} MB` : ''} (the matrix alone is ${((ROWS * COLS * 8) / 2 ** 20).toFixed(0)} MB)`,
      });
      if (ref) {
        results.push({
          name: `${name}: ratios RunLens / scikit-learn`, value: ours.fit_seconds / ref.fit_seconds, unit: '×',
          note: `wall time; CPU time ${(ours.fit_cpu_seconds / ref.fit_cpu_seconds).toFixed(2)}×; peak memory ${(ours.max_rss_mb / ref.max_rss_mb).toFixed(2)}×; ` +
            `memory above the loaded data ${((ours.max_rss_mb - ours.loaded_rss_mb) / Math.max(1, ref.max_rss_mb - ref.loaded_rss_mb)).toFixed(2)}×`,
        });
      }
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes(CHILD_FLAG)) {
  fitChild(process.argv[process.argv.indexOf(CHILD_FLAG) + 1]).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
} else if (process.argv[1]?.endsWith('bigFitBench.ts')) {
  void benchBigFits().then((rs) => {
    for (const r of rs) {
      const ref = r.reference !== undefined ? `  (reference ${r.reference.toFixed(3)} ${r.unit})` : '';
      console.log(`${r.name}: ${r.value.toFixed(3)} ${r.unit}${ref}${r.note ? `  — ${r.note}` : ''}`);
    }
  });
}
