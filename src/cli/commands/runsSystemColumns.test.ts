import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRow } from '../../store/types';
import { keyMetrics } from './runs';

test("runlens runs shows the runs' own metrics as columns, never the sampled system ones", () => {
  const row = (metrics: Record<string, number>) => ({ metrics }) as unknown as RunRow;
  const runs = [row({ loss: 0.2, 'system/cpu_utilization_percentage': 40, 'system/peak_memory_megabytes': 300 }), row({ acc: 0.9, 'system/disk_usage_megabytes': 1 })];
  assert.deepEqual(keyMetrics(runs), ['loss', 'acc']);
  assert.deepEqual(keyMetrics([row({ 'system/peak_memory_megabytes': 300 })]), []);
});
