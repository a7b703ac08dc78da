import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, permutation } from './rng';

test('the stream for a seed is fixed forever (runs must reproduce across versions)', () => {
  // These are the numbers the model code's generator gave before the two generators became one (#15.7):
  // trained models keep their numbers. (The data split's old stream began 0.1778232182841748 for seed 42.)
  const r = new Rng(42);
  assert.equal(r.next(), 0.24572046529822245);
  assert.equal(r.next(), 0.3558912773165237);
  assert.equal(r.int(100), 79);
  assert.equal(r.nextUint32(), 1894031568);
  assert.equal(new Rng(0).next(), 0.6225702714559397);
  assert.equal(new Rng(7).normal(), -0.22516735915036595);
});

test('same seed, same numbers; nearby seeds, different numbers', () => {
  const a7 = new Rng(7);
  const b7 = new Rng(7);
  const r8 = new Rng(8);
  const a = Array.from({ length: 5 }, () => a7.next());
  const b = Array.from({ length: 5 }, () => b7.next());
  const c = Array.from({ length: 5 }, () => r8.next());
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.notEqual(new Rng(1).next(), new Rng(2 ** 32 + 1).next(), 'high bits of the seed count');
  assert.notEqual(new Rng(0.5).next(), new Rng(0).next());
  assert.equal(new Rng(-1).next(), new Rng(2 ** 32 - 1).next(), 'a negative seed is its 32-bit pattern');
  assert.throws(() => new Rng(NaN), RangeError);
});

test('next is in [0, 1) and roughly uniform; int stays in range; normal has mean 0 and sd 1', () => {
  const r = new Rng(3);
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
  const p = permutation(1000, new Rng(5));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual([...p.slice(0, 20)], Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual(permutation(1000, new Rng(5)), p);
  assert.deepEqual(new Rng(9).shuffle(['a', 'b', 'c', 'd']), new Rng(9).shuffle(['a', 'b', 'c', 'd']));
});
