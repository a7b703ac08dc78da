import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpuMetric, SYSTEM_METRICS as M } from '../../core/metrics/systemMetricNames';
import { formatMegabytes, splitSystemMetrics, systemSummaryLine, systemSummaryLines } from './systemSummary';

test('the one-line summary: peak memory and mean CPU of the run', () => {
  assert.equal(systemSummaryLine({ [M.peakMemory]: 412.3, [M.meanCpu]: 97.4, loss: 0.1 }), 'peak memory 412 MB · mean CPU 97% of one core');
  assert.equal(systemSummaryLine({ [M.peakMemory]: 1834 }), 'peak memory 1.8 GB');
  assert.equal(systemSummaryLine({ loss: 0.1 }), undefined, 'a run without system metrics has no line');
});

test('show: the summary with peak CPU, disk I/O, then each GPU', () => {
  assert.deepEqual(systemSummaryLines({
    [M.peakMemory]: 300, [M.meanCpu]: 150, [M.peakCpu]: 199.6, [M.processDiskRead]: 12.4, [M.processDiskWrite]: 0,
    [gpuMetric.utilization(1)]: 50, [gpuMetric.peakMemory(1)]: 15728.64, [gpuMetric.meanUtilization(1)]: 88,
    [gpuMetric.peakMemory(0)]: 1073.74, [gpuMetric.meanUtilization(0)]: 37,
  }), [
    'peak memory 300 MB · mean CPU 150% of one core (peak 200%)',
    'disk read 12 MB · written 0 MB',
    'gpu 0: peak memory 1.1 GB · mean use 37%',
    'gpu 1: peak memory 15.7 GB · mean use 88%',
  ]);
  assert.deepEqual(systemSummaryLines({ loss: 1 }), []);
});

test('megabytes as the metrics count them (10^6 bytes)', () => {
  assert.equal(formatMegabytes(999.4), '999 MB');
  assert.equal(formatMegabytes(1000), '1.0 GB');
  assert.equal(formatMegabytes(250_000), '250 GB');
});

test("a run's metrics split into its own and the system ones, order kept", () => {
  const { own, system } = splitSystemMetrics([{ key: 'loss' }, { key: M.processCpu }, { key: 'acc' }, { key: M.peakMemory }]);
  assert.deepEqual(own.map((m) => m.key), ['loss', 'acc']);
  assert.deepEqual(system.map((m) => m.key), [M.processCpu, M.peakMemory]);
});
