import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Sql, openConnection } from './connection';
import { packedHistory } from './packedHistory';
import { RunStore } from './runStore';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from './schema';
import { printedId, runPy } from './testing/pythonHelperProcess';
import { tempDir, tempStore } from './testing/tempStore';
import type { MetricHistory, MetricPoint, StepRange } from './types';

const NOW = 1_700_000_000_000;
const AWKWARD = [NaN, Infinity, -Infinity, -0, 0.1 + 0.2, 5e-324, 1.7976931348623157e308, 2 ** 63, -(2 ** 63), 1 / 3];

/** Steps that never go back: per block +1, irregular gaps, or each step four times. */
const STEPS: number[] = [];
function stepOf(i: number): number {
  while (STEPS.length <= i) {
    const j = STEPS.length;
    const kind = (j >> 6) % 3;
    const inc = kind === 0 ? 1 : kind === 1 ? 2 + (j % 2) * 5 : j % 4 === 0 ? 1 : 0;
    STEPS.push(j === 0 ? 0 : STEPS[j - 1] + inc);
  }
  return STEPS[i];
}

/** Point i of a monotonic series that exercises every column shape the packing has, NaN and ±Infinity included. */
function point(i: number, key = 'm'): MetricPoint {
  const kind = (i >> 6) % 4;
  const timestamp = kind === 0 ? NOW : kind === 1 ? NOW + 1000 * i + (i % 7) : kind === 2 ? NOW + 3_600_000 * i : NOW + i + 0.5;
  const value = i % 17 === 0 ? AWKWARD[(i / 17) % AWKWARD.length] : Math.sin(i) * 1000;
  return { key, value, step: stepOf(i), timestamp };
}

