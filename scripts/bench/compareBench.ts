/**
 * Compare-panel benchmark: the host-side collect step for 100 runs × 5
 * metrics × 10,000 steps (5 M points in a real store in a temp dir). Called
 * by the bench harness (`benchCompare()`), or run directly:
 * `node --import tsx scripts/bench/compareBench.ts`.
 *
 * Reference, measured in the same run: the naive panel that sends every
 * point (getMetricHistory per series, JSON-encoded), as MLflow's REST
 * `get-history` does before its chart samples. MLflow's compare view itself
 * cannot run here (no mlflow); from its source and issues: it samples 320
 * points per series in the browser after loading the whole history, and the
 * UI freezes at about 10 runs × 10 charts × 10k steps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HostToPage } from '../../src/protocol/compare';
import { RunStore } from '../../src/store/runStore';
import type { MetricPoint } from '../../src/store/types';
import { LocalRunSource } from '../../src/tracking/localRunSource';
import { CompareSession } from '../../src/views/compare/compareSession';
import type { BenchResult } from './types';

const RUNS = 100;
const KEYS = ['train_loss', 'val_loss', 'train_accuracy', 'val_accuracy', 'lr'];
const STEPS = 10_000;
const POINTS = 1000;

/** The session reads through RunSource (async); timed as the host awaits it. */
async function timedAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function medianOf(n: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) ms.push((await timedAsync(fn)).ms);
  return median(ms);
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** 100 runs × 5 metrics × 10k steps, with a spike per series (the downsample must keep it). */
function buildStore(dir: string): { store: RunStore; runIds: string[]; writeMs: number } {
  const store = RunStore.open(dir, { now: () => 1_700_000_000_000 });
  const runIds: string[] = [];
  const { ms } = timed(() => {
    for (let r = 0; r < RUNS; r++) {
      const run = store.createRun({ experiment: 'bench', name: `run-${r}`, status: 'finished' });
      runIds.push(run.id);
      store.logParams(run.id, { lr: 0.001 * (1 + (r % 7)), depth: 2 + (r % 5), seed: 42 });
      for (let from = 0; from < STEPS; from += 2000) {
        const batch: MetricPoint[] = [];
        for (let step = from; step < from + 2000; step++) {
          const t = 1_700_000_000_000 + step * 100;
          KEYS.forEach((key, k) => {
            const spike = step === 3_000 + 37 * r + k ? 5 : 0;
            batch.push({ key, step, timestamp: t, value: Math.exp(-step / (1500 + 20 * r)) + 0.01 * k + 0.005 * Math.sin(step / 7 + r) + spike });
          });
        }
        store.logMetrics(run.id, batch);
      }
      store.logMetrics(run.id, [{ key: 'test_accuracy', step: 0, value: 0.8 + 0.001 * r }]);
    }
  });
  return { store, runIds, writeMs: ms };
}

function payloadMb(messages: readonly HostToPage[]): number {
  return messages.reduce((n, m) => n + JSON.stringify(m).length, 0) / 1e6;
}

/** Sends whole histories, as a panel without host-side downsampling would. */
function naiveCollect(store: RunStore, runIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const key of KEYS) {
    for (const id of runIds) {
      const h = store.getMetricHistory(id, key);
      out.push(JSON.stringify({ runId: id, key, steps: Array.from(h.steps), values: Array.from(h.values), t: Array.from(h.timestamps) }));
    }
  }
  return out;
}

export async function benchCompare(): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-compare-'));
  try {
    const { store, runIds, writeMs } = buildStore(dir);
    const source = new LocalRunSource(store);
    const session = new CompareSession({ sourceForRun: (id) => ({ source, runId: id }), pointsPerSeries: () => POINTS, log: () => {} });
    session.setRuns(runIds);
    await session.initialMessages(); // warm the statement cache and the page cache of the file
    const collect: number[] = [];
    let messages: HostToPage[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await timedAsync(() => session.initialMessages());
      collect.push(r.ms);
      messages = r.value;
    }
    const first = await medianOf(3, async () => session.initialSeries((await session.initialData()).data.chartKeys[0]));
    const series = messages.flatMap((m) => (m.type === 'series' ? m.series : []));
    const maxPoints = Math.max(...series.map((s) => s.steps.length));
    const spikesKept = series.filter((s) => s.values.some((v) => v !== null && v > 4)).length;
    const live = await medianOf(5, () => session.liveMessages());
    const range = await medianOf(3, () => session.rangeMessage(1, 'val_loss', 4_000, 5_000));
    const naive = timed(() => naiveCollect(store, runIds));
    const naiveMb = naive.value.reduce((n, s) => n + s.length, 0) / 1e6;
    store.close();
    const shape = `${RUNS} runs × ${KEYS.length} metrics × ${STEPS.toLocaleString('en')} steps`;
    return [
      {
        name: `collect all curves, ${shape} → ≤ ${POINTS} points each`,
        value: median(collect),
        unit: 'ms',
        reference: naive.ms,
        referenceName: 'every point of every series, JSON-encoded',
        goal: '< 1.5 s to all charts drawn, page included',
        note: `${series.length} series, at most ${maxPoints} points each, ${spikesKept}/${series.length} spikes kept; store written in ${(writeMs / 1000).toFixed(1)} s. MLflow samples 320 points per series in the browser after loading whole histories, and freezes at ~10 runs × 10 charts × 10k steps.`,
      },
      { name: 'first chart: table data + 1 metric × 100 runs (the host then yields per chart)', value: first, unit: 'ms', goal: '< 500 ms' },
      { name: 'message payload to the page (JSON)', value: payloadMb(messages), unit: 'MB', reference: naiveMb, referenceName: 'whole histories' },
      { name: 'live tick with nothing changed (100 runs)', value: live, unit: 'ms', goal: '< 50 ms (runs on every store change, throttled to 400 ms)' },
      { name: 'zoom: range request, 1 metric × 100 runs, steps 4,000–5,000', value: range, unit: 'ms', goal: '< 200 ms' },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (/compareBench\.ts$/.test(process.argv[1] ?? '')) {
  void benchCompare().then((results) => {
    for (const r of results) {
      const ref = r.reference === undefined ? '' : `; reference ${r.reference.toFixed(1)} (${r.referenceName}), ratio ${(r.value / r.reference).toFixed(3)}`;
      console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit}${ref}${r.goal ? `; goal ${r.goal}` : ''}${r.note ? `\n  ${r.note}` : ''}`);
    }
  });
}
