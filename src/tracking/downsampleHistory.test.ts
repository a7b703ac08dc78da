import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempStore } from '../store/testing/tempStore';
import { downsampleHistory } from './downsampleHistory';

test('min/max buckets of an in-memory history keep what the store keeps: first, last and every spike', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  const values = Array.from({ length: 1000 }, (_, i) => (i === 437 ? 50 : i === 611 ? -50 : i === 800 ? NaN : Math.sin(i / 50)));
  store.logMetrics(run.id, values.map((value, step) => ({ key: 'loss', value, step, timestamp: 1000 + step })));
  const full = store.getMetricHistory(run.id, 'loss');
  const got = downsampleHistory(full, 100);
  assert.equal(got.downsampled, true);
  assert.ok(got.values.length <= 100, `${got.values.length} points`);
  assert.ok(got.values.includes(50) && got.values.includes(-50), 'both spikes survive');
  assert.equal(got.steps[0], 0);
  assert.equal(got.steps.at(-1), 999);
  assert.ok(got.steps.every((s, i) => i === 0 || s > got.steps[i - 1]!), 'in step order, no repeats');
  const small = downsampleHistory(full, 5000);
  assert.deepEqual([small.downsampled, small.values.length], [false, 1000]);
});
