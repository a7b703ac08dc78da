import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantileSorted, residualSummary } from './residuals';

test('quantiles interpolate linearly, as numpy.quantile', () => {
  // numpy.quantile([1, 2, 4, 8], [0, .25, .5, .9, 1]) = [1, 1.75, 3, 6.8, 8]
  const s = Float64Array.from([1, 2, 4, 8]);
  assert.deepEqual([0, 0.25, 0.5, 1].map((q) => quantileSorted(s, q)), [1, 1.75, 3, 8]);
  assert.ok(Math.abs(quantileSorted(s, 0.9) - 6.8) < 1e-12);
});

test('summary: mean, population std, histogram counting every row, largest residuals with their row and line', () => {
  const actual = [10, 12, 9, 30, 11, 10];
  const predicted = [10, 11, 10, 10, 11, 13];
  // residuals: 0, 1, -1, 20, 0, -3
  const s = residualSummary(actual, predicted, { lines: [2, 3, 5, 6, 7, 9], largest: 3, bins: 4 });
  assert.equal(s.count, 6);
  assert.ok(Math.abs(s.mean - 17 / 6) < 1e-12);
  const m = 17 / 6;
  const std = Math.sqrt([0, 1, -1, 20, 0, -3].reduce((a, r) => a + (r - m) ** 2, 0) / 6);
  assert.ok(Math.abs(s.std - std) < 1e-12);
  assert.deepEqual(s.histogram.edges, [-3, 2.75, 8.5, 14.25, 20]);
  assert.deepEqual(s.histogram.counts, [5, 0, 0, 1]);
  assert.deepEqual(s.largest, [
    { row: 3, line: 6, actual: 30, predicted: 10, residual: 20 },
    { row: 5, line: 9, actual: 10, predicted: 13, residual: -3 },
    { row: 1, line: 3, actual: 12, predicted: 11, residual: 1 },
  ]);
  assert.deepEqual(s.quantiles.map((q) => q.q), [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]);
  assert.equal(s.quantiles[0]!.value, -3);
  assert.equal(s.quantiles.at(-1)!.value, 20);
});

test('constant residuals give one bin; an empty split gives NaN and empty lists', () => {
  assert.deepEqual(residualSummary([1, 2], [0, 1]).histogram, { edges: [1, 1], counts: [2] });
  const empty = residualSummary([], []);
  assert.equal(empty.count, 0);
  assert.ok(Number.isNaN(empty.mean));
  assert.deepEqual(empty.largest, []);
});
