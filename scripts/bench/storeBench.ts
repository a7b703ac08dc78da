/**
 * Store benchmarks, called by the bench harness (`benchStore()`), or run
 * directly: `node --import tsx scripts/bench/storeBench.ts`.
 * - logMetrics vs a raw better-sqlite3 insert of the same rows into the same
 *   table with the same batching (throughput ratio ours / raw; ≥ 0.7 wanted);
 * - listRuns: three filter shapes and a sort by a param over 10,000 and
 *   100,000 runs × 20 params × 10 metrics (< 100 ms wanted), the 100k
 *   figures against the 10k ones, each beside a raw better-sqlite3 run of
 *   the same statements;
 * - downsampling 1,000,000 points to 2,000 (< 200 ms wanted);
 * - getMetricHistory of the same 1,000,000 points (≤ 400 ms and ≥ 0.8× a raw
 *   `iterate()` of the same rows wanted), wall and CPU, with the store's
 *   bytes per point (page_count × page_size, packed blocks included).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os, { loadavg } from 'node:os';
import path from 'node:path';
import { pageIds, pageQuery } from '../../src/store/pagePlan';
import type { ListRunsQuery } from '../../src/store/runQuery';
import { RUN_SELECT } from '../../src/store/runRepo';
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

/** The three filter shapes of issue #17 and a sort by a numeric param. */
const LIST_SHAPES = {
  filtered: { filter: "metrics.m1 > 0.9 and params.model = 'tree' and params.p3 >= 10" },
  filteredLimit: { filter: 'metrics.m1 > 0.5', sort: 'metrics.m2 DESC', limit: 100 },
  orNot: { filter: "(metrics.m1 > 0.9 or params.model = 'mlp') and not params.p3 < 10", limit: 200 },
  sorted: { sort: 'params.p5 DESC', limit: 200 },
} satisfies Record<string, ListRunsQuery>;
type ListShape = keyof typeof LIST_SHAPES;

/** Per shape, listRuns and the raw reference, medians of 5 each, alternating (wall ms). */
interface ListRunsTimes {
  readonly runs: number;
  /** Writing the runs (one transaction of INSERT … SELECT), wall ms. */
  readonly write: number;
  readonly ours: Record<ListShape, number>;
  readonly raw: Record<ListShape, number>;
  /** Runs matching the 3-term filter. */
  readonly matched: number;
}

/**
 * The reference: the statements listRuns runs (its page plan from pageQuery and pageIds, then the
 * rows, params, tags and latest metrics of the page's ids), through a raw better-sqlite3
 * connection of its own, rows as arrays and the JSON objects parsed: what is left is the
 * store's own cost (statement cache, record objects, NaN mapping).
 */
function rawListRuns(db: Database.Database, q: ListRunsQuery): number {
  const page = pageQuery(q, 1_700_000_000_000);
  return db.transaction(() => {
    const ids = pageIds(page, {
      ids: (sql, params) => db.prepare(sql).pluck(true).all(...params) as string[],
      row: (sql, params) => db.prepare(sql).raw(true).get(...params) as unknown[] | undefined,
    });
    const json = JSON.stringify(ids);
    const rows = db.prepare(`${RUN_SELECT} WHERE r.id IN (SELECT value FROM json_each(?))`).raw(true).all(json);
    for (const [table, value, extra] of [['params', 'value', ''], ['tags', 'value', ''], ['metric_series', 'latest', ' AND count > 0']]) {
      const objects = db
        .prepare(`SELECT run_id, json_group_object(key, ${value}) FROM ${table} WHERE run_id IN (SELECT value FROM json_each(?))${extra} GROUP BY run_id`)
        .raw(true)
        .all(json) as [string, string][];
      for (const [, o] of objects) JSON.parse(o);
    }
    return rows.length;
  }).deferred();
}

/**
 * Writes the bench's runs straight into a store's tables, in one transaction
 * of a few INSERT … SELECT statements that generate the rows inside SQLite.
 * The rows are those createRun, logParams and logMetrics write for the same
 * runs (a finished run, 20 params with their numeric copies, 10 one-point
 * series with their summaries; checked against the API's rows for 50 runs);
 * through those calls the 100k runs took 435 s (BENCHMARKS.md, 2026-12-07),
 * per-call and per-row overhead that is not what this section measures. Run
 * ids are 32 random lowercase hex characters, as newRunId makes them.
 */
