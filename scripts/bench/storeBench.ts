/**
 * Store benchmarks, called by the bench harness (`benchStore()`), or run
 * directly: `node --import tsx scripts/bench/storeBench.ts`.
 * - logMetrics vs a raw better-sqlite3 insert of the same rows into the same
 *   table with the same batching (throughput ratio ours / raw; ≥ 0.7 wanted);
 * - listRuns: three filter shapes over 10,000 and 100,000 runs × 20 params ×
 *   10 metrics (< 100 ms wanted), the 100k figures against the 10k ones;
 * - downsampling 1,000,000 points to 2,000 (< 200 ms wanted).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os, { loadavg } from 'node:os';
import path from 'node:path';
import { RunStore } from '../../src/store/runStore';
import type { MetricPoint } from '../../src/store/types';
import type { BenchResult } from './types';


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-'));
}

/**
 * Same rows, same table, same batch size: ours through logMetrics, raw through
 * one prepared INSERT per row in a BEGIN IMMEDIATE transaction per batch.
 * Batches alternate between the two (raw, ours, raw, …) so load changes on a
 * shared machine hit both alike; each side's time is the sum of its batches.
 */
function benchLogMetricsOnce(keys: number, total: number, batch: number): { ours: number; raw: number } {
  const dir = tempDir();
  try {
    const store = RunStore.open(dir, { now: () => 1_700_000_000_000 });
    const ours = store.createRun({ experiment: 'bench' });
    const rawRun = store.createRun({ experiment: 'bench' });
    const batches: MetricPoint[][] = [];
    for (let i = 0; i < total; i += batch) {
      const b: MetricPoint[] = [];
      for (let j = i; j < Math.min(total, i + batch); j++) {
        b.push({ key: `m${j % keys}`, value: Math.sin(j), step: Math.floor(j / keys), timestamp: 1_700_000_000_000 + j });
      }
      batches.push(b);
    }
    const db = new Database(path.join(dir, 'store.db'));
    db.pragma('busy_timeout = 10000');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -16000');
    const seriesIds: number[] = [];
    for (let k = 0; k < keys; k++) {
      seriesIds.push(Number(db.prepare('INSERT INTO metric_series (run_id, key) VALUES (?, ?)').run(rawRun.id, `m${k}`).lastInsertRowid));
    }
    const insert = db.prepare('INSERT INTO metric_points (series_id, step, seq, timestamp, value) VALUES (?, ?, ?, ?, ?)');
    const seqs = new Array<number>(keys).fill(0);
    const rawBatch = db.transaction((b: MetricPoint[], offset: number) => {
      for (let j = 0; j < b.length; j++) {
        const k = (offset + j) % keys;
        const p = b[j];
        insert.run(seriesIds[k], p.step, seqs[k]++, p.timestamp, p.value);
      }
    });
    let rawTime = 0;
    let oursTime = 0;
    batches.forEach((b, i) => {
      const t0 = performance.now();
      rawBatch.immediate(b, i * batch);
      const t1 = performance.now();
      store.logMetrics(ours.id, b);
      const t2 = performance.now();
      if (i > 0) {
        rawTime += t1 - t0;
        oursTime += t2 - t1;
      }
    });
    db.close();
    store.close();
    return { ours: oursTime, raw: rawTime };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Ratio per repetition, median of them: GC pauses and load spikes on a shared machine hit one repetition, not all. */
export function benchLogMetrics(keys: number, total: number, batch: number, reps = 5): { ours: number; raw: number } {
  const runs = Array.from({ length: reps }, () => benchLogMetricsOnce(keys, total, batch));
  runs.sort((a, b) => a.raw / a.ours - b.raw / b.ours);
  return runs[Math.floor(reps / 2)];
}

/** The three filter shapes of issue #17, plus a sort by a numeric param; medians of 5 (3 for the sort). */
interface ListRunsTimes {
  readonly runs: number;
  /** Writing the runs (one transaction per 10,000), wall ms. */
  readonly write: number;
  readonly filtered: number;
  readonly filteredLimit: number;
  readonly orNot: number;
  readonly sorted: number;
  readonly matched: number;
}

function benchListRuns(runs: number): ListRunsTimes {
  const dir = tempDir();
  try {
    const store = RunStore.open(dir, { now: () => 1_700_000_000_000, staleAfterMs: Number.MAX_SAFE_INTEGER });
    const write = timed(() => {
      for (let start = 0; start < runs; start += 10_000) {
        store.transaction(() => {
          for (let i = start; i < Math.min(runs, start + 10_000); i++) {
            const run = store.createRun({ experiment: `exp${i % 5}`, name: `run-${i}`, status: 'finished' });
            const params: Record<string, string | number> = { model: ['tree', 'mlp', 'linear', 'knn'][i % 4] };
            for (let p = 1; p < 20; p++) params[`p${p}`] = (i * p) % 97;
            store.logParams(run.id, params);
            const pts: MetricPoint[] = [];
            for (let m = 0; m < 10; m++) pts.push({ key: `m${m}`, value: ((i * 7 + m * 13) % 1000) / 1000, step: 0 });
            store.logMetrics(run.id, pts);
          }
        });
      }
    });
    const filter = "metrics.m1 > 0.9 and params.model = 'tree' and params.p3 >= 10";
    let matched = 0;
    const filtered = median([0, 1, 2, 3, 4].map(() => timed(() => { matched = store.listRuns({ filter }).length; })));
    const filteredLimit = median([0, 1, 2, 3, 4].map(() => timed(() => store.listRuns({ filter: 'metrics.m1 > 0.5', sort: 'metrics.m2 DESC', limit: 100 }))));
    const orNot = median([0, 1, 2, 3, 4].map(() => timed(() => store.listRuns({ filter: "(metrics.m1 > 0.9 or params.model = 'mlp') and not params.p3 < 10", limit: 200 }))));
    const sorted = median([0, 1, 2].map(() => timed(() => store.listRuns({ sort: 'params.p5 DESC', limit: 200 }))));
    store.close();
    return { runs, write, filtered, filteredLimit, orNot, sorted, matched };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The 100k-run rows, each against the same query at 10k runs in the same bench run (10× would mean a scan). */
function listRunsRows(small: ListRunsTimes, big: ListRunsTimes): BenchResult[] {
  const load = `load ${loadavg()[0]!.toFixed(1)}`;
  const ref = '10k runs, same query';
  return [
    { name: `listRuns with a 3-term filter, 10k runs × 20 params × 10 metrics (${small.matched} match)`, value: small.filtered, unit: 'ms', goal: '< 100 ms', note: `writing the 10k runs took ${(small.write / 1000).toFixed(1)} s; ${load}` },
    { name: 'listRuns, filter + metric sort, limit 100, 10k runs', value: small.filteredLimit, unit: 'ms', goal: '< 100 ms' },
    { name: 'listRuns, or + not filter, limit 200, 10k runs', value: small.orNot, unit: 'ms', goal: '< 100 ms' },
    { name: 'listRuns, sort by a numeric param, limit 200, 10k runs', value: small.sorted, unit: 'ms' },
    { name: `listRuns with a 3-term filter, 100k runs (${big.matched} match)`, value: big.filtered, unit: 'ms', reference: small.filtered, referenceName: ref, goal: '< 100 ms', note: `writing the 100k runs took ${(big.write / 1000).toFixed(1)} s; ${load}` },
    { name: 'listRuns, filter + metric sort, limit 100, 100k runs', value: big.filteredLimit, unit: 'ms', reference: small.filteredLimit, referenceName: ref, goal: '< 100 ms' },
    { name: 'listRuns, or + not filter, limit 200, 100k runs', value: big.orNot, unit: 'ms', reference: small.orNot, referenceName: ref, goal: '< 100 ms' },
    { name: 'listRuns, sort by a numeric param, limit 200, 100k runs', value: big.sorted, unit: 'ms', reference: small.sorted, referenceName: ref },
  ];
}

function benchDownsample(): { downsample: number; history: Cost; rawHistory: Cost; naive: number } {
  const dir = tempDir();
  try {
    const store = RunStore.open(dir, { now: () => 1_700_000_000_000 });
    const run = store.createRun({ experiment: 'bench' });
    for (let i = 0; i < 1_000_000; i += 10_000) {
      const pts: MetricPoint[] = [];
      for (let j = i; j < i + 10_000; j++) pts.push({ key: 'loss', value: Math.sin(j / 1000) + (j === 500_000 ? 100 : 0) });
      store.logMetrics(run.id, pts);
    }
    store.downsampleMetric(run.id, 'loss', 2000);
    const downsample = median([0, 1, 2, 3, 4].map(() => timed(() => store.downsampleMetric(run.id, 'loss', 2000))));
    const raw = new Database(path.join(dir, 'store.db'), { readonly: true });
    const seriesId = raw.prepare("SELECT id FROM metric_series WHERE run_id = ? AND key = 'loss'").pluck(true).get(run.id) as number;
    // Alternating ours / raw, three each; the median of each side.
    const ours: Cost[] = [];
    const refs: Cost[] = [];
    for (let i = 0; i < 3; i++) {
      ours.push(cost(() => store.getMetricHistory(run.id, 'loss')));
      refs.push(cost(() => rawHistory(raw, seriesId)));
    }
    raw.close();
    store.close();
    const naive = naiveDownsample(path.join(dir, 'store.db'), 500);
    return { downsample, history: medianCost(ours), rawHistory: medianCost(refs), naive };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall and CPU milliseconds of one call (CPU: this process, all threads). */
interface Cost {
  readonly wall: number;
  readonly cpu: number;
}

function cost(fn: () => void): Cost {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

function medianCost(xs: readonly Cost[]): Cost {
  return { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) };
}

/** The reference read: the same rows, in the same order, one raw row at a time into typed arrays. */
function rawHistory(db: Database.Database, seriesId: number): void {
  const rows = db.prepare('SELECT step, timestamp, value FROM metric_points WHERE series_id = ? ORDER BY step, seq').raw(true);
  const n = (db.prepare('SELECT count FROM metric_series WHERE id = ?').pluck(true).get(seriesId) as number);
  const steps = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  let i = 0;
  for (const [step, ts, value] of rows.iterate(seriesId) as IterableIterator<[number, number, number | null]>) {
    steps[i] = step;
    timestamps[i] = ts;
    values[i++] = value === null ? NaN : value;
  }
}

/** Downsampling the naive way: every point through better-sqlite3 into JS, min/max per bucket there. */
function naiveDownsample(dbFile: string, buckets: number): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    const t0 = performance.now();
    const rows = db.prepare("SELECT step, value FROM metric_points WHERE series_id = (SELECT id FROM metric_series WHERE key = 'loss') ORDER BY step").raw(true);
    const mins = new Float64Array(buckets).fill(Infinity);
    const maxs = new Float64Array(buckets).fill(-Infinity);
    for (const [step, value] of rows.iterate() as IterableIterator<[number, number]>) {
      const b = Math.min(buckets - 1, Math.floor((step * buckets) / 1_000_000));
      if (value < mins[b]) mins[b] = value;
      if (value > maxs[b]) maxs[b] = value;
    }
    return performance.now() - t0;
  } finally {
    db.close();
  }
}

export async function benchStore(): Promise<BenchResult[]> {
  const one = benchLogMetrics(1, 50_000, 100);
  const ten = benchLogMetrics(10, 50_000, 100);
  const list = benchListRuns(10_000);
  const list100k = benchListRuns(100_000);
  const ds = benchDownsample();
  const raw = 'raw better-sqlite3 INSERT: same rows, table, batches';
  return [
    { name: 'logMetrics, 1 key, batches of 100', value: 50_000 / (one.ours / 1000), unit: 'points/s', reference: 50_000 / (one.raw / 1000), referenceName: raw, goal: '≥ 0.7 of raw' },
    { name: 'logMetrics, 10 keys, batches of 100', value: 50_000 / (ten.ours / 1000), unit: 'points/s', reference: 50_000 / (ten.raw / 1000), referenceName: raw, goal: '≥ 0.7 of raw' },
    ...listRunsRows(list, list100k),
    { name: 'downsampleMetric 1,000,000 → 2,000 points', value: ds.downsample, unit: 'ms', reference: ds.naive, referenceName: 'every point into JS, min/max per bucket', goal: '< 200 ms' },
    {
      name: 'getMetricHistory of 1,000,000 points (typed arrays), wall',
      value: ds.history.wall, unit: 'ms', reference: ds.rawHistory.wall, referenceName: 'raw better-sqlite3 iterate() of the same rows into typed arrays',
      goal: '≤ 400 ms; ≤ 1.25 × raw (≥ 0.8× its speed)', note: `CPU ${ds.history.cpu.toFixed(0)} ms vs raw ${ds.rawHistory.cpu.toFixed(0)} ms; load ${loadavg()[0]!.toFixed(1)}`,
    },
  ];
}

if (/storeBench\.ts$/.test(process.argv[1] ?? '')) {
  void benchStore().then((results) => {
    for (const r of results) {
      const ref = r.reference === undefined ? '' : `; reference ${r.reference.toFixed(1)} (${r.referenceName}), ratio ${(r.value / r.reference).toFixed(2)}`;
      console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit}${ref}${r.goal ? `; goal ${r.goal}` : ''}`);
    }
  });
}
