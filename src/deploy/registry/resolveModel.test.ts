import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { StoreError } from '../../store/errors';
import { trainedRun } from '../../store/testing/registryRuns';
import { tempStore } from '../../store/testing/tempStore';
import { loadModelForServing } from '../serve/servingModel';
import { resolveModel } from './resolveModel';

const storeError = (re: RegExp) => (e: unknown) => e instanceof StoreError && re.test(e.message);

test('every reference form resolves to the right version, package and lineage', async (t) => {
  const { store } = tempStore(t);
  const a = await trainedRun(store, { name: 'run-a' });
  const b = await trainedRun(store, { name: 'run-b' });
  store.registry.registerModel(a.id, 'churn', { alias: 'production' });
  store.registry.registerModel(b.id, 'churn');
  const cases: [string, number | null, string][] = [
    ['churn@production', 1, a.id],
    ['churn:1', 1, a.id],
    ['churn:v2', 2, b.id],
    ['churn', 2, b.id],
    ['churn@latest', 2, b.id],
    [`run:${a.id}`, null, a.id],
    [a.id.slice(0, 8), null, a.id],
    ['run-b', null, b.id],
  ];
  for (const [text, version, runId] of cases) {
    const r = resolveModel(store, text);
    assert.equal(r.version, version, text);
    assert.equal(r.runId, runId, text);
    assert.equal(r.name, version === null ? null : 'churn', text);
    assert.equal(r.pkg.runId, runId, `${text}: the package is the run's own`);
    assert.equal(JSON.parse(fs.readFileSync(r.packagePath, 'utf8')).runId, runId);
    assert.equal(r.gitCommit, '0123456789abcdef0123456789abcdef01234567');
    assert.equal(r.gitDirty, true);
    assert.equal(r.configPath, 'iris.train.yaml');
    assert.deepEqual(r.datasets, [{ role: 'train', fingerprint: 'f'.repeat(64), path: 'data/iris.csv' }]);
  }
  assert.equal(resolveModel(store, 'churn@production').label, 'churn v1');
  assert.equal(resolveModel(store, 'run-b').label, 'run run-b');
  // The resolved package really predicts.
  const served = loadModelForServing(resolveModel(store, 'churn').pkg);
  assert.equal(served.info.task, 'classification');
});

test('a model name wins over a run of the same name', async (t) => {
  const { store } = tempStore(t);
  const a = await trainedRun(store, { name: 'churn' });
  const b = await trainedRun(store, { name: 'other' });
  store.registry.registerModel(b.id, 'churn');
  assert.equal(resolveModel(store, 'churn').runId, b.id);
  assert.equal(resolveModel(store, `run:${a.id}`).runId, a.id);
});

test('a registered version still resolves after its run was deleted', async (t) => {
  const { store } = tempStore(t);
  const run = await trainedRun(store, { name: 'gone' });
  store.registry.registerModel(run.id, 'churn', { alias: 'production' });
  store.deleteRun(run.id);
  store.gc();
  const r = resolveModel(store, 'churn@production');
  assert.equal(r.runId, run.id);
  assert.equal(r.runName, 'gone');
  assert.equal(r.datasets.length, 1);
  assert.throws(() => resolveModel(store, `run:${run.id}`), storeError(/no run matches/));
});

test('unknown models, versions, aliases and runs name what exists', async (t) => {
  const { store } = tempStore(t);
  const run = await trainedRun(store);
  const noModel = await trainedRun(store, { name: 'no-package', withPackage: false });
  store.registry.registerModel(run.id, 'churn', { alias: 'staging' });
  assert.throws(() => resolveModel(store, 'churn:7'), storeError(/churn has no version 7 \(versions: 1\)/));
  assert.throws(() => resolveModel(store, 'churn@production'), storeError(/churn has no alias "production" \(aliases: staging → 1\)/));
  assert.throws(() => resolveModel(store, 'nope@production'), storeError(/no model named "nope" \(models: churn\)/));
  assert.throws(() => resolveModel(store, 'nothing'), storeError(/no model or run named "nothing" \(models: churn; or give a run id/));
  assert.throws(() => resolveModel(store, 'no-package'), storeError(new RegExp(`run ${noModel.name} has no model package`)));
  assert.throws(() => resolveModel(store, 'churn:abc'), /invalid model reference "churn:abc"/);
  // A package blob lost from disk is named, not a stack trace.
  fs.rmSync(store.artifactPath(store.registry.getModelVersion('churn', 1).packageSha256));
  assert.throws(() => resolveModel(store, 'churn:1'), storeError(/the model package of churn v1 is missing from the store \(.*ENOENT\)/));
});