export function writeBenchRuns(dbFile: string, runs: number, now: number): void {
  const db = new Database(dbFile);
  try {
    // The whole store fits in the cache (~6 KB a run), so random run ids insert into cached pages.
    db.pragma(`cache_size = ${-Math.max(2000, runs * 8)}`);
    // The rows are right by construction, so no per-row foreign-key probes; the secondary indexes are
    // dropped and built again at the end from their own CREATE text (one sort instead of millions of
    // random inserts): the store ends up as the API leaves it.
    db.pragma('foreign_keys = OFF');
    // A fresh store: a rollback journal holds only its few first pages, where WAL would write every page twice.
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = OFF');
    const indexes = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('runs', 'params', 'metric_series')")
      .all() as { name: string; sql: string }[];
    db.transaction(() => {
      for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);
      const experiment = db.prepare('INSERT INTO experiments (name, created_at) VALUES (?, ?)');
      for (let e = 0; e < 5; e++) experiment.run(`exp${e}`, now);
      db.exec('CREATE TEMP TABLE bench_runs (i INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE)');
      db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
        INSERT INTO bench_runs SELECT i, lower(hex(randomblob(16))) FROM n`).run(runs);
      db.prepare(`INSERT INTO runs (id, experiment_id, name, status, created_at)
        SELECT b.id, (SELECT id FROM experiments WHERE name = 'exp' || (b.i % 5)), 'run-' || b.i, 'finished', ? FROM bench_runs b ORDER BY b.i`).run(now);
      db.exec(`INSERT INTO params (run_id, key, value, num)
        SELECT id, 'model', CASE i % 4 WHEN 0 THEN 'tree' WHEN 1 THEN 'mlp' WHEN 2 THEN 'linear' ELSE 'knn' END, NULL FROM bench_runs ORDER BY i`);
      // In primary-key order (run id, key): appends, where creation order inserts at random places.
      db.exec(`WITH RECURSIVE k(p) AS (SELECT 1 UNION ALL SELECT p + 1 FROM k WHERE p < 19)
        INSERT INTO params (run_id, key, value, num)
        SELECT b.id, 'p' || k.p, CAST((b.i * k.p) % 97 AS TEXT), (b.i * k.p) % 97 FROM bench_runs b CROSS JOIN k ORDER BY b.id, 'p' || k.p`);
      db.prepare(`WITH RECURSIVE k(m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM k WHERE m < 9),
          v AS (SELECT b.i, b.id, k.m, ((b.i * 7 + k.m * 13) % 1000) / 1000.0 AS v FROM bench_runs b CROSS JOIN k)
        INSERT INTO metric_series (run_id, key, count, latest, latest_step, latest_ts, min, max)
        SELECT id, 'm' || m, 1, v, 0, ?, v, v FROM v ORDER BY i, m`).run(now);
      db.prepare('INSERT INTO metric_points (series_id, step, seq, timestamp, value) SELECT id, 0, 0, ?, latest FROM metric_series ORDER BY id').run(now);
      db.exec('DROP TABLE bench_runs');
      for (const ix of indexes) db.exec(ix.sql);
    }).immediate();
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

function benchListRuns(runs: number): ListRunsTimes {
  const dir = tempDir();
  try {
    const now = 1_700_000_000_000;
    RunStore.open(dir, { now: () => now }).close();
    const write = timed(() => writeBenchRuns(path.join(dir, 'store.db'), runs, now));
    const store = RunStore.open(dir, { now: () => now, staleAfterMs: Number.MAX_SAFE_INTEGER });
    const raw = new Database(path.join(dir, 'store.db'), { readonly: true });
    raw.pragma('cache_size = -16000'); // as the store's connections
    const ours = {} as Record<ListShape, number>;
    const reference = {} as Record<ListShape, number>;
    let matched = 0;
    for (const shape of Object.keys(LIST_SHAPES) as ListShape[]) {
      const q = LIST_SHAPES[shape];
      store.listRuns(q);
      rawListRuns(raw, q);
      const o: number[] = [];
      const r: number[] = [];
      for (let i = 0; i < 5; i++) {
        o.push(timed(() => {
          const n = store.listRuns(q).length;
          if (shape === 'filtered') matched = n;
        }));
        r.push(timed(() => rawListRuns(raw, q)));
      }
      ours[shape] = median(o);
      reference[shape] = median(r);
    }
    raw.close();
    store.close();
    return { runs, write, ours, raw: reference, matched };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The 100k-run rows against the same query at 10k runs in the same bench run (10× would mean a scan); the raw reference in the note. */
function listRunsRows(small: ListRunsTimes, big: ListRunsTimes): BenchResult[] {
  const load = `load ${loadavg()[0]!.toFixed(1)}`;
  const ref = '10k runs, same query';
  const names: Record<ListShape, string> = {
    filtered: 'listRuns with a 3-term filter',
    filteredLimit: 'listRuns, filter + metric sort, limit 100',
    orNot: 'listRuns, or + not filter, limit 200',
    sorted: 'listRuns, sort by a numeric param, limit 200',
  };
  const vsRaw = (t: ListRunsTimes, shape: ListShape) =>
    `raw better-sqlite3, same SQL: ${t.raw[shape].toFixed(1)} ms (${(t.ours[shape] / t.raw[shape]).toFixed(2)}×)`;
  const rows: BenchResult[] = [];
  for (const shape of Object.keys(LIST_SHAPES) as ListShape[]) {
    const first = shape === 'filtered';
    rows.push({
      name: first ? `${names[shape]}, 10k runs × 20 params × 10 metrics (${small.matched} match)` : `${names[shape]}, 10k runs`,
      value: small.ours[shape], unit: 'ms', goal: '< 100 ms',
      note: `${vsRaw(small, shape)}${first ? `; writing the 10k runs took ${(small.write / 1000).toFixed(1)} s; ${load}` : ''}`,
    });
  }
  for (const shape of Object.keys(LIST_SHAPES) as ListShape[]) {
    const first = shape === 'filtered';
    rows.push({
      name: first ? `${names[shape]}, 100k runs (${big.matched} match)` : `${names[shape]}, 100k runs`,
      value: big.ours[shape], unit: 'ms', reference: small.ours[shape], referenceName: ref, goal: '< 100 ms',
      note: `${vsRaw(big, shape)}${first ? `; writing the 100k runs took ${(big.write / 1000).toFixed(1)} s` : ''}`,
    });
  }
  return rows;
}

/** Downsampling and full history reads of one 1,000,000-point series (exported for scratch runs: see the file's header). */
export function benchDownsample(): { downsample: number; history: Cost; rawHistory: Cost; naive: number; bytesPerPoint: number } {
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
    const bytesPerPoint = ((raw.pragma('page_count', { simple: true }) as number) * (raw.pragma('page_size', { simple: true }) as number)) / 1_000_000;
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
    return { downsample, history: medianCost(ours), rawHistory: medianCost(refs), naive, bytesPerPoint };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall and CPU milliseconds of one call (CPU: this process, all threads). */
export interface Cost {
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
      goal: '≤ 400 ms; ≤ 1.25 × raw (≥ 0.8× its speed)',
      note: `CPU ${ds.history.cpu.toFixed(0)} ms vs raw ${ds.rawHistory.cpu.toFixed(0)} ms; packed blocks + tail rows (schema 9); load ${loadavg()[0]!.toFixed(1)}`,
    },
    {
      // Wall time on a loaded 2-core machine includes waiting for a core; CPU is the read's own cost.
      name: 'getMetricHistory of 1,000,000 points (typed arrays), CPU',
      value: ds.history.cpu, unit: 'ms', reference: ds.rawHistory.cpu, referenceName: 'raw better-sqlite3 iterate() of the same rows, CPU',
      goal: '≤ 1.25 × raw', note: `store ${ds.bytesPerPoint.toFixed(1)} bytes per point (page_count × page_size: points, roll-up and packed blocks)`,
    },
  ];
}

if (/storeBench\.ts$/.test(process.argv[1] ?? '')) {
  void benchStore().then((results) => {
    for (const r of results) {
      const ref = r.reference === undefined ? '' : `; reference ${r.reference.toFixed(1)} (${r.referenceName}), ratio ${(r.value / r.reference).toFixed(2)}`;
      console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit}${ref}${r.goal ? `; goal ${r.goal}` : ''}${r.note ? ` (${r.note})` : ''}`);
    }
  });
}
