import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mlflowDatasetFingerprint, roleOfContext } from './mlflowInputRepo';
import { tempStore } from './testing/tempStore';

const iris = {
  name: 'iris', digest: 'abc123', sourceType: 'code', source: '{"tags": {}}',
  schema: '{"mlflow_colspec": [{"type": "double", "name": "a"}, {"type": "long", "name": "y"}]}', profile: '{"num_rows": 150, "num_elements": 300}',
};

test('an MLflow dataset input becomes a dataset version and a run input (role from the context); MLflow fields and tags read back', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.mlflowInputs.log(run.id, [
    { dataset: iris, tags: { 'mlflow.data.context': 'training' } },
    { dataset: iris, tags: { 'mlflow.data.context': 'dropped: same name and digest' } },
  ]);
  // Logged again: the input keeps its first tags, as in MLflow.
  store.mlflowInputs.log(run.id, [{ dataset: iris, tags: { 'mlflow.data.context': 'eval' } }]);
  const fp = mlflowDatasetFingerprint('iris', 'abc123');
  assert.deepEqual(store.datasets.listInputs(run.id), [{ runId: run.id, fingerprint: fp, role: 'train', path: 'iris' }]);
  const d = store.datasets.getDataset(fp)!;
  assert.deepEqual([d.rows, d.columns, d.path], [150, 2, 'iris']);
  assert.deepEqual(store.mlflowInputs.inputsOf([run.id]).get(run.id), [{ runId: run.id, fingerprint: fp, dataset: iris, tags: { 'mlflow.data.context': 'training' } }]);
  assert.deepEqual(store.listRuns({ filter: "datasets.path = 'iris' and datasets.role = 'train'" }).map((r) => r.id), [run.id]);
});

test('contexts map onto train, test or eval', () => {
  assert.deepEqual(['training', 'Train', 'testing', 'test', 'eval', 'validation', undefined].map(roleOfContext), ['train', 'train', 'test', 'test', 'eval', 'eval', 'eval']);
});

test('gc keeps an MLflow dataset a run uses and drops it with the last run', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.mlflowInputs.log(run.id, [{ dataset: iris, tags: {} }]);
  store.gc();
  const fp = mlflowDatasetFingerprint('iris', 'abc123');
  assert.ok(store.datasets.getDataset(fp));
  store.deleteRun(run.id);
  store.gc();
  assert.equal(store.datasets.getDataset(fp), undefined);
  assert.equal(store.integrityCheck()[0], 'ok');
});
