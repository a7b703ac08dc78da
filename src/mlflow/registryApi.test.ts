/**
 * The model registry over runlens server, with the real MLflow 2.12 client:
 * `log_model(registered_model_name=...)` (which crashed the script before)
 * records an MLflow model version RunLens lists and refuses to serve with
 * the reason; a version whose folder holds a RunLens package is one RunLens
 * serves.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { resolveModel } from '../deploy/registry/resolveModel';
import { trainFixture } from '../deploy/serve/servingFixtures';
import { tempDir } from '../store/testing/tempStore';
import { runMlflowPython } from '../tracking/testing/realMlflow';
import { serveStore } from './testing/trackingServerFixture';

const SCRIPT = `
import sys, json, mlflow
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier
package = sys.argv[1]
mlflow.set_experiment("registry")
X, y = load_iris(return_X_y=True)
with mlflow.start_run() as run:
    info = mlflow.sklearn.log_model(DecisionTreeClassifier(max_depth=2).fit(X, y), "model", registered_model_name="iris-sk")
with mlflow.start_run() as rl:
    mlflow.log_artifact(package, artifact_path="model")
v = mlflow.register_model(f"runs:/{rl.info.run_id}/model", "iris-rl")
client = mlflow.MlflowClient()
mv = client.get_model_version("iris-sk", "1")
print(json.dumps({"sk_run": run.info.run_id, "sk_source": mv.source, "sk_status": mv.status, "rl_run": rl.info.run_id, "rl_version": v.version}))
`;

test('log_model(registered_model_name=...) and register_model work over runlens server; what was registered is said clearly', async (t) => {
  const { store, url } = await serveStore(t, { realClock: true });
  const pkgFile = path.join(tempDir(t), 'model.json');
  fs.writeFileSync(pkgFile, JSON.stringify((await trainFixture('iris')).pkg));
  const r = await runMlflowPython(SCRIPT, { env: { MLFLOW_TRACKING_URI: url }, args: [pkgFile] });
  assert.equal(r.code, 0, r.stderr.slice(-3000));
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { sk_run: string; sk_source: string; sk_status: string; rl_run: string; rl_version: string };
  assert.equal(out.sk_status, 'READY');

  const sk = store.registry.getModelVersion('iris-sk', 1);
  assert.deepEqual([sk.packageFormat, sk.source, sk.runId, sk.experiment], ['mlflow', out.sk_source, out.sk_run, 'registry']);
  assert.match(out.sk_source, new RegExp(`^mlflow-artifacts:/\\d+/${out.sk_run}/artifacts/model$`));
  const mlmodel = store.listArtifacts(out.sk_run).find((a) => a.path === 'model/MLmodel')!;
  assert.equal(sk.packageSha256, mlmodel.sha256, 'the version keeps the MLmodel file alive');
  assert.throws(() => resolveModel(store, 'iris-sk:1'), (e: unknown) =>
    e instanceof Error && e.message.startsWith(`iris-sk v1 is an MLflow model registered by an MLflow client from ${out.sk_source}, not a RunLens model package`));

  const rl = store.registry.getModelVersion('iris-rl', Number(out.rl_version));
  assert.equal(rl.packageFormat, 'runlens', 'a folder holding a RunLens model.json is a RunLens package');
  assert.equal(resolveModel(store, 'iris-rl').pkg.task, 'classification');
});
