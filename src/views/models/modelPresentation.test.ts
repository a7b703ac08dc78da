import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeploymentRecord, MetricSummary, ModelBuildRecord, ModelVersionRecord } from '../../store/types';
import { buildDescription, deploymentDescription, deploymentLabel, keyMetricText, versionContextValue, versionDescription, versionTooltip } from './modelPresentation';

const NOW = 1_700_000_000_000;
const version: ModelVersionRecord = {
  name: 'churn', version: 3, runId: '0123456789abcdef', description: 'the *best* one', tags: {}, createdAt: NOW - 5 * 60_000,
  aliases: ['production', 'staging'], packageSha256: 'f'.repeat(64), runName: 'brave_otter', experiment: 'churn',
  configPath: 'configs/churn.train.yaml', gitCommit: 'abcdef0123456789', gitDirty: true,
  datasets: [{ role: 'train', fingerprint: '1'.repeat(64), path: 'data/churn.csv' }], runExists: true,
};
const metric = (key: string, latest: number) => ({ key, latest }) as MetricSummary;

test('a version shows its alias badges, the key metric and its age', () => {
  assert.equal(keyMetricText([metric('train_loss', 0.1), metric('test_accuracy', 0.96667)]), 'test_accuracy 0.9667');
  assert.equal(keyMetricText([metric('test_accuracy', 0.9), metric('test_f1', 0.8)], 'test_f1'), 'test_f1 0.8000');
  assert.equal(keyMetricText([]), '');
  assert.equal(versionDescription(version, 'test_accuracy 0.9667', NOW), '@production @staging · test_accuracy 0.9667 · 5m ago');
  assert.equal(versionDescription({ ...version, aliases: [] }, '', NOW), '5m ago');
});

test('the tooltip gives the lineage with every value Markdown-escaped', () => {
  const tip = versionTooltip(version, 'test_accuracy 0.9667');
  assert.match(tip, /- run: brave\\_otter \(01234567\)/);
  assert.match(tip, /- config: configs\/churn\\\.train\\\.yaml/);
  assert.match(tip, /- git: abcdef012345 \(uncommitted changes\)/);
  assert.match(tip, /- train data: data\/churn\\\.csv \(111111111111\)/);
  assert.match(tip, /the \\\*best\\\* one/);
  assert.match(versionTooltip({ ...version, runExists: false }, ''), /\(deleted; the package is kept\)/);
});

test('context values carry the words the menus match on', () => {
  assert.equal(versionContextValue(version, false, false), 'modelVersion hasAlias hasRun notServing');
  assert.equal(versionContextValue({ ...version, aliases: [], runExists: false }, true, true), 'modelVersion serving ownServer');
  // a version with a built image offers Serve Image Locally
  assert.equal(versionContextValue(version, false, false, true), 'modelVersion hasAlias hasRun hasImage notServing');
});

test('builds and deployments', () => {
  const build = { id: 1, status: 'succeeded', imageId: 'sha256:0123456789abcdef', durationMs: 12_400, startedAt: NOW - 3_600_000 } as ModelBuildRecord;
  assert.equal(buildDescription(build, NOW), '0123456789ab · 12s · 1h ago');
  assert.equal(buildDescription({ ...build, status: 'running', imageId: null, durationMs: null }, NOW), 'running · 1h ago');
  const d = { kind: 'local', url: 'http://127.0.0.1:8080', pid: 42, startedAt: NOW - 120_000, stoppedAt: null } as DeploymentRecord;
  assert.equal(deploymentDescription(d, NOW), 'running · pid 42 · 2m ago');
  assert.equal(deploymentDescription({ ...d, stoppedAt: NOW - 10_000 }, NOW), 'stopped · just now');
  // a container deployment names its image's tag (the recorded `tag@id` is too long for the row)
  const c = { ...d, kind: 'container', image: `runlens/churn:3@sha256:${'a'.repeat(64)}` } as DeploymentRecord;
  assert.equal(deploymentDescription(c, NOW), 'running · image runlens/churn:3 · 2m ago');
  assert.equal(deploymentLabel(c), 'http://127.0.0.1:8080');
});
