import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuMetric, SYSTEM_METRICS as M } from '../../core/metrics/systemMetricNames';
import { buildCompareTable } from './compareTable';
import { splitChartKeys, systemXAxis } from './systemCurves';

test('system series go to the System section, the process tree first, GPUs last in index order', () => {
  const keys = ['loss', gpuMetric.utilization(10), M.machineCpu, 'acc', gpuMetric.utilization(2), M.processMemory, M.processCpu, M.diskUsed];
  assert.deepEqual(splitChartKeys(keys), {
    metric: ['loss', 'acc'],
    system: [M.processCpu, M.processMemory, M.machineCpu, M.diskUsed, gpuMetric.utilization(2), gpuMetric.utilization(10)],
  });
});

test('system curves are drawn against time: wall time when chosen, else time since the run started', () => {
  assert.equal(systemXAxis('step'), 'relative');
  assert.equal(systemXAxis('relative'), 'relative');
  assert.equal(systemXAxis('wall'), 'wall');
});

test('the table keeps the system summaries as rows and leaves the sampled series to the charts', () => {
  const summary = (key: string, latest: number, count: number) => ({ key, latest, min: latest, max: latest, count, latestStep: 0 });
  const run = (id: string, peak: number) => ({
    run: { id, name: id, experiment: 'e', status: 'finished', createdAt: 1, startedAt: 1, endedAt: 2 },
    params: {}, inputs: [],
    summaries: [summary('loss', 0.1, 3), summary(M.processMemory, peak, 40), summary(M.peakMemory, peak, 1), summary(M.meanCpu, 90, 1)],
  });
  const rows = buildCompareTable([run('a', 300), run('b', 600)] as never, ['loss', M.processMemory]).filter((r) => r.group === 'metric');
  assert.deepEqual(rows.map((r) => r.key), ['loss', M.meanCpu, M.peakMemory]);
  assert.deepEqual(rows.find((r) => r.key === M.peakMemory)?.numbers, [300, 600]);
});
