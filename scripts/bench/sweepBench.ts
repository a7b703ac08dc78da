/**
 * Sweep throughput: the same 16-trial grid (decision trees on a
 * make_classification-like 20,000 × 20 CSV, max_depth × min_samples_leaf)
 * run with `parallel: 1` and `parallel: 2`, each trial in its own trainer
 * process, all writing to one store. The speed-up of 2 over 1 is the number
 * to watch: on 2 cores it should come close to 2 (process start-up, CSV
 * reading and SQLite writes are per trial, so they parallelise too).
 *
 * Trials run from the bundled worker (esbuild, as `npm run build` makes it,
 * written under `.bench/`), not through tsx, so start-up is what users get.
 * Peak memory: each worker reports `process.resourceUsage().maxRSS` in its
 * `finished` message (IPC), just before it exits; the bench keeps the largest.
 *
 * Run alone: node --import tsx scripts/bench/sweepBench.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { makeClassification } from '../../src/core/models/syntheticData';
import { RunStore } from '../../src/store/runStore';
import { SweepRunner } from '../../src/worker/sweepRunner';
import { writeCsv } from '../sklearn/referenceRunner';
import type { BenchResult } from './types';

const ROOT = join(__dirname, '..', '..');
const TRIALS = 16;

const CONFIG = [
  'experiment: sweep-bench',
  'task: classification',
  'data: { path: data.csv, target: target }',
  'model:',
  '  type: decision_tree',
  '  params: { seed: 0 }',
  'sweep:',
  '  method: grid',
  '  params:',
  '    model.params.max_depth: [4, 6, 8, 10]',
  '    model.params.min_samples_leaf: [1, 5, 10, 20]',
  '',
].join('\n');

/** The trainer worker bundled as in a build, beside node_modules so better-sqlite3 resolves. */
function bundleWorker(): string {
  const dir = join(ROOT, '.bench', 'sweep');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'worker.js');
  buildSync({
    entryPoints: [join(ROOT, 'src', 'worker', 'trainerWorker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'better-sqlite3', '@tensorflow/tfjs-node', 'tsx'],
    define: { __RUNLENS_VERSION__: JSON.stringify('bench') },
    logLevel: 'warning',
  });
  return outfile;
}

interface SweepTiming {
  readonly seconds: number;
  readonly finished: number;
  readonly maxRssKb: number[];
}

async function timeSweep(dir: string, workerPath: string, parallel: number): Promise<SweepTiming> {
  const storeDir = join(dir, `.runlens-p${parallel}`);
  const store = RunStore.open(storeDir);
  const maxRssKb: number[] = [];
  try {
    const runner = new SweepRunner({
      storeDir, configPath: join(dir, 'bench.train.yaml'), store, parallel, workerPath,
      onEvent: (e) => {
        if (e.type === 'trialEnded' && e.maxRssKb !== undefined) maxRssKb.push(e.maxRssKb);
      },
    });
    const t0 = performance.now();
    const outcome = await runner.run();
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, finished: outcome.trials.filter((t) => t.status === 'finished').length, maxRssKb };
  } finally {
    store.close();
  }
}

export async function benchSweep(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-sweep-'));
  let workerPath: string | undefined;
  try {
    const data = makeClassification({ rows: 20_000, cols: 20, informative: 8, redundant: 4, classes: 3, seed: 1 });
    writeCsv(join(dir, 'data.csv'), data.X, data.y);
    writeFileSync(join(dir, 'bench.train.yaml'), CONFIG);
    workerPath = bundleWorker();
    // A first sweep warms the page cache and the OS, so neither timing pays for it.
    await timeSweep(dir, workerPath, 2);
    const sequential = await timeSweep(dir, workerPath, 1);
    const parallel = await timeSweep(dir, workerPath, 2);
    for (const t of [sequential, parallel]) {
      if (t.finished !== TRIALS) throw new Error(`only ${t.finished} of ${TRIALS} trials finished`);
    }
    const rss = [...sequential.maxRssKb, ...parallel.maxRssKb].sort((a, b) => a - b);
    const cores = availableParallelism();
    // Other processes compete for the same cores; say how busy the machine was.
    const load = loadavg()[0]!.toFixed(1);
    return [
      { name: `${TRIALS}-trial sweep, parallel 1`, value: sequential.seconds, unit: 's', note: `${(sequential.seconds / TRIALS).toFixed(2)} s per trial, process start-up included` },
      { name: `${TRIALS}-trial sweep, parallel 2`, value: parallel.seconds, unit: 's', reference: sequential.seconds, referenceName: 'parallel 1' },
      { name: 'speed-up, parallel 2 over parallel 1', value: sequential.seconds / parallel.seconds, unit: '×', goal: 'close to 2 (the cores used)', note: `${cores} core${cores === 1 ? '' : 's'} on this machine, load average ${load} at the end` },
      { name: 'peak RSS of a trial process', value: rss.at(-1)! / 1024, unit: 'MiB', note: `median ${(rss[rss.length >> 1]! / 1024).toFixed(0)} MiB over ${rss.length} trials; process.resourceUsage().maxRSS reported by the worker when it finishes` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (workerPath) rmSync(workerPath, { force: true });
  }
}

if (process.argv[1]?.endsWith('sweepBench.ts')) {
  void benchSweep().then((rs) => {
    for (const r of rs) {
      const ref = r.reference !== undefined ? `  (${r.referenceName} ${r.reference.toFixed(2)} ${r.unit})` : '';
      console.log(`${r.name}: ${r.value.toFixed(2)} ${r.unit}${ref}${r.note ? `  — ${r.note}` : ''}`);
    }
  });
}
