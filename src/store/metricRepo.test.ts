import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { StoreError } from './errors';
import { RunStore } from './runStore';
import { tempStore } from './testing/tempStore';

test('NaN and ±Infinity round-trip through history, summary and listRuns', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, [
    { key: 'x', value: 1.5 },
    { key: 'x', value: NaN },
    { key: 'x', value: Infinity },
    { key: 'x', value: -Infinity },
    { key: 'x', value: NaN },
  ]);
  const h = store.getMetricHistory(run.id, 'x');
  assert.deepEqual([...h.values], [1.5, NaN, Infinity, -Infinity, NaN]);
  assert.deepEqual([...h.steps], [0, 1, 2, 3, 4]);
  const [s] = store.getMetricSummaries(run.id);
  assert.equal(s.key, 'x');
  assert.ok(Number.isNaN(s.latest));
  assert.equal(s.latestStep, 4);
  assert.equal(s.min, -Infinity);
  assert.equal(s.max, Infinity);
  assert.equal(s.count, 5);
  assert.ok(Number.isNaN(store.listRuns()[0].metrics.x));
});

test('min/max ignore NaN; a series of only NaN has NaN min and max', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, [{ key: 'a', value: NaN }, { key: 'a', value: 3 }, { key: 'a', value: NaN }, { key: 'a', value: -2 }]);
  store.logMetrics(run.id, [{ key: 'b', value: NaN }, { key: 'b', value: NaN }]);
  const [a, b] = store.getMetricSummaries(run.id);
  assert.deepEqual([a.min, a.max, a.latest, a.count], [-2, 3, -2, 4]);
  assert.ok(Number.isNaN(b.min) && Number.isNaN(b.max) && Number.isNaN(b.latest));
  assert.equal(b.count, 2);
});

test('summary is merged across batches', (t) => {
  const { store, clock } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, [{ key: 'loss', value: 5 }, { key: 'loss', value: 2 }]);
  clock.advance(100);
  store.logMetrics(run.id, [{ key: 'loss', value: 9 }, { key: 'loss', value: 3 }]);
  const [s] = store.getMetricSummaries(run.id);
  assert.deepEqual({ ...s }, { key: 'loss', latest: 3, latestStep: 3, latestTimestamp: clock.t, min: 2, max: 9, count: 4 });
});

test('step defaults to the latest step + 1 per key, or 0; explicit steps move it', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, [
    { key: 'a', value: 1 },
    { key: 'b', value: 1 },
    { key: 'a', value: 2 },
    { key: 'b', value: 2, step: 10 },
    { key: 'b', value: 3 },
  ]);
  store.logMetrics(run.id, [{ key: 'a', value: 3 }, { key: 'b', value: 4 }]);
  assert.deepEqual([...store.getMetricHistory(run.id, 'a').steps], [0, 1, 2]);
  assert.deepEqual([...store.getMetricHistory(run.id, 'b').steps], [0, 10, 11, 12]);
});

test('latest is the point at the highest step; ties go to the one logged last', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, [{ key: 'a', value: 1, step: 5 }, { key: 'a', value: 2, step: 3 }]);
  assert.equal(store.getMetricSummaries(run.id)[0].latest, 1);
  store.logMetrics(run.id, [{ key: 'a', value: 7, step: 5 }]);
  assert.equal(store.getMetricSummaries(run.id)[0].latest, 7);
  // History is in step order, ties in logging order.
  assert.deepEqual([...store.getMetricHistory(run.id, 'a').values], [2, 1, 7]);
});

test('timestamps default to the store clock and can be given', (t) => {
  const { store, clock } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, [{ key: 'a', value: 1 }, { key: 'a', value: 2, timestamp: 42 }]);
  assert.deepEqual([...store.getMetricHistory(run.id, 'a').timestamps], [clock.t, 42]);
});

test('an invalid point fails the whole batch', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  assert.throws(() => store.logMetrics(run.id, [{ key: 'a', value: 1 }, { key: 'a', value: 2, step: 1.5 }]), /step must be an integer/);
  assert.throws(() => store.logMetrics(run.id, [{ key: 'a', value: 1 }, { key: 'a', value: '2' as never }]), /must be a number/);
  assert.throws(() => store.logMetrics(run.id, [{ key: '', value: 1 }]), StoreError);
  assert.deepEqual(store.getMetricSummaries(run.id), []);
  assert.equal(store.getMetricHistory(run.id, 'a').values.length, 0);
  // The store still works after the rollbacks, and steps start at 0.
  store.logMetrics(run.id, [{ key: 'a', value: 1 }]);
  assert.deepEqual([...store.getMetricHistory(run.id, 'a').steps], [0]);
});

test('logging to an unknown or deleted run is a StoreError', (t) => {
  const { store } = tempStore(t);
  assert.throws(() => store.logMetrics('5'.repeat(32), [{ key: 'a', value: 1 }]), /no run with id/);
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, [{ key: 'a', value: 1 }]); // caches the series id
  store.deleteRun(run.id);
  assert.throws(() => store.logMetrics(run.id, [{ key: 'a', value: 2 }]), /no run with id/);
});

test('a series created inside a rolled-back transaction is not reused from the cache', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  assert.throws(() =>
    store.transaction(() => {
      store.logMetrics(run.id, [{ key: 'loss', value: 1 }]);
      throw new Error('abort');
    }),
  );
  store.logMetrics(run.id, [{ key: 'acc', value: 0.5 }]);
  store.logMetrics(run.id, [{ key: 'loss', value: 2 }]);
  assert.deepEqual([...store.getMetricHistory(run.id, 'acc').values], [0.5]);
  assert.deepEqual([...store.getMetricHistory(run.id, 'loss').values], [2]);
});

