import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLogBatches } from './logBatches';

const metric = (i: number) => ({ key: 'loss', value: i / 7, step: i, timestamp: 1_700_000_000_000 + i });

test('2,500 points and 150 params become batches within MLflow\'s counts, in order, nothing lost', () => {
  const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
  const metrics = Array.from({ length: 2500 }, (_, i) => metric(i));
  const batches = splitLogBatches({ params, metrics });
  for (const b of batches) {
    assert.ok((b.params?.length ?? 0) <= 100 && (b.metrics?.length ?? 0) <= 1000);
    assert.ok((b.params?.length ?? 0) + (b.tags?.length ?? 0) + (b.metrics?.length ?? 0) <= 1000);
  }
  assert.deepEqual(batches.flatMap((b) => b.params ?? []), params);
  assert.deepEqual(batches.flatMap((b) => b.metrics ?? []).map((m) => m.step), metrics.map((m) => m.step));
  assert.equal(batches.length, 4, 'p0-99 | p100-149 + 950 points | 1000 points | 550 points');
});

test('the 1 MB request limit splits long values before the count limit does', () => {
  const tags = Array.from({ length: 90 }, (_, i) => ({ key: `t${i}`, value: 'x'.repeat(20_000) }));
  const batches = splitLogBatches({ tags });
  for (const b of batches) assert.ok(Buffer.byteLength(JSON.stringify({ run_id: 'a'.repeat(32), ...b })) <= 1_000_000);
  assert.equal(batches.flatMap((b) => b.tags ?? []).length, 90);
  assert.equal(batches.length, 2);
});

test('nothing to send is no request', () => {
  assert.deepEqual(splitLogBatches({}), []);
});
