import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir, tempStore } from '../store/testing/tempStore';
import { importMlflow, openMlflowSource } from './importer';
import { CHILD_ID, DELETED_ID, MNIST_RUN_ID, PARENT_ID, T0, writeFileStoreFixture, writeSqliteFixture } from './testing/mlflowFixtures';

function importPath(store: Parameters<typeof importMlflow>[0], p: string, includeDeleted = false) {
  const source = openMlflowSource(p);
  try {
    return importMlflow(store, source, { includeDeleted });
  } finally {
    source.close();
  }
}

test('imports an MLflow file store: experiments, runs, params, tags, metrics with steps and timestamps, artifacts, parents', (t) => {
  const { store } = tempStore(t);
  const mlruns = path.join(tempDir(t), 'mlruns');
  writeFileStoreFixture(mlruns);

  const summary = importPath(store, mlruns);
  assert.deepEqual({ imported: summary.imported, skipped: summary.skipped, deleted: summary.deletedSkipped, experiments: summary.experiments }, { imported: 3, skipped: 0, deleted: 1, experiments: 2 });
  assert.equal(summary.artifacts, 3);
  assert.deepEqual(store.listExperiments().map((e) => [e.name, e.runCount]), [['iris', 2], ['mnist', 1]]);

  const parent = store.getRun(PARENT_ID);
  assert.equal(parent.id, PARENT_ID, 'the MLflow run id is kept as the RunLens id');
  assert.equal(parent.name, 'sweep-parent');
  assert.equal(parent.status, 'finished');
  assert.equal(parent.startedAt, T0);
  assert.equal(parent.endedAt, T0 + 60_000);
  assert.equal(parent.gitCommit, 'abc123');
  assert.deepEqual(store.getParams(PARENT_ID), { lr: '0.01', max_depth: '4' });
  const tags = store.getTags(PARENT_ID);
  assert.equal(tags['mlflow.runId'], PARENT_ID);
  assert.equal(tags['mlflow.user'], 'alice');
  assert.equal(tags['mlflow.source.name'], 'train.py');
  assert.equal(tags.team, 'vision');
  const loss = store.getMetricHistory(PARENT_ID, 'loss');
  assert.deepEqual([...loss.steps], [0, 1, 2]);
  assert.deepEqual([...loss.values], [0.9, 0.5, 0.25]);
  assert.deepEqual([...loss.timestamps], [T0 + 1, T0 + 2, T0 + 3]);
  const artifacts = store.listArtifacts(PARENT_ID).map((a) => [a.path, fs.readFileSync(store.artifactPath(a.sha256), 'utf8')]);
  assert.deepEqual(artifacts, [['model/model.pkl', 'pickled-bytes'], ['notes.txt', 'hello from mlflow\n']]);

  const child = store.getRun(CHILD_ID);
  assert.equal(child.name, 'trial-1', 'name from the mlflow.runName tag when meta has no run_name');
  assert.equal(child.status, 'failed');
  assert.equal(child.parentId, PARENT_ID, 'mlflow.parentRunId links the child even though it was read first');
  const old = store.getMetricHistory(CHILD_ID, 'old_metric');
  assert.deepEqual([...old.steps], [0, 0], 'two-field lines are step 0');
  assert.equal(old.values[0], 1.5);
  assert.ok(Number.isNaN(old.values[1]));
  const val = store.getMetricHistory(CHILD_ID, 'val/loss');
  assert.deepEqual([...val.steps], [5, 6], 'a key with "/" is read from nested folders');
  assert.equal(val.values[1], Infinity);

  const mnist = store.getRun(MNIST_RUN_ID);
  assert.equal(mnist.status, 'killed');
  assert.deepEqual(store.listArtifacts(MNIST_RUN_ID).map((a) => a.path), ['plot.txt'], 'stale artifact_uri falls back to the run folder');
  assert.equal(store.findRun(DELETED_ID), undefined, 'deleted runs are skipped');
});

