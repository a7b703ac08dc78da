/**
 * Per-epoch training time of `mlp` against scikit-learn's MLPClassifier on
 * the same data: make_classification-like 100,000 × 20, two classes, one
 * hidden layer of 32 relu units, Adam (lr 0.001, alpha 1e-4), batch 256.
 * scikit-learn times one `partial_fit` per epoch (shuffle + mini-batches);
 * RunLens times epoch to epoch inside one fit (shuffle, batches, the
 * per-epoch metric). Both run 8 epochs and report the best (tfjs's first
 * 3–4 epochs pay for JIT and wasm tier-up; scikit-learn's are flat) as wall
 * time and as process CPU time, steadier on a loaded machine, with the
 * median of the last 4 epochs beside it. Every tfjs backend that loads here
 * is timed in this one process: tfjs-node (only if installed), wasm, cpu.
 *
 * Run alone: node --import tsx scripts/bench/mlpBench.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MlpModel } from '../../src/core/models/mlp/mlp';
import type { TfjsBackend } from '../../src/core/models/mlp/tfjsRuntime';
import { useTfjsBackend } from '../../src/core/models/mlp/tfjsRuntime';
import { createModel } from '../../src/core/models/registry';
import { makeClassification } from '../../src/core/models/syntheticData';
import { PYTHON, sklearnAvailable, writeCsv } from '../sklearn/referenceRunner';
import type { BenchResult } from './types';

const ROWS = 100_000;
const COLS = 20;
const SETTINGS = { hidden_layers: [32], activation: 'relu', optimizer: 'adam', learning_rate: 0.001, alpha: 1e-4, batch_size: 256, seed: 0 } as const;
const GOAL = '≤ 1.0× scikit-learn';
const EPOCHS = 8;
const BACKENDS: readonly TfjsBackend[] = ['tensorflow', 'wasm', 'cpu'];

interface SklearnBench {
  readonly epoch_seconds: number[];
  readonly epoch_cpu_seconds: number[];
  readonly loss: number[];
  readonly max_rss_mb: number;
}

interface EpochTimes {
  readonly backend: string;
  readonly threads?: string;
  readonly wall: number[];
  readonly cpu: number[];
  readonly loss: number[];
}

function sklearnEpochs(dir: string, train: string, epochs: number): SklearnBench {
  const job = join(dir, 'mlp-bench.json');
  writeFileSync(job, JSON.stringify({ train, hidden: SETTINGS.hidden_layers, activation: 'relu', batch_size: SETTINGS.batch_size, epochs, learning_rate: SETTINGS.learning_rate, alpha: SETTINGS.alpha, seed: 0 }));
  const out = execFileSync(PYTHON, [join(__dirname, '..', 'sklearn', 'mlpReference.py'), 'bench', job], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out) as SklearnBench;
}

async function runlensEpochs(backend: TfjsBackend, data: { X: { data: Float64Array; rows: number; cols: number }; y: Float64Array }, epochs: number): Promise<EpochTimes | string> {
  const rt = await useTfjsBackend(backend);
  if (rt.backend !== backend) return `${backend} did not load${rt.fallback ? `: ${rt.fallback}` : ''}`;
  const model = createModel('mlp', { ...SETTINGS, hidden_layers: [...SETTINGS.hidden_layers], epochs }, 'classification') as MlpModel;
  const wall: number[] = [];
  const cpu: number[] = [];
  const loss: number[] = [];
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  await model.fit(data.X, data.y, {
    task: 'classification',
    nClasses: 2,
    onProgress: (p) => {
      const c = process.cpuUsage(c0);
      wall.push((performance.now() - t0) / 1000);
      cpu.push((c.user + c.system) / 1e6);
      loss.push(p.metrics.train_loss);
      t0 = performance.now();
      c0 = process.cpuUsage();
    },
  });
  return { backend, threads: model.runTags()['runlens.tfjs.threads'], wall, cpu, loss };
}

const best = (xs: readonly number[]) => Math.min(...xs);

/** Median of the last 4 epochs (past the warm-up), as a check on the best one. */
function lateMedian(xs: readonly number[]): number {
  const late = [...xs.slice(-4)].sort((a, b) => a - b);
  return late.length % 2 ? late[late.length >> 1] : (late[late.length / 2 - 1] + late[late.length / 2]) / 2;
}

