import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argsortInto, RadixScratch } from './argsort';
import { Rng } from '../util/rng';

function reference(values: Float64Array): number[] {
  return Array.from(values.keys()).sort((a, b) => values[a] - values[b] || a - b);
}

test('radix argsort equals a stable comparator sort (negatives, zeros, ties, extremes)', () => {
  const rng = new Rng(4);
  const scratch = new RadixScratch();
  for (const n of [10, 3000, 50000]) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = rng.next();
      v[i] = r < 0.2 ? rng.int(5) - 2 : r < 0.25 ? (rng.next() < 0.5 ? 1e300 : -1e-300) : r < 0.3 ? -0 : rng.normal() * 1e3;
    }
    const out = new Int32Array(n);
    argsortInto(v, 0, n, out, scratch);
    const ref = reference(v);
    // -0 and 0 may be ordered either way relative to each other; compare the values and the tie order otherwise.
    for (let i = 0; i < n; i++) assert.ok(v[out[i]] === v[ref[i]], `position ${i}`);
    for (let i = 1; i < n; i++) {
      if (Object.is(v[out[i]], v[out[i - 1]])) assert.ok(out[i] > out[i - 1], 'ties keep index order');
    }
  }
});

test('sorts a slice given by offset', () => {
  const all = Float64Array.from([9, 9, 9, 3, 1, 2, 9]);
  const out = new Int32Array(3);
  argsortInto(all, 3, 3, out, new RadixScratch());
  assert.deepEqual(Array.from(out), [1, 2, 0]);
});