test('importing twice adds nothing; --include-deleted adds the deleted run only', (t) => {
  const { store } = tempStore(t);
  const mlruns = path.join(tempDir(t), 'mlruns');
  writeFileStoreFixture(mlruns);
  importPath(store, mlruns);
  const before = store.countRuns();
  const again = importPath(store, mlruns);
  assert.deepEqual([again.imported, again.skipped, again.deletedSkipped], [0, 3, 1]);
  assert.equal(store.countRuns(), before);
  assert.equal(store.getMetricHistory(PARENT_ID, 'loss').values.length, 3, 'no duplicated points');

  const withDeleted = importPath(store, mlruns, true);
  assert.deepEqual([withDeleted.imported, withDeleted.skipped], [1, 3]);
  assert.deepEqual(store.getParams(DELETED_ID), { lr: '5' });
});

test('the parent found later in another import still links (and a missing parent is a warning)', (t) => {
  const { store } = tempStore(t);
  const mlruns = path.join(tempDir(t), 'mlruns');
  writeFileStoreFixture(mlruns);
  fs.rmSync(path.join(mlruns, '1', PARENT_ID), { recursive: true });
  const first = importPath(store, mlruns);
  assert.equal(store.getRun(CHILD_ID).parentId, null);
  assert.match(first.warnings.join('\n'), new RegExp(`parent ${PARENT_ID} was not imported`));
});

test('imports an MLflow SQLite tracking database', (t) => {
  const { store } = tempStore(t);
  const dir = tempDir(t);
  const db = path.join(dir, 'mlflow.db');
  writeSqliteFixture(db, path.join(dir, 'mlartifacts'));

  const summary = importPath(store, db);
  assert.deepEqual([summary.imported, summary.deletedSkipped, summary.artifacts], [2, 1, 1]);
  const parent = store.getRun(PARENT_ID);
  assert.equal(parent.experiment, 'churn');
  assert.equal(parent.name, 'gbm-parent');
  assert.equal(parent.status, 'finished');
  assert.deepEqual([parent.startedAt, parent.endedAt], [T0, T0 + 5000]);
  assert.deepEqual(store.getParams(PARENT_ID), { n_estimators: '200' });
  assert.deepEqual([...store.getMetricHistory(PARENT_ID, 'auc').values], [0.81, 0.86]);
  const [artifact] = store.listArtifacts(PARENT_ID);
  assert.equal(fs.readFileSync(store.artifactPath(artifact!.sha256), 'utf8'), '{"age": 0.4}');
  const child = store.getRun(CHILD_ID);
  assert.equal(child.status, 'killed');
  assert.equal(child.parentId, PARENT_ID);
  const loss = store.getMetricHistory(CHILD_ID, 'loss');
  assert.ok(Number.isNaN(loss.values[0]), 'is_nan rows come back as NaN');
  assert.equal(loss.values[1], 0.4);
  assert.equal(importPath(store, db).skipped, 2, 'idempotent');
});

test('clear one-line errors: not a store, malformed meta.yaml (file:line:col), bad metric line (file:line)', (t) => {
  const { store } = tempStore(t);
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
  assert.throws(() => openMlflowSource(dir), /is not an MLflow file store: expected experiment folders holding meta.yaml/);
  assert.throws(() => openMlflowSource(path.join(dir, 'notes.txt')), /not an MLflow store: expected an mlruns folder or an MLflow SQLite database/);
  assert.throws(() => openMlflowSource(path.join(dir, 'missing')), /does not exist/);

  const mlruns = path.join(dir, 'mlruns');
  writeFileStoreFixture(mlruns);
  const badMetric = path.join(mlruns, '1', PARENT_ID, 'metrics', 'loss');
  fs.writeFileSync(badMetric, `${T0} 0.5 0\n${T0} zero 1\n`);
  assert.throws(() => importPath(store, mlruns), (e: Error) => e.message.startsWith(`${badMetric}:2: unreadable metric line`) && /value "zero" is not a number/.test(e.message));
  fs.writeFileSync(badMetric, `${T0} 0.5 0 9\n`);
  assert.throws(() => importPath(store, mlruns), /loss:1: .*got 4 fields/);
  fs.writeFileSync(badMetric, `${T0} 0.5 0\n`);

  const meta = path.join(mlruns, '2', 'meta.yaml');
  fs.writeFileSync(meta, 'experiment_id: "2"\nname: [unclosed\n');
  assert.throws(() => importPath(store, mlruns), (e: Error) => e.message.startsWith(`${meta}:`) && /^[^:]+:\d+:\d+: malformed meta.yaml/.test(e.message) && !e.message.includes('\n'));
});
