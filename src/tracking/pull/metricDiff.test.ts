import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricHistory } from '../../store/types';
import { diffSeries, newPoints } from './metricDiff';

const history = (points: [number, number, number][]): MetricHistory => ({
  steps: Float64Array.from(points, (p) => p[0]),
  timestamps: Float64Array.from(points, (p) => p[1]),
  values: Float64Array.from(points, (p) => p[2]),
});
const wire = (points: [number, number, number][]) => points.map(([step, timestamp, value]) => ({ key: 'm', step, timestamp, value }));

test('an unordered server history minus the local points is what is new, in logging order', () => {
  const remote = wire([[3, 30, 0.3], [1, 10, 0.1], [2, 20, NaN], [0, 5, Infinity], [2, 15, -0]]);
  const local = history([[1, 10, 0.1], [2, 20, NaN]]);
  assert.deepEqual(newPoints(remote, local).map((p) => [p.step, p.timestamp, p.value]), [[0, 5, Infinity], [2, 15, -0], [3, 30, 0.3]]);
});

test('points are counted: a local duplicate the server keeps once adds nothing, a server point twice is new once', () => {
  assert.deepEqual(newPoints(wire([[1, 10, 1]]), history([[1, 10, 1], [1, 10, 1]])), []);
  assert.equal(newPoints(wire([[1, 10, 1], [1, 10, 1]]), history([[1, 10, 1]])).length, 1);
  assert.equal(newPoints(wire([[1, 10, 0]]), history([[1, 10, -0]])).length, 1, '-0 and 0 are different points');
});

test('equal timestamps and steps order by value, NaN last', () => {
  const got = newPoints(wire([[5, 1, NaN], [5, 1, 2], [5, 1, 1]]), history([]));
  assert.deepEqual(got.map((p) => p.value), [1, 2, NaN]);
});

test('local points the server lacks are counted, so the ledger only says "all there" when they are', () => {
  const d = diffSeries(wire([[1, 10, 1], [2, 20, 2]]), history([[1, 10, 1], [1, 10, 1], [3, 30, 3]]));
  assert.deepEqual(d.fresh.map((p) => p.step), [2]);
  assert.equal(d.localOnly, 2);
  assert.equal(diffSeries(wire([[1, 10, 1], [2, 20, NaN]]), history([[2, 20, NaN], [1, 10, 1]])).localOnly, 0);
});
