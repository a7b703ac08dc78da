import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMlflowModelVersion, mlflowModelNote } from './modelVersionKind';

test('an MLflow-registered version says what it is and how to serve it; a RunLens package has no note', () => {
  const v = { name: 'iris', version: 2, packageFormat: 'mlflow' as const, source: 'mlflow-artifacts:/1/abc/artifacts/model' };
  assert.equal(isMlflowModelVersion(v), true);
  assert.equal(
    mlflowModelNote(v),
    'iris v2 is an MLflow model registered by an MLflow client from mlflow-artifacts:/1/abc/artifacts/model, not a RunLens model package: '
      + 'RunLens lists it, but runlens serve and runlens build need a RunLens package (serve it with `mlflow models serve -m models:/iris/2` against runlens server)',
  );
  assert.equal(mlflowModelNote({ ...v, packageFormat: 'runlens' }), undefined);
  assert.equal(mlflowModelNote({ name: 'x', version: 1 } as never), undefined, 'versions from before schema 5 are RunLens packages');
});
