import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRow } from '../../store/types';
import { runRowAccessibleLabel, runRowDescription, runRowIcon } from './runRowText';

const base: RunRow = {
  id: 'a'.repeat(32), experimentId: 1, experiment: 'iris', name: 'brave-otter-1', status: 'finished', parentId: null,
  configPath: '/w/iris.train.yaml', configJson: null, gitCommit: null, gitDirty: null, createdAt: 500, startedAt: 1_000,
  endedAt: 61_000, heartbeatAt: null, pid: null, host: null, starred: false, note: null, error: null, runlensVersion: null,
  params: { model: 'decision_tree' }, metrics: { train_accuracy: 1, test_accuracy: 0.9333333, test_f1_macro: 0.93 }, tags: {},
};
const minutes = (n: number) => 1_000 + n * 60_000;

test('the description fits the side bar: the key metric of an ended run, the age only without one, live runs their state', () => {
  assert.equal(runRowDescription(base, minutes(5)), 'accuracy 0.9333');
  assert.equal(runRowDescription(base, minutes(5), 'test_f1_macro'), 'f1_macro 0.9300', 'the configured key metric');
  assert.equal(runRowDescription({ ...base, status: 'failed', metrics: {} }, minutes(5)), '5m ago');
  assert.equal(runRowDescription({ ...base, status: 'running', endedAt: null, metrics: { test_accuracy: 0.5 } }, 1_000 + 75_000), 'running 1m 15s');
  assert.equal(runRowDescription({ ...base, status: 'queued', startedAt: null, endedAt: null, metrics: {} }, 500 + 2 * 3_600_000), '2h ago');
  // the widest description of a typical run is far shorter than the old "metric · age"
  assert.ok(runRowDescription({ ...base, metrics: { test_accuracy: 0.123456 } }, minutes(90)).length <= 'accuracy 0.1235'.length);
});

test('a starred run that ended shows a star in its status colour; a live run keeps its status icon', () => {
  assert.deepEqual(runRowIcon(base), { icon: 'pass', color: 'testing.iconPassed' });
  assert.deepEqual(runRowIcon({ ...base, starred: true }), { icon: 'star-full', color: 'testing.iconPassed' });
  assert.deepEqual(runRowIcon({ ...base, starred: true, status: 'failed' }), { icon: 'star-full', color: 'testing.iconFailed' });
  assert.deepEqual(runRowIcon({ ...base, starred: true, status: 'running' }), { icon: 'sync~spin', color: 'charts.blue' });
  assert.deepEqual(runRowIcon({ ...base, starred: true, status: 'queued' }), { icon: 'clock' });
  // ...and the star moves to its description until it ends
  assert.equal(runRowDescription({ ...base, starred: true, status: 'running', endedAt: null }, 1_000 + 75_000), '★ running 1m 15s');
  assert.equal(runRowDescription({ ...base, starred: true, status: 'queued', startedAt: null, endedAt: null, metrics: {} }, minutes(2)), '★ 2m ago');
  assert.equal(runRowDescription({ ...base, starred: false, status: 'queued', startedAt: null, endedAt: null, metrics: {} }, minutes(2)), '2m ago');
  assert.doesNotMatch(runRowDescription({ ...base, starred: true, metrics: { test_accuracy: 0.5 } }, 100_000), /★/, 'an ended run has the star icon');
});

test('the accessible label says starred, since the star is only an icon now', () => {
  assert.equal(runRowAccessibleLabel({ ...base, starred: true }, 'accuracy 0.9333'), 'brave-otter-1, starred, finished, accuracy 0.9333');
  assert.equal(runRowAccessibleLabel(base, 'accuracy 0.9333'), 'brave-otter-1, finished, accuracy 0.9333');
});
