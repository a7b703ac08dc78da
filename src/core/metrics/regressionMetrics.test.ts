import assert from 'node:assert/strict';
import { test } from 'node:test';
import { r2Score, regressionMetrics } from './regressionMetrics';

const f = (a: number[]): Float64Array => Float64Array.from(a);

test('mse, rmse, mae and r2 by hand', () => {
  const m = regressionMetrics(f([1, 2, 3, 4]), f([1, 3, 2, 4]));
  assert.equal(m.mse, 0.5);
  assert.equal(m.rmse, Math.sqrt(0.5));
  assert.equal(m.mae, 0.5);
  assert.equal(m.r2, 1 - 2 / 5);
  assert.deepEqual(Object.keys(m), ['mse', 'rmse', 'mae', 'r2']);
});

test('r2 edge cases follow scikit-learn', () => {
  assert.equal(r2Score(f([2, 2, 2]), f([2, 2, 2])), 1);
  assert.equal(r2Score(f([2, 2, 2]), f([2, 2, 3])), 0);
  assert.ok(Number.isNaN(r2Score(f([1]), f([1]))));
  assert.ok(r2Score(f([1, 2, 3]), f([3, 2, 1])) < 0);
  assert.throws(() => regressionMetrics(f([1, 2]), f([1])), /2 values, yPred 1/);
});
