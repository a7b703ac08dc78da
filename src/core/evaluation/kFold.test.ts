import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/rng';
import { kFoldIndices, smallestClassBelow } from './kFold';

function assertPartition(n: number, folds: ReturnType<typeof kFoldIndices>): void {
  const seen = new Uint8Array(n);
  for (const f of folds) {
    for (const i of f.validation) seen[i]++;
    assert.equal(f.train.length + f.validation.length, n, 'train and validation cover every row');
    const inVal = new Set(f.validation);
    for (const i of f.train) assert.ok(!inVal.has(i), `row ${i} is in both parts of a fold`);
    assert.deepEqual([...f.train], [...f.train].sort((a, b) => a - b), 'train indices ascending');
  }
  assert.ok(seen.every((c) => c === 1), 'every row is in exactly one validation fold');
  const sizes = folds.map((f) => f.validation.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes} differ by at most one`);
}

test('plain K-fold: every index in exactly one validation fold, sizes within one row', () => {
  for (const [n, k] of [[10, 2], [103, 5], [7, 7], [1000, 3]] as const) {
    const folds = kFoldIndices(n, { k, seed: 1 });
    assert.equal(folds.length, k);
    assertPartition(n, folds);
  }
});

test('the same seed gives the same folds; another seed others', () => {
  const a = kFoldIndices(50, { k: 5, seed: 42 });
  const b = kFoldIndices(50, { k: 5, seed: 42 });
  const c = kFoldIndices(50, { k: 5, seed: 43 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((f) => [...f.validation]), c.map((f) => [...f.validation]));
});

test('stratified folds keep each class ratio within one row, and still partition the rows', () => {
  const rng = new Rng(9);
  // Unbalanced classes: 0 is common, 3 rare, in a shuffled order.
  const n = 517;
  const strata = Int32Array.from({ length: n }, () => {
    const u = rng.next();
    return u < 0.6 ? 0 : u < 0.85 ? 1 : u < 0.97 ? 2 : 3;
  });
  const counts = [0, 1, 2, 3].map((c) => strata.filter((s) => s === c).length);
  for (const k of [2, 3, 5, 10]) {
    const folds = kFoldIndices(n, { k, seed: 3, strata });
    assertPartition(n, folds);
    for (const f of folds) {
      for (const [c, total] of counts.entries()) {
        const got = [...f.validation].filter((i) => strata[i] === c).length;
        const expected = (total * f.validation.length) / n;
        assert.ok(Math.abs(got - expected) <= 1, `k=${k}: class ${c} has ${got} rows in a fold of ${f.validation.length}, expected ${expected.toFixed(2)} ± 1`);
      }
    }
  }
});

test('a plain shuffle does not keep ratios on sorted labels, stratification does', () => {
  // 30 rows of class 0 then 6 of class 1: contiguous folds of a bad shuffle would miss class 1.
  const strata = Int32Array.from({ length: 36 }, (_, i) => (i < 30 ? 0 : 1));
  const folds = kFoldIndices(36, { k: 3, seed: 5, strata });
  for (const f of folds) assert.equal([...f.validation].filter((i) => strata[i] === 1).length, 2);
});

test('k outside [2, n] is a data error naming the setting', () => {
  assert.throws(() => kFoldIndices(4, { k: 5, seed: 0 }), /evaluate\.cv is 5, but there are only 4 training rows/);
  assert.throws(() => kFoldIndices(10, { k: 1, seed: 0 }), /evaluate\.cv must be an integer ≥ 2/);
});

test('smallestClassBelow names the class too small for k folds', () => {
  assert.deepEqual(smallestClassBelow([0, 0, 0, 1, 1, 2], 3), { cls: 2, rows: 1 });
  assert.equal(smallestClassBelow([0, 0, 0, 1, 1, 1], 3), undefined);
});
