import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickKeyMetric, runDescription, runTooltip, escapeMarkdown, metricLabel, runContextValue, relativeTime } from './runPresentation';
import type { RunRow } from '../store/types';

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
  const m = metricLabel({ key: 'train_loss', latest: 0.25, latestStep: 9, latestTimestamp: 0, min: 0.25, max: 0.9, count: 10 });
  assert.equal(m.description, '0.2500');
  assert.match(m.tooltip, /min 0\.2500 · max 0\.9000\n10 points/);
});

test('context value lists status, star and config for when-clauses', () => {
  assert.equal(runContextValue(base), 'run finished starred hasConfig');
  assert.equal(runContextValue({ ...base, starred: false, configPath: null, status: 'running' }), 'run running');
  assert.equal(relativeTime(0, 10), '');
});
