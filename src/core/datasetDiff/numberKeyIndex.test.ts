import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finish, hashNumber } from './cellHash';
import { NumberKeyIndex } from './numberKeyIndex';

test('keys landing in the same slot are told apart by value', () => {
  const capacity = 100;
  const index = new NumberKeyIndex(capacity);
  const mask = 255; // the table holds the next power of two >= 2 x capacity
  const slot = (k: number): number => finish(hashNumber(0, k)) & mask;
  const target = slot(0.5);
  const same: number[] = [];
  for (let k = 1; same.length < 20; k++) if (slot(k) === target) same.push(k);
  assert.equal(index.add(0.5, 0), -1);
  same.forEach((k, i) => assert.equal(index.add(k, i + 1), -1));
  assert.equal(index.get(0.5), 0);
  same.forEach((k, i) => assert.equal(index.get(k), i + 1));
  assert.equal(index.add(same[7], 99), 8, 'a repeated key returns the first row');
  // An absent key that hashes to the same slot walks the chain and misses.
  let absent = same[same.length - 1] + 1;
  while (slot(absent) !== target) absent++;
  assert.equal(index.get(absent), -1);
});

test('keys compare like Map keys: NaN equals NaN, -0 equals 0', () => {
  const index = new NumberKeyIndex(4);
  assert.equal(index.add(NaN, 0), -1);
  assert.equal(index.add(-0, 1), -1);
  assert.equal(index.add(NaN, 2), 0);
  assert.equal(index.add(0, 3), 1);
  assert.equal(index.get(0), 1);
  assert.equal(index.get(Infinity), -1);
});
