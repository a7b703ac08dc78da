import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualTimers } from '../../core/util/manualTimers';
import { SYSTEM_METRICS as M, gpuMetric } from '../../core/metrics/systemMetricNames';
import type { PendingPoint } from '../metricBuffer';
import { SystemMetricsRecorder } from './systemMetricsRecorder';
import type { SystemSample } from './systemSampler';

/** A sampler that plays back samples, and a sink whose writes a test can wait for. */
function rig(samples: SystemSample[], intervalMs = 5000) {
  const timers = new ManualTimers();
  const batches: PendingPoint[][] = [];
  let wake: () => void = () => undefined;
  const written = () => new Promise<void>((resolve) => (wake = resolve));
  let i = 0;
  const recorder = new SystemMetricsRecorder({
    sampler: { sample: async () => samples[Math.min(i++, samples.length - 1)]! },
    intervalMs,
    timers,
    add: (points) => {
      batches.push(points);
      wake();
    },
  });
  return { recorder, timers, batches, written };
}

const sample = (timestamp: number, values: Record<string, number>, treeAlive = true): SystemSample => ({ timestamp, values, treeAlive });

test('samples at start and then every interval, step = sample index, timestamp = the sample time', async () => {
  const { recorder, timers, batches, written } = rig([
    sample(1000, { [M.processMemory]: 50 }),
    sample(6000, { [M.processMemory]: 80, [M.processCpu]: 100 }),
    sample(11000, { [M.processMemory]: 60, [M.processCpu]: 50 }),
  ]);
  let next = written();
  recorder.start();
  await next;
  assert.deepEqual(timers.pendingDelays, [5000]);
  next = written();
  timers.fire();
  await next;
  next = written();
  timers.fire();
  await next;
  assert.deepEqual(batches.map((b) => b.map((p) => [p.key, p.value, p.step, p.timestamp])), [
    [[M.processMemory, 50, 0, 1000]],
    [[M.processMemory, 80, 1, 6000], [M.processCpu, 100, 1, 6000]],
    [[M.processMemory, 60, 2, 11000], [M.processCpu, 50, 2, 11000]],
  ]);
  await recorder.stop(false);
  assert.deepEqual(timers.pendingDelays, [], 'stop cancels the next sample');
  const summary = Object.fromEntries(batches.at(-1)!.map((p) => [p.key, p.value]));
  // Mean CPU is weighted by each interval's length (both 5 s here), peak memory is the highest RSS.
  assert.deepEqual(summary, { [M.peakMemory]: 80, [M.meanCpu]: 75, [M.peakCpu]: 100 });
  assert.ok(batches.at(-1)!.every((p) => p.step === 0 && p.timestamp === 11000));
});

test('stop takes a last sample while the tree lives, and a second stop does nothing', async () => {
  const { recorder, batches, written } = rig([
    sample(0, { [M.processMemory]: 10 }),
    sample(2000, { [M.processMemory]: 30, [M.processCpu]: 200 }),
  ]);
  const first = written();
  recorder.start();
  await first;
  await recorder.stop(true);
  await recorder.stop(true);
  assert.equal(batches.length, 3, 'the first sample, the last one, the summary');
  assert.deepEqual(batches[1]!.map((p) => p.step), [1, 1]);
  assert.deepEqual(Object.fromEntries(batches[2]!.map((p) => [p.key, p.value])), { [M.peakMemory]: 30, [M.meanCpu]: 200, [M.peakCpu]: 200 });
});

test('GPU summaries: peak memory and mean utilisation per GPU', async () => {
  const { recorder, timers, batches, written } = rig([
    sample(0, { [gpuMetric.utilization(0)]: 20, [gpuMetric.memoryUsed(0)]: 100 }),
    sample(5000, { [gpuMetric.utilization(0)]: 60, [gpuMetric.memoryUsed(0)]: 300 }),
  ]);
  let next = written();
  recorder.start();
  await next;
  next = written();
  timers.fire();
  await next;
  await recorder.stop(false);
  assert.deepEqual(Object.fromEntries(batches.at(-1)!.map((p) => [p.key, p.value])), {
    [gpuMetric.peakMemory(0)]: 300,
    [gpuMetric.meanUtilization(0)]: 40,
  });
});

test('a tree that is gone adds no CPU interval to the mean, and no summary is made of nothing', async () => {
  const { recorder, batches, written } = rig([sample(0, {}, false)]);
  const first = written();
  recorder.start();
  await Promise.race([first, recorder.stop(false)]);
  assert.deepEqual(batches, [], 'no values, no points, no summary');
});
