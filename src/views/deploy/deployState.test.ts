import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VersionChoice } from '../../protocol/deploy';
import { appendCapped, matchChoice, monitorViewOf, versionChoices, versionOfRef } from './deployState';
import { trainedRun } from '../../store/testing/registryRuns';
import { tempStore } from '../../store/testing/tempStore';
import type { MonitorReport } from '../../deploy/monitor/monitorSample';

const choice = (name: string, version: number, aliases: string[] = []): VersionChoice => ({
  ref: `${name}:${version}`, name, version, aliases, runName: 'r', defaultTag: `runlens/${name}:${version}`, servingUrl: null, servingImage: null, builtImage: null,
});
const choices = [choice('churn', 3, ['production']), choice('churn', 2, ['staging']), choice('iris', 1)];

test('matchChoice: exact refs, aliases, v-prefixed versions, a bare name is its newest version', () => {
  assert.equal(matchChoice(choices, 'churn:2'), 'churn:2');
  assert.equal(matchChoice(choices, 'churn@staging'), 'churn:2');
  assert.equal(matchChoice(choices, 'churn:v3'), 'churn:3');
  assert.equal(matchChoice(choices, 'churn'), 'churn:3');
  assert.equal(matchChoice(choices, 'churn@nope'), null);
  assert.equal(matchChoice(choices, 'other'), null);
  assert.equal(matchChoice(choices, null), null);
});

test('appendCapped keeps the newest lines', () => {
  const lines = ['a', 'b'];
  appendCapped(lines, ['c', 'd', 'e'], 3);
  assert.deepEqual(lines, ['c', 'd', 'e']);
});

test('monitorViewOf sorts features by verdict, then PSI; missing PSI last', () => {
  const psi = (value: number, verdict: 'none' | 'moderate' | 'large') => ({ value, verdict });
  const report = {
    url: 'http://127.0.0.1:1', at: 5,
    figures: { seconds: 3, requests: 6, requestsPerSecond: 2, errorRate: 0, latencyMs: { p50: 1, p95: 2, p99: 3 }, totalRequests: 9, totalErrors: 0, uptimeSeconds: 10, model: null },
    baseline: { label: 'x', runId: 'r', dataset: 'd.csv' },
    drift: { rows: 9, verdict: 'large', warnings: [], requestLog: 'l', requests: 3, from: 1, to: 2, features: [
      { feature: 'a', type: 'numeric', live: 9, missing: 0, psi: psi(0.05, 'none') },
      { feature: 'b', type: 'numeric', live: 9, missing: 0, psi: null, note: 'no live values yet' },
      { feature: 'c', type: 'numeric', live: 9, missing: 0, psi: psi(0.3, 'large') },
      { feature: 'd', type: 'numeric', live: 9, missing: 0, psi: psi(0.15, 'moderate') },
      { feature: 'e', type: 'numeric', live: 9, missing: 0, psi: psi(0.9, 'large') },
    ] },
    warnings: ['c: large drift'],
  } as unknown as MonitorReport;
  const v = monitorViewOf('x:1', report, true);
  assert.deepEqual(v.drift?.features.map((f) => f.feature), ['e', 'c', 'd', 'a', 'b']);
  assert.equal(v.drift?.features[4]?.note, 'no live values yet');
  assert.deepEqual([v.p50, v.p95, v.p99, v.requestsPerSecond, v.canRetrain], [1, 2, 3, 2, true]);
});

test('versionChoices, on a real store: the newest built image, and what serves a version (its image or local Node)', async (t) => {
  const { store } = tempStore(t);
  store.registry.registerModel((await trainedRun(store)).id, 'iris');
  store.registry.registerModel((await trainedRun(store)).id, 'iris');
  const build = (tag: string, status: 'succeeded' | 'failed') => {
    const b = store.registry.addModelBuild({ name: 'iris', version: 1, tag, cli: 'buildah', baseImage: 'node:20-bookworm-slim', contextDir: '/w/b' });
    store.registry.finishModelBuild(b.id, status === 'succeeded' ? { status, imageId: `sha256:${'1'.repeat(64)}` } : { status, error: 'step 1/9 failed' });
  };
  build('runlens/iris:1', 'succeeded');
  build('runlens/iris:broken', 'failed');
  store.registry.addDeployment({ name: 'iris', version: 1, kind: 'container', url: 'http://127.0.0.1:9001', image: `runlens/iris:1@sha256:${'1'.repeat(64)}` });
  store.registry.addDeployment({ name: 'iris', version: 2, kind: 'local', url: 'http://127.0.0.1:9002', pid: process.pid });
  const [v2, v1] = versionChoices(store);
  assert.deepEqual([v1!.ref, v1!.builtImage, v1!.servingUrl, v1!.servingImage], ['iris:1', 'runlens/iris:1', 'http://127.0.0.1:9001', 'runlens/iris:1']);
  assert.deepEqual([v2!.ref, v2!.builtImage, v2!.servingUrl, v2!.servingImage], ['iris:2', null, 'http://127.0.0.1:9002', null]);
});

test('versionOfRef reads NAME:VERSION and refuses an alias, a bare name or a run', () => {
  assert.deepEqual(versionOfRef('churn:3'), ['churn', 3]);
  assert.deepEqual(versionOfRef('my.model-2:12'), ['my.model-2', 12]);
  for (const bad of ['churn@production', 'churn', 'run:abc', 'churn:0', 'churn:x']) assert.throws(() => versionOfRef(bad), /churn|run:abc/, bad);
});
