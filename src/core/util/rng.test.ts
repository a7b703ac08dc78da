import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, permutation, shuffleInPlace } from './rng';

test('the stream for a seed is fixed forever (runs must reproduce across versions)', () => {
  const r = createRng(42);
  assert.equal(r.next(), 0.1778232182841748);
  assert.equal(r.next(), 0.6313992536161095);
  assert.equal(r.int(100), 49);
  assert.equal(createRng(0).next(), 0.6225702704396099);
});

test('same seed, same numbers; nearby seeds, different numbers', () => {
  const a = Array.from({ length: 5 }, createRng(7).next);
  const b = Array.from({ length: 5 }, createRng(7).next);
  const c = Array.from({ length: 5 }, createRng(8).next);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.notEqual(createRng(1).next(), createRng(2 ** 32 + 1).next(), 'high bits of the seed count');
  assert.notEqual(createRng(0.5).next(), createRng(0).next());
  assert.throws(() => createRng(NaN), RangeError);
});

test('next is in [0, 1) and roughly uniform; int stays in range; normal has mean 0 and sd 1', () => {
  const r = createRng(3);
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    buckets[Math.floor(x * 10)]++;
  }
  for (const b of buckets) assert.ok(Math.abs(b - 10_000) < 500, `bucket ${b}`);
  for (let i = 0; i < 1000; i++) {
    const k = r.int(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
  }
  let s = 0;
  let ss = 0;
  const n = 50_000;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    ss += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.02);
  assert.ok(Math.abs(Math.sqrt(ss / n) - 1) < 0.02);
});

test('permutation holds every index once; shuffles are seeded', () => {
  const p = permutation(1000, createRng(5));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual([...p.slice(0, 20)], Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual(permutation(1000, createRng(5)), p);
  assert.deepEqual(shuffleInPlace(['a', 'b', 'c', 'd'], createRng(9)), shuffleInPlace(['a', 'b', 'c', 'd'], createRng(9)));
});
