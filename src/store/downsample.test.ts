import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunStore } from './runStore';
import { tempStore } from './testing/tempStore';
import type { MetricHistory, MetricPoint } from './types';

function logSeries(store: RunStore, runId: string, n: number, value: (i: number) => number, step = (i: number) => i, batch = 5000): void {
  for (let i = 0; i < n; i += batch) {
    const pts: MetricPoint[] = [];
    for (let j = i; j < Math.min(n, i + batch); j++) pts.push({ key: 'm', value: value(j), step: step(j) });
    store.logMetrics(runId, pts);
  }
}

/** Properties every downsample must have, checked against the full history. */
function checkDownsample(d: MetricHistory, full: MetricHistory, maxPoints: number, range: { lo: number; hi: number }): void {
  assert.ok(d.steps.length <= maxPoints, `${d.steps.length} points > ${maxPoints}`);
  const real = new Map<string, number>();
  for (let i = 0; i < full.steps.length; i++) real.set(`${full.steps[i]}|${full.values[i]}`, full.timestamps[i]);
  for (let i = 0; i < d.steps.length; i++) {
    assert.ok(real.has(`${d.steps[i]}|${d.values[i]}`), `point (${d.steps[i]}, ${d.values[i]}) is not a real point`);
    if (i > 0) assert.ok(d.steps[i] >= d.steps[i - 1], 'steps not sorted');
    assert.ok(d.steps[i] >= range.lo && d.steps[i] <= range.hi, 'point outside the range');
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < full.steps.length; i++) {
    if (full.steps[i] < range.lo || full.steps[i] > range.hi) continue;
    if (full.values[i] < min) min = full.values[i];
    if (full.values[i] > max) max = full.values[i];
  }
  const values = [...d.values];
  assert.ok(values.includes(min), `global min ${min} lost`);
  assert.ok(values.includes(max), `global max ${max} lost`);
  assert.equal(d.steps[0], range.lo);
  assert.equal(d.steps[d.steps.length - 1], range.hi);
}

test('a spike survives downsampling of a large series (roll-up path)', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  // 60k points into 800: 200 buckets of 300 points, enough for the 64-point blocks.
  const n = 60_000;
  logSeries(store, run.id, n, (i) => Math.sin(i / 500) + (i === 23_457 ? 50 : 0) - (i === 7_001 ? 30 : 0));
  const d = store.downsampleMetric(run.id, 'm', 800);
  assert.equal(d.downsampled, true);
  assert.ok(d.steps.length > 400, `only ${d.steps.length} points`);
  const spike = [...d.values].indexOf(Math.sin(23_457 / 500) + 50);
  assert.equal(d.steps[spike], 23_457);
  assert.ok([...d.values].includes(Math.sin(7_001 / 500) - 30));
  checkDownsample(d, store.getMetricHistory(run.id, 'm'), 800, { lo: 0, hi: n - 1 });
});

test('a step range downsamples only that range', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  logSeries(store, run.id, 60_000, (i) => Math.cos(i / 97) * (i % 1000 === 0 ? 5 : 1), (i) => i, 777);
  const full = store.getMetricHistory(run.id, 'm');
  // Roll-up path, scan path (too few points per bucket), whole range.
  for (const [lo, hi] of [[3_001, 55_555], [20_123, 21_000], [0, 59_999]]) {
    const d = store.downsampleMetric(run.id, 'm', 400, { minStep: lo, maxStep: hi });
    checkDownsample(d, full, 400, { lo, hi });
  }
});

test('a series whose steps went backwards is downsampled by scanning', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  logSeries(store, run.id, 50_000, (i) => (i * 7919) % 1000);
  store.logMetrics(run.id, [{ key: 'm', value: 5000, step: 10 }]); // a late point in the past, also the max
  const d = store.downsampleMetric(run.id, 'm', 1000);
  assert.equal(d.downsampled, true);
  checkDownsample(d, store.getMetricHistory(run.id, 'm'), 1000, { lo: 0, hi: 49_999 });
  assert.ok([...d.steps].includes(10));
});

test('medium series (blocks too coarse for the buckets) are scanned exactly', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  logSeries(store, run.id, 20_000, (i) => (i === 12_345 ? -99 : Math.sin(i)));
  const d = store.downsampleMetric(run.id, 'm', 2000);
  checkDownsample(d, store.getMetricHistory(run.id, 'm'), 2000, { lo: 0, hi: 19_999 });
});

test('NaN points are never min or max, sparse steps and empty buckets are fine', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  logSeries(store, run.id, 60_000, (i) => (i % 10 === 0 ? NaN : i % 1000), (i) => i * 1000 + (i > 40_000 ? 5e8 : 0));
  const d = store.downsampleMetric(run.id, 'm', 800);
  const full = store.getMetricHistory(run.id, 'm');
  assert.ok(d.steps.length <= 800);
  assert.ok([...d.values].includes(999));
  assert.ok([...d.values].includes(1));
  for (let i = 1; i < d.steps.length; i++) assert.ok(d.steps[i] >= d.steps[i - 1]);
  assert.equal(d.steps[d.steps.length - 1], full.steps[full.steps.length - 1]);
});

test('small series come back whole; unknown keys empty', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  logSeries(store, run.id, 500, (i) => i);
  const d = store.downsampleMetric(run.id, 'm', 2000);
  assert.equal(d.downsampled, false);
  assert.equal(d.steps.length, 500);
  const part = store.downsampleMetric(run.id, 'm', 100, { minStep: 10, maxStep: 59 });
  assert.equal(part.downsampled, false);
  assert.deepEqual([...part.steps], Array.from({ length: 50 }, (_, i) => i + 10));
  assert.equal(store.downsampleMetric(run.id, 'nope', 100).steps.length, 0);
});
