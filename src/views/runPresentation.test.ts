import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickKeyMetric, runDescription, runTooltip, escapeMarkdown, metricLabel, runContextValue, relativeTime } from './runPresentation';
import type { MetricSummary, RunRow } from '../store/types';
import { RUN_STATUSES } from '../store/types';
import type { RunStatus } from './runPresentation';
import { STATUS_ICONS } from './runPresentation';

const base: RunRow = {
  id: 'a'.repeat(32), experimentId: 1, experiment: 'iris', name: 'brave-otter-1', status: 'finished', parentId: null,
  configPath: '/w/iris.train.yaml', configJson: null, gitCommit: null, gitDirty: null, createdAt: 0, startedAt: 1_000,
  endedAt: 61_000, heartbeatAt: null, pid: null, host: null, starred: true, note: null, error: null, runlensVersion: null,
  params: { model: 'decision_tree' }, metrics: { train_accuracy: 1, test_accuracy: 0.9333333, test_f1_macro: 0.93 }, tags: {},
};

test('key metric prefers the configured key, then test accuracy / r2', () => {
  assert.equal(pickKeyMetric(base.metrics), 'test_accuracy');
  assert.equal(pickKeyMetric(base.metrics, 'test_f1_macro'), 'test_f1_macro');
  assert.equal(pickKeyMetric({ train_loss: 1, test_r2: 0.5, test_mse: 3 }), 'test_r2');
  assert.equal(pickKeyMetric({}), undefined);
});

test('a system metric is never the key metric unless asked for: a run with only those shows its age', () => {
  assert.equal(pickKeyMetric({ 'system/cpu_utilization_percentage': 40, 'system/peak_memory_megabytes': 300, loss: 0.2 }), 'loss');
  assert.equal(pickKeyMetric({ 'system/peak_memory_megabytes': 300 }), undefined);
  assert.equal(pickKeyMetric({ 'system/peak_memory_megabytes': 300 }, 'system/peak_memory_megabytes'), 'system/peak_memory_megabytes');
});

test('description shows the key metric and the age, or the live elapsed time', () => {
  assert.equal(runDescription(base, 1_000 + 5 * 60_000), 'accuracy 0.9333 · 5m ago');
  assert.equal(runDescription({ ...base, status: 'running', metrics: {} }, 1_000 + 75_000), 'running 1m 15s');
});

test('tooltips escape run names and errors that came from data', () => {
  const t = runTooltip({ ...base, name: '<img src=x onerror=alert(1)>', error: '*boom*' }, 100_000);
  assert.doesNotMatch(t, /(^|[^\\])<img/, 'no unescaped tag');
  assert.ok(t.includes('\\<img src=x onerror=alert\\(1\\)\\>'));
  assert.ok(t.includes('\\*boom\\*'));
  assert.equal(escapeMarkdown('a_b'), 'a\\_b');
});

test('metric leaf carries min, max and count for the hover', () => {
  const summary: MetricSummary = { key: 'train_loss', latest: 0.25, latestStep: 9, latestTimestamp: 0, min: 0.25, max: 0.9, count: 10 };
  const m = metricLabel(summary);
  assert.equal(m.description, '0.2500');
  assert.match(m.tooltip, /min 0\.2500 · max 0\.9000\n10 points/);
});

test('context value lists status, star and config for when-clauses', () => {
  assert.equal(runContextValue(base), 'run finished starred hasConfig');
  assert.equal(runContextValue({ ...base, starred: false, configPath: null, status: 'running' }), 'run running');
  assert.equal(relativeTime(0, 10), '');
});

test("the page-safe RunStatus is the store's: every store status has an icon", () => {
  // Compiles only while the store's statuses are all this file's; runs only while every one has an icon.
  const statuses: readonly RunStatus[] = RUN_STATUSES;
  for (const status of statuses) assert.ok(STATUS_ICONS[status].icon, status);
  assert.deepEqual(Object.keys(STATUS_ICONS).sort(), [...RUN_STATUSES].sort());
});