/** The truth: the rows of the series in (step, seq) order, read one by one by better-sqlite3. */
function rowsOf(dir: string, runId: string, key: string, range: StepRange = {}): MetricHistory {
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT step, timestamp, value FROM metric_points WHERE series_id = (SELECT id FROM metric_series WHERE run_id = ? AND key = ?)
           AND step >= ? AND step <= ? ORDER BY step, seq`,
      )
      .raw(true)
      .all(runId, key, range.minStep ?? -Infinity, range.maxStep ?? Infinity) as [number, number, number | null][];
    return {
      steps: Float64Array.from(rows, (r) => r[0]),
      timestamps: Float64Array.from(rows, (r) => r[1]),
      values: Float64Array.from(rows, (r) => (r[2] === null ? NaN : r[2])),
    };
  } finally {
    db.close();
  }
}

/** The packed path alone (undefined: it hands over to the row path). */
function packedOf(dir: string, runId: string, key: string, range: StepRange = {}): MetricHistory | undefined {
  const sql = new Sql(openConnection(path.join(dir, 'store.db'), true), true);
  try {
    const s = sql.db.prepare('SELECT id, count, monotonic, rollup_n FROM metric_series WHERE run_id = ? AND key = ?').get(runId, key) as
      { id: number; count: number; monotonic: number; rollup_n: number };
    return sql.read(() => packedHistory(sql, { id: s.id, count: s.count, monotonic: s.monotonic !== 0, rollupN: s.rollup_n }, range));
  } finally {
    sql.db.close();
  }
}

function bits(h: MetricHistory): string[] {
  return [h.steps, h.timestamps, h.values].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex'));
}

/** Packed path taken, and the same doubles bit for bit as the rows; getMetricHistory too. */
function assertPackedSame(store: RunStore, dir: string, runId: string, range: StepRange = {}, key = 'm'): number {
  const rows = rowsOf(dir, runId, key, range);
  const packed = packedOf(dir, runId, key, range);
  assert.ok(packed, `packed path for ${JSON.stringify(range)}`);
  assert.deepEqual(bits(packed), bits(rows), `range ${JSON.stringify(range)}`);
  assert.deepEqual(bits(store.getMetricHistory(runId, key, range)), bits(rows));
  return rows.steps.length;
}

function seriesRow(dir: string): { count: number; rollup_n: number; monotonic: number } {
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  try {
    return db.prepare('SELECT count, rollup_n, monotonic FROM metric_series').get() as { count: number; rollup_n: number; monotonic: number };
  } finally {
    db.close();
  }
}

test('packed blocks give the rows back bit for bit: tails of 0 and 63, ranges cutting blocks', (t) => {
  const { store, dir } = tempStore(t, { now: () => NOW });
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, Array.from({ length: 20 * 64 }, (_, i) => point(i)));
  assert.deepEqual(seriesRow(dir), { count: 1280, rollup_n: 1280, monotonic: 1 }); // tail of 0
  const all = assertPackedSame(store, dir, run.id);
  assert.equal(all, 1280);

  store.logMetrics(run.id, Array.from({ length: 63 }, (_, i) => point(1280 + i)));
  assert.deepEqual(seriesRow(dir), { count: 1343, rollup_n: 1280, monotonic: 1 }); // tail of 63
  assertPackedSame(store, dir, run.id);
  const h = rowsOf(dir, run.id, 'm');
  const stepAt = (i: number) => h.steps[i];
  const ranges: StepRange[] = [
    { minStep: stepAt(70), maxStep: stepAt(1000) }, // cuts block 1 and block 15
    { minStep: stepAt(64), maxStep: stepAt(127) }, // exactly block 1
    { minStep: stepAt(65) + 0.5, maxStep: stepAt(65) + 0.5 }, // between two points: nothing
    { minStep: stepAt(3) }, // open above: into the tail
    { maxStep: stepAt(700) },
    { minStep: stepAt(1200), maxStep: stepAt(1300) }, // last blocks and part of the tail
    { minStep: stepAt(1279), maxStep: stepAt(1279) }, // repeated steps across the last block's end
    { minStep: -Infinity, maxStep: Infinity },
  ];
  for (const range of ranges) assertPackedSame(store, dir, run.id, range);
  // Empty ranges and a range inside the tail are the row path's (no blocks to read).
  for (const range of [{ minStep: 10, maxStep: 5 }, { minStep: stepAt(1342) + 1 }, { maxStep: stepAt(0) - 1 }]) {
    assert.deepEqual(bits(store.getMetricHistory(run.id, 'm', range)), bits(rowsOf(dir, run.id, 'm', range)));
    assert.equal(store.getMetricHistory(run.id, 'm', range).steps.length, 0);
  }
  const inTail = { minStep: stepAt(1290) };
  assert.equal(packedOf(dir, run.id, 'm', inTail), undefined);
  assert.deepEqual(bits(store.getMetricHistory(run.id, 'm', inTail)), bits(rowsOf(dir, run.id, 'm', inTail)));
});

test('any batch sizes, a second writer, rolled-back and failed batches: still the rows', (t) => {
  const { store, dir } = tempStore(t, { now: () => NOW });
  const run = store.createRun({ experiment: 'e' });
  let i = 0;
  const batch = (n: number) => Array.from({ length: n }, () => point(i++));
  for (const n of [1, 63, 2, 100, 64, 7, 700]) store.logMetrics(run.id, batch(n));
  // A batch rolled back by its caller must leave no point in the roll-up state.
  const before = i;
  assert.throws(() =>
    store.transaction(() => {
      store.logMetrics(run.id, batch(1500));
      throw new Error('abort');
    }),
  );
  i = before;
  // Another process (no cached open block) continues the series from the rows.
  const other = RunStore.open(dir, { now: () => NOW });
  for (const n of [30, 50, 1029]) other.logMetrics(run.id, batch(n));
  other.close();
  for (const n of [5, 200]) store.logMetrics(run.id, batch(n));
  // So must a batch that fails on its last point: the writer's cached state is reused after it.
  const committed = i;
  assert.throws(() => store.logMetrics(run.id, [...batch(300), { key: 'm', value: 1, step: 0.5 }]), /step must be an integer/);
  i = committed;
  for (const n of [1100, 3]) store.logMetrics(run.id, batch(n));
  const s = seriesRow(dir);
  assert.equal(s.count, i);
  assert.ok(s.rollup_n >= 3 * 1024, `rollup_n ${s.rollup_n}`);
  assert.equal(assertPackedSame(store, dir, run.id), i);
  assertPackedSame(store, dir, run.id, { minStep: 500, maxStep: 3000 });
});

test('a series that turns non-monotonic after its blocks were written reads the rows', (t) => {
  const { store, dir } = tempStore(t, { now: () => NOW });
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, Array.from({ length: 1100 }, (_, i) => point(i)));
  assertPackedSame(store, dir, run.id);
  store.logMetrics(run.id, [{ key: 'm', value: -7, step: 5 }, { key: 'm', value: 8 }]);
  assert.equal(seriesRow(dir).monotonic, 0);
  assert.equal(packedOf(dir, run.id, 'm'), undefined);
  const rows = rowsOf(dir, run.id, 'm');
  assert.equal(rows.steps.length, 1102);
  assert.deepEqual(bits(store.getMetricHistory(run.id, 'm')), bits(rows));
  assert.deepEqual(bits(store.getMetricHistory(run.id, 'm', { minStep: 4, maxStep: 6 })), bits(rowsOf(dir, run.id, 'm', { minStep: 4, maxStep: 6 })));
});

test('a block without packed points (not packable, or lost) sends the series to the rows', (t) => {
  const { store, dir } = tempStore(t, { now: () => NOW });
  const run = store.createRun({ experiment: 'e' });
  // A timestamp the rows hold as text-turned-integer: that block is stored with NULL points.
  const pts = Array.from({ length: 1100 }, (_, i) => (i === 300 ? { ...point(i), timestamp: String(NOW) as never } : point(i)));
  store.logMetrics(run.id, pts);
  const db = new Database(path.join(dir, 'store.db'));
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT block FROM metric_blocks WHERE points IS NULL').pluck().all(), [300 >> 6]);
  assert.equal(packedOf(dir, run.id, 'm'), undefined);
  assert.deepEqual(bits(store.getMetricHistory(run.id, 'm')), bits(rowsOf(dir, run.id, 'm')));
  // Ranges that avoid the unpacked block still use the packed ones.
  assertPackedSame(store, dir, run.id, { minStep: rowsOf(dir, run.id, 'm').steps[600] });
  // A missing block row (the roll-up does not add up) is never read as a gap.
  db.prepare('DELETE FROM metric_blocks WHERE block = 12').run();
  assert.equal(packedOf(dir, run.id, 'm', { minStep: rowsOf(dir, run.id, 'm').steps[600] }), undefined);
  assert.deepEqual(bits(store.getMetricHistory(run.id, 'm')), bits(rowsOf(dir, run.id, 'm')));
});

test('a store written before schema 9 is migrated: its blocks have no points, so its series read the rows, new blocks are packed', (t) => {
  // Written by today's writer, then copied into a schema-8 store as a RunLens of schema 8 would have left it.
  const { store: writer, dir: newDir } = tempStore(t, { now: () => NOW });
  const run = writer.createRun({ experiment: 'e' });
  writer.logMetrics(run.id, Array.from({ length: 1100 }, (_, i) => point(i)));
  writer.close();
  const dir = tempDir(t);
  const file = path.join(dir, 'store.db');
  const old = new Database(file);
  migrate(old, file, MIGRATIONS.slice(0, 8));
  old.prepare('ATTACH DATABASE ? AS src').run(path.join(newDir, 'store.db'));
  old.exec(`
    INSERT INTO experiments SELECT * FROM src.experiments;
    INSERT INTO runs SELECT * FROM src.runs;
    INSERT INTO metric_series SELECT * FROM src.metric_series;
    INSERT INTO metric_points SELECT * FROM src.metric_points;
    INSERT INTO metric_blocks SELECT series_id, block, first_step, first_ts, first_value, last_step, last_ts, last_value,
      min_step, min_ts, min_value, max_step, max_ts, max_value FROM src.metric_blocks;
  `);
  old.exec('DETACH DATABASE src');
  assert.equal(schemaVersion(old), 8);
  old.close();

  const store = RunStore.open(dir, { now: () => NOW });
  t.after(() => store.close());
  const raw = new Database(file, { readonly: true });
  t.after(() => raw.close());
  assert.equal(schemaVersion(raw), SCHEMA_VERSION);
  assert.equal((raw.prepare('PRAGMA table_info(metric_blocks)').all() as { name: string }[]).at(-1)?.name, 'points');
  assert.deepEqual(raw.prepare('SELECT count(*), count(points) FROM metric_blocks').raw(true).get(), [17, 0]);
  assert.equal(packedOf(dir, run.id, 'm'), undefined);
  assert.deepEqual(bits(store.getMetricHistory(run.id, 'm')), bits(rowsOf(dir, run.id, 'm')));

  // Logging on: the new blocks are packed, the old ones stay NULL, so the whole series still reads the rows.
  store.logMetrics(run.id, Array.from({ length: 1100 }, (_, i) => point(1100 + i)));
  assert.deepEqual(raw.prepare('SELECT count(*), count(points) FROM metric_blocks').raw(true).get(), [34, 17]);
  assert.equal(packedOf(dir, run.id, 'm'), undefined);
  assert.deepEqual(bits(store.getMetricHistory(run.id, 'm')), bits(rowsOf(dir, run.id, 'm')));
  // A range over the new blocks only is read packed.
  assertPackedSame(store, dir, run.id, { minStep: rowsOf(dir, run.id, 'm').steps[1100] });
});

test('deleting a run deletes its packed blocks with the series (the cascade trigger)', (t) => {
  const { store, dir } = tempStore(t, { now: () => NOW });
  const gone = store.createRun({ experiment: 'e' });
  const kept = store.createRun({ experiment: 'e' });
  for (const run of [gone, kept]) store.logMetrics(run.id, Array.from({ length: 1100 }, (_, i) => point(i)));
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT count(*), count(points) FROM metric_blocks').raw(true).get(), [34, 34]);
  store.deleteRun(gone.id);
  assert.deepEqual(db.prepare('SELECT count(*), count(points) FROM metric_blocks').raw(true).get(), [17, 17]);
  assertPackedSame(store, dir, kept.id);
});

test('the Python helper (which writes no blocks) appends to the tail and can turn the series non-monotonic', { timeout: 120_000 }, (t) => {
  const { store, dir } = tempStore(t, { now: () => NOW });
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, Array.from({ length: 1100 }, (_, i) => point(i)));
  const python = (body: string) =>
    assert.equal(printedId(runPy(`import runlens\nr = runlens.start_run()\n${body}\nrunlens.end_run()\nprint(r.id)`, dir, { RUNLENS_RUN_ID: run.id, RUNLENS_STORE: dir })), run.id);
  const last = stepOf(1099);
  python(`for i in range(200):\n    runlens.log_metric("m", float("nan") if i == 7 else i / 3, step=${last} + i // 2)`);
  assert.deepEqual(seriesRow(dir), { count: 1300, rollup_n: 1088, monotonic: 1 }); // a tail of 212
  assertPackedSame(store, dir, run.id);
  assertPackedSame(store, dir, run.id, { minStep: stepOf(1050), maxStep: last + 50 });
  // The TS writer rebuilds its roll-up from those rows and packs blocks holding Python's points.
  store.logMetrics(run.id, Array.from({ length: 1000 }, (_, i) => ({ key: 'm', value: Math.cos(i), step: last + 100 + i })));
  assert.equal(seriesRow(dir).rollup_n, 2240);
  assertPackedSame(store, dir, run.id);
  python('runlens.log_metric("m", 1.0, step=3)');
  assert.equal(seriesRow(dir).monotonic, 0);
  assert.equal(packedOf(dir, run.id, 'm'), undefined);
  assert.deepEqual(bits(store.getMetricHistory(run.id, 'm')), bits(rowsOf(dir, run.id, 'm')));
});
