import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintFrame } from '../data/fingerprint';
import type { NumericStats } from '../data/fingerprint';
import { Rng } from '../util/rng';
import { ksStatistic } from './drift';
import { NO_TEXT } from './partitions';
import type { PartitionRows } from './partitions';
import { ColumnAccumulator, RowSampler } from './streamStats';

/** One numeric column as a partition. */
function part(values: Float64Array): PartitionRows {
  return { rows: values.length, lines: new Uint32Array(values.length), values: [values], ids: [undefined], inline: [undefined] };
}

/** Runs a sampler over `values` arriving in partitions of `piece` rows; returns the sample. */
function sampleOf(values: Float64Array, capacity: number, piece: number, seed: number): Float64Array {
  const sampler = new RowSampler(capacity, new Rng(seed));
  const acc = new ColumnAccumulator('numeric', 0, capacity, 10);
  for (let i = 0; i < values.length; i += piece) {
    const chunk = values.subarray(i, i + piece);
    acc.add(part(chunk), 0, sampler.select(chunk.length));
  }
  return acc.sortedSample();
}

test('the row sample keeps every finite value below its capacity and a uniform sample above it', () => {
  const small = Float64Array.from({ length: 100 }, (_, i) => (i === 5 ? NaN : i === 6 ? Infinity : 99 - i));
  assert.deepEqual([...sampleOf(small, 100, 30, 1)], [...small].filter((v) => Number.isFinite(v)).sort((x, y) => x - y));

  const rng = new Rng(2);
  const population = Float64Array.from({ length: 200_000 }, () => rng.normal());
  const kept = sampleOf(population, 5_000, 7_000, 3);
  assert.equal(kept.length, 5_000);
  // A uniform sample of 5,000: KS distance to the population about 1/sqrt(5000); 0.03 is > 2x that.
  assert.ok(ksStatistic(kept, population.slice().sort()) < 0.03);
  // Not biased towards the start or the end of the stream.
  const ordered = sampleOf(Float64Array.from({ length: 200_000 }, (_, i) => i), 5_000, 7_000, 4);
  const mean = ordered.reduce((s, v) => s + v, 0) / 5_000;
  assert.ok(Math.abs(mean - 100_000) < 3_000, `sample mean ${mean}`);
});

test('numeric statistics equal the fingerprint and do not depend on row order or on partitioning', () => {
  const rng = new Rng(7);
  const values = Float64Array.from({ length: 50_000 }, (_, i) => (i % 97 === 0 ? NaN : 1e6 + rng.normal() * 3));
  const exact = fingerprintFrame({ columns: [{ name: 'x', type: 'numeric', values }], rows: values.length }, '').stats[0] as NumericStats;
  const whole = new ColumnAccumulator('numeric', 1e6, 100_000, 10);
  whole.add(part(values), 0);
  const shuffled = rng.shuffle(values.slice());
  const split = new ColumnAccumulator('numeric', 1e6, 100_000, 10);
  for (let i = 0; i < shuffled.length; i += 7_000) split.add(part(shuffled.subarray(i, i + 7_000)), 0);
  for (const acc of [whole, split]) {
    const s = acc.stats('x') as NumericStats;
    assert.equal(s.missing, exact.missing);
    assert.equal(s.min, exact.min);
    assert.equal(s.max, exact.max);
    // Within statsDiff's tolerance (1e-12 relative); the compensated sum is the more accurate of the two.
    assert.ok(Math.abs((s.mean as number) - (exact.mean as number)) <= 1e-12 * 1e6, `mean ${s.mean} vs ${exact.mean}`);
    assert.ok(Math.abs((s.std as number) - (exact.std as number)) <= 1e-9 * (exact.std as number), `std ${s.std} vs ${exact.std}`);
  }
  // Shuffled and split into partitions: the same to the last bit or two.
  const m1 = (whole.stats('x') as NumericStats).mean as number;
  const m2 = (split.stats('x') as NumericStats).mean as number;
  assert.ok(Math.abs(m1 - m2) <= 2 * Number.EPSILON * 1e6, `${m1} vs ${m2}`);
});

test('a categorical column past the category limit reports no distinct count', () => {
  const texts = ['a', 'b', 'c', 'd'];
  const rows = (ids: number[]): PartitionRows => ({
    rows: ids.length, lines: new Uint32Array(ids.length), values: [new Float64Array(ids.length).fill(NaN)],
    ids: [Int32Array.from(ids)], inline: [undefined],
  });
  const few = new ColumnAccumulator('categorical', 0, 10, 3);
  few.add(rows([0, 1, 1, NO_TEXT]), 0);
  assert.deepEqual(few.stats('c'), { name: 'c', type: 'categorical', missing: 1, distinct: 2, top: [] });
  assert.deepEqual([...(few.categoryCounts(texts) ?? [])], [['a', 1], ['b', 2]]);
  const many = new ColumnAccumulator('categorical', 0, 10, 3);
  many.add(rows([0, 1, 2, 3]), 0);
  assert.ok(Number.isNaN((many.stats('c') as { distinct: number }).distinct));
  assert.equal(many.categoryCounts(texts), undefined);
});
