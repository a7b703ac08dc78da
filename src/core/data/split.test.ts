import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitIndices } from './split';
import { DataError } from './dataError';

function countBy(strata: ArrayLike<number>, rows: ArrayLike<number>): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < rows.length; i++) m.set(strata[rows[i]], (m.get(strata[rows[i]]) ?? 0) + 1);
  return m;
}

function assertPartition(n: number, s: { train: Uint32Array; test: Uint32Array }): void {
  const all = [...s.train, ...s.test].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: n }, (_, i) => i), 'every row exactly once');
}

test('plain split: test has ceil(test * n) rows, partitions the rows, and is shuffled', () => {
  const s = splitIndices(101, { test: 0.2, seed: 42 });
  assert.equal(s.test.length, 21);
  assert.equal(s.train.length, 80);
  assertPartition(101, s);
  assert.notDeepEqual([...s.train.slice(0, 10)], [...s.train.slice(0, 10)].sort((a, b) => a - b));
});

test('the same seed gives the same split; another seed another', () => {
  const a = splitIndices(500, { test: 0.25, seed: 7 });
  const b = splitIndices(500, { test: 0.25, seed: 7 });
  const c = splitIndices(500, { test: 0.25, seed: 8 });
  assert.deepEqual(a, b);
  assert.notDeepEqual([...a.test].sort(), [...c.test].sort());
  const strata = Array.from({ length: 500 }, (_, i) => i % 3);
  assert.deepEqual(splitIndices(500, { test: 0.25, seed: 7, strata }), splitIndices(500, { test: 0.25, seed: 7, strata }));
});

test('stratified: class proportions kept in both parts (iris-like 50/50/50 → 10/10/10 in test)', () => {
  const strata = Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));
  for (const seed of [1, 2, 3, 42]) {
    const s = splitIndices(150, { test: 0.2, seed, strata });
    assertPartition(150, s);
    assert.deepEqual([...countBy(strata, s.test)].sort(), [[0, 10], [1, 10], [2, 10]]);
    assert.deepEqual([...countBy(strata, s.train)].sort(), [[0, 40], [1, 40], [2, 40]]);
  }
});

test('stratified with uneven classes: shares within one row of exact, total exact', () => {
  // 70 / 20 / 10 rows, 30% test → ideal 21 / 6 / 3.
  const strata = [...new Array(70).fill(0), ...new Array(20).fill(1), ...new Array(10).fill(2)];
  const s = splitIndices(100, { test: 0.3, seed: 3, strata });
  assert.equal(s.test.length, 30);
  assert.deepEqual([...countBy(strata, s.test)].sort(), [[0, 21], [1, 6], [2, 3]]);
  // 0.25 of 97 rows (60/30/7): 25 test rows; ideals 15.46 / 7.73 / 1.80 → 15 / 8 / 2.
  const t = [...new Array(60).fill(0), ...new Array(30).fill(1), ...new Array(7).fill(2)];
  const u = splitIndices(97, { test: 0.25, seed: 3, strata: t });
  assert.equal(u.test.length, 25);
  assert.deepEqual([...countBy(t, u.test)].sort(), [[0, 15], [1, 8], [2, 2]]);
});

test('stratified: every class with at least two rows keeps a row in train; a single-row class stays in train', () => {
  const strata = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2];
  for (let seed = 0; seed < 20; seed++) {
    const s = splitIndices(strata.length, { test: 0.5, seed, strata });
    assertPartition(strata.length, s);
    const train = countBy(strata, s.train);
    assert.ok((train.get(1) ?? 0) >= 1, 'class 1 in train');
    assert.equal(train.get(2), 1, 'single row of class 2 in train');
    assert.equal(s.test.length, 6);
  }
});

test('test 0 keeps every row in train; at most n - 1 rows go to test', () => {
  const s = splitIndices(10, { test: 0, seed: 1 });
  assert.equal(s.test.length, 0);
  assert.equal(s.train.length, 10);
  assert.equal(splitIndices(2, { test: 0.9, seed: 1 }).train.length, 1);
});

test('invalid test fractions are a DataError', () => {
  for (const test of [1, 1.5, -0.1, NaN]) {
    assert.throws(() => splitIndices(10, { test, seed: 1 }), DataError);
  }
});