/** Epoch times per backend and for scikit-learn, their ratios, and the bench process's peak RSS. */
export async function benchMlp(): Promise<BenchResult[]> {
  const data = makeClassification({ rows: ROWS, cols: COLS, seed: 2 });
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-'));
  const results: BenchResult[] = [];
  try {
    const runs: (EpochTimes | string)[] = [];
    for (const backend of BACKENDS) {
      // The cpu backend is ~8× slower: fewer epochs keep the section short.
      runs.push(await runlensEpochs(backend, data, backend === 'cpu' ? 3 : EPOCHS));
    }
    // Read before the CSV for Python is written, so that it measures the fits.
    const peakRss = process.resourceUsage().maxRSS / 1024;
    let ref: SklearnBench | undefined;
    if (sklearnAvailable()) {
      const train = join(dir, 'mlp.csv');
      writeCsv(train, data.X, data.y);
      ref = sklearnEpochs(dir, train, EPOCHS);
    }
    const refName = 'scikit-learn 1.2 MLPClassifier, partial_fit';
    for (const [i, r] of runs.entries()) {
      if (typeof r === 'string') {
        results.push({ name: `mlp epoch, tfjs ${BACKENDS[i]}`, value: NaN, unit: 's', note: r });
        continue;
      }
      const name = `mlp epoch, 100k × 20, hidden [32], batch 256, tfjs ${r.backend}`;
      const lossNote = `train loss after epoch 3: ${r.loss[2].toFixed(4)}${ref ? ` (scikit-learn ${ref.loss[2].toFixed(4)})` : ''}`;
      results.push({
        name,
        value: best(r.wall),
        unit: 's',
        reference: ref ? best(ref.epoch_seconds) : undefined,
        referenceName: ref ? refName : undefined,
        goal: GOAL,
        note: `best of ${r.wall.length} epochs; threads ${r.threads ?? '?'}; ${lossNote}`,
      });
      results.push({
        name: `${name} (CPU time)`,
        value: best(r.cpu),
        unit: 's',
        reference: ref ? best(ref.epoch_cpu_seconds) : undefined,
        referenceName: ref ? `${refName}, all threads` : undefined,
        goal: GOAL,
      });
      if (ref) {
        results.push({
          name: `${name}: time ratio RunLens / scikit-learn`,
          value: best(r.wall) / best(ref.epoch_seconds),
          unit: '×',
          goal: GOAL,
          note: `wall time, best epochs; CPU-time ratio ${(best(r.cpu) / best(ref.epoch_cpu_seconds)).toFixed(2)}×; medians of the last 4 epochs: wall ${(lateMedian(r.wall) / lateMedian(ref.epoch_seconds)).toFixed(2)}×, CPU ${(lateMedian(r.cpu) / lateMedian(ref.epoch_cpu_seconds)).toFixed(2)}×`,
        });
      }
    }
    results.push({
      name: 'peak RSS of the bench process after the fits (tsx, 100k × 20 data, tfjs, every backend)',
      value: peakRss,
      unit: 'MB',
      reference: ref?.max_rss_mb,
      referenceName: ref ? `scikit-learn process (Python, data, ${EPOCHS} epochs)` : undefined,
    });
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('mlpBench.ts')) {
  void benchMlp().then((rs) => {
    for (const r of rs) {
      const ref = r.reference !== undefined ? `  (reference ${r.reference.toFixed(3)} ${r.unit})` : '';
      console.log(`${r.name}: ${r.value.toFixed(3)} ${r.unit}${ref}${r.note ? `  — ${r.note}` : ''}`);
    }
  });
}
