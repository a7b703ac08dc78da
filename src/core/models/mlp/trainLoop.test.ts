import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatherBatch } from './trainLoop';

// 7 rows × 3 features: row r holds r·10 + j, its target is r + 0.5.
const p = 3;
const data = Float32Array.from({ length: 7 * p }, (_, k) => Math.floor(k / p) * 10 + (k % p));
const targets = Float64Array.from({ length: 7 }, (_, r) => r + 0.5);
const order = Int32Array.from([6, 2, 4, 0, 5, 1, 3]);

test('gatherBatch copies the ordered rows, their transpose with a row of ones, and their targets', () => {
  const x = new Float32Array(4 * p).fill(NaN);
  const xT = new Float32Array(4 * (p + 1)).fill(NaN);
  const y = new Float64Array(4).fill(NaN);
  gatherBatch(data, targets, p, order, 0, 4, x, xT, y);
  assert.deepEqual(Array.from(x), [60, 61, 62, 20, 21, 22, 40, 41, 42, 0, 1, 2]);
  assert.deepEqual(Array.from(xT), [60, 20, 40, 0, 61, 21, 41, 1, 62, 22, 42, 2, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(y), [6.5, 2.5, 4.5, 0.5]);
});

test('a short last batch is laid out with its own row count, whatever the buffers held before', () => {
  const x = new Float32Array(4 * p).fill(-1);
  const xT = new Float32Array(4 * (p + 1)).fill(-1);
  const y = new Float64Array(4).fill(-1);
  gatherBatch(data, targets, p, order, 4, 3, x, xT, y);
  assert.deepEqual(Array.from(x.subarray(0, 3 * p)), [50, 51, 52, 10, 11, 12, 30, 31, 32]);
  // (p + 1) × 3: each feature's column of the three rows, then three ones.
  assert.deepEqual(Array.from(xT.subarray(0, 3 * (p + 1))), [50, 10, 30, 51, 11, 31, 52, 12, 32, 1, 1, 1]);
  assert.deepEqual(Array.from(y.subarray(0, 3)), [5.5, 1.5, 3.5]);
});