test('getMetricHistory: step range, unknown key → empty arrays', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, Array.from({ length: 10 }, (_, i) => ({ key: 'a', value: i * 10 })));
  const h = store.getMetricHistory(run.id, 'a', { minStep: 3, maxStep: 5 });
  assert.ok(h.steps instanceof Float64Array && h.values instanceof Float64Array && h.timestamps instanceof Float64Array);
  assert.deepEqual([...h.steps], [3, 4, 5]);
  assert.deepEqual([...h.values], [30, 40, 50]);
  assert.equal(store.getMetricHistory(run.id, 'nope').steps.length, 0);
});

test('getMetricHistory reads every double back bit for bit, in step order then logging order', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  const awkward = [0.1 + 0.2, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, 1 / 3, -123456.78901234567, 2 ** 53, 1e21, 9.007199254740993e15];
  // Steps out of order and repeated: the read sorts by step, ties by the order they were logged.
  const steps = [5, 2, 9, 2, 0, 7, 5, 1, 3];
  store.logMetrics(run.id, awkward.map((value, i) => ({ key: 'w', value, step: steps[i], timestamp: 1_700_000_000_000 + i })));
  const h = store.getMetricHistory(run.id, 'w');
  const order = steps.map((s, i) => [s, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
  assert.deepEqual([...h.steps], order.map((i) => steps[i]));
  assert.deepEqual([...h.values], order.map((i) => awkward[i]));
  assert.deepEqual([...h.timestamps], order.map((i) => 1_700_000_000_000 + i));
  const from = store.metricPointsFrom(run.id, 'w', 4, 3);
  assert.deepEqual([...from.values], awkward.slice(4, 7));
  // A monotonic series is read through its primary key (step order = logging order).
  store.logMetrics(run.id, awkward.map((value, i) => ({ key: 'm', value, step: 10 * i })));
  const tail = store.metricPointsFrom(run.id, 'm', 6, 10);
  assert.deepEqual([...tail.values], awkward.slice(6));
  assert.deepEqual([...tail.steps], [60, 70, 80]);
});

test('logging a batch is a heartbeat of a live run', (t) => {
  const { store, clock } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  clock.advance(30_000);
  store.logMetrics(run.id, [{ key: 'a', value: 1 }]);
  assert.equal(store.getRun(run.id).heartbeatAt, clock.t);
});

test('the block roll-up matches the points, whatever the batch sizes and writers', (t) => {
  const { store, dir } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  let i = 0;
  const batch = (n: number) =>
    Array.from({ length: n }, () => {
      const v = i % 97 === 0 ? NaN : Math.sin(i) * (i % 13);
      return { key: 'm', value: v, step: Math.floor(i++ / 3) }; // repeated steps too
    });
  for (const n of [1, 63, 2, 100, 64, 7, 700]) store.logMetrics(run.id, batch(n));
  // A second process (a fresh store object, no cached open block) continues the series.
  const other = RunStore.open(dir);
  for (const n of [30, 50, 129]) other.logMetrics(run.id, batch(n));
  other.close();
  for (const n of [5, 200, 1100, 3]) store.logMetrics(run.id, batch(n));

  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  const h = store.getMetricHistory(run.id, 'm');
  const series = db.prepare('SELECT * FROM metric_series').get() as { count: number; rollup_n: number; monotonic: number };
  assert.equal(series.count, i);
  assert.equal(series.monotonic, 1);
  // Blocks are stored 16 at a time; the rest (the tail) is read raw by the downsampler.
  assert.equal(series.rollup_n % 64, 0);
  assert.ok(series.rollup_n >= 64 * 16 && i - series.rollup_n < 64 * 17, `rollup_n ${series.rollup_n} of ${i}`);
  const blocks = db.prepare('SELECT * FROM metric_blocks ORDER BY block').all() as Record<string, number | null>[];
  assert.equal(blocks.length, series.rollup_n / 64);
  for (const b of blocks) {
    const from = (b.block as number) * 64;
    const vals = [...h.values.subarray(from, from + 64)];
    const steps = [...h.steps.subarray(from, from + 64)];
    const finite = vals.filter((v) => !Number.isNaN(v));
    assert.equal(b.first_step, steps[0]);
    assert.equal(b.last_step, steps[63]);
    assert.equal(b.min_value, Math.min(...finite));
    assert.equal(b.max_value, Math.max(...finite));
    assert.equal(b.min_step, steps[vals.indexOf(Math.min(...finite))]);
    assert.equal(b.max_step, steps[vals.indexOf(Math.max(...finite))]);
  }
});

test('a step going backwards stops the roll-up and is recorded as non-monotonic', (t) => {
  const { store, dir } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logMetrics(run.id, Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: i })));
  store.logMetrics(run.id, [{ key: 'm', value: -1, step: 5 }]);
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  assert.equal((db.prepare('SELECT monotonic FROM metric_series').get() as { monotonic: number }).monotonic, 0);
});

test('inside a caller transaction a failed batch leaves nothing behind (savepoint)', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.transaction(() => {
    store.logMetrics(run.id, [{ key: 'a', value: 1 }]);
    assert.throws(() => store.logMetrics(run.id, [{ key: 'a', value: 2 }, { key: 'a', value: 3, step: 0.5 }]), /step must be an integer/);
    store.logMetrics(run.id, [{ key: 'a', value: 4 }]);
  });
  assert.deepEqual([...store.getMetricHistory(run.id, 'a').values], [1, 4]);
  assert.deepEqual([...store.getMetricHistory(run.id, 'a').steps], [0, 1]);
  assert.equal(store.getMetricSummaries(run.id)[0].count, 2);
  assert.deepEqual(store.integrityCheck(), ['ok']);
});
