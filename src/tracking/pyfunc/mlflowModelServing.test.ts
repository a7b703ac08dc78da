/**
 * An exported model through MLflow's own ways of using it: logged to a real
 * MLflow tracking server and loaded as `runs:/<id>/model` and
 * `models:/<name>@<alias>`, and served by `mlflow models serve`; each answers
 * what RunLens's `loadModelForServing` (what `runlens serve` runs) answers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadModelForServing } from '../../deploy/serve/servingModel';
import type { MlflowServer } from '../testing/realMlflow';
import { runMlflowPython, startMlflowServer } from '../testing/realMlflow';
import { mlflowModelFiles } from './mlflowModel';
import type { MlflowModelServer } from './mlflowModelServer';
import { startMlflowModelServer } from './mlflowModelServer';
import type { TrainedModel, TrainingWorkspace } from './pyfuncTestModels';
import { trainingWorkspace } from './pyfuncTestModels';
import { writeMlflowModel } from './writeMlflowModel';

/** The rows of a plain CSV (no quoting) as records: numbers where the text is one. */
function csvRecords(file: string, drop: string): Record<string, unknown>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i]!]).filter(([n]) => n !== drop).map(([n, v]) => [n, Number.isNaN(Number(v)) ? v : Number(v)]));
  });
}

const LOG_AND_LOAD = `
import json, sys
import mlflow, pandas as pd
from mlflow import MlflowClient
uri, run_id, model_dir, csv = sys.argv[1:5]
mlflow.set_tracking_uri(uri)
client = MlflowClient()
client.log_artifacts(run_id, model_dir, "model")
client.set_terminated(run_id)
version = mlflow.register_model(f"runs:/{run_id}/model", "iris-runlens")
client.set_registered_model_alias("iris-runlens", "champion", version.version)
df = pd.read_csv(csv, float_precision="round_trip")
by_run = mlflow.pyfunc.load_model(f"runs:/{run_id}/model")
by_alias = mlflow.pyfunc.load_model("models:/iris-runlens@champion")
print(json.dumps({
    "run": by_run.predict(df).tolist(),
    "alias": by_alias.predict(df).tolist(),
    "run_id": by_alias.metadata.run_id,
    "source": client.get_model_version("iris-runlens", version.version).source,
}))
`;

describe('an exported model used the MLflow ways', () => {
  let ws: TrainingWorkspace;
  let out: string;
  let iris: TrainedModel;
  let diabetes: TrainedModel;

  before(() => {
    ws = trainingWorkspace();
    out = mkdtempSync(join(tmpdir(), 'runlens-pyfunc-'));
    iris = ws.train('iris.train.yaml', 'data/iris.csv');
    diabetes = ws.train('diabetes.train.yaml', 'data/diabetes.csv');
  });
  after(() => {
    ws?.cleanup();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test('logged to a tracking server: runs:/<id>/model and models:/<name>@<alias>', async (t) => {
    const server: MlflowServer = await startMlflowServer();
    t.after(() => server.dispose());
    const created = await runMlflowPython(`
import sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
print(mlflow.MlflowClient().create_run(mlflow.create_experiment("pushed")).info.run_id)
`, { args: [server.uri] });
    assert.equal(created.code, 0, created.stderr);
    const runId = created.stdout.trim().split('\n').pop()!;
    const dir = writeMlflowModel(join(out, 'logged'), mlflowModelFiles(iris.pkg, { packageJson: iris.packageJson, mlflowRunId: runId, artifactPath: 'model' }));
    const r = await runMlflowPython(LOG_AND_LOAD, { args: [server.uri, runId, dir, iris.csv] });
    assert.equal(r.code, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as { run: unknown[]; alias: unknown[]; run_id: string; source: string };
    const expected = loadModelForServing(iris.pkg).predict(csvRecords(iris.csv, 'species'));
    assert.equal(expected.length, 150);
    assert.deepEqual(got.run, expected);
    assert.deepEqual(got.alias, expected);
    assert.equal(got.run_id, runId);
    assert.match(got.source, new RegExp(`${runId}/artifacts/model$`));
  });

  for (const which of ['iris', 'diabetes'] as const) {
    test(`mlflow models serve answers what runlens serve answers (${which})`, async (t) => {
      const m = which === 'iris' ? iris : diabetes;
      const target = m.pkg.target;
      const dir = writeMlflowModel(join(out, `served-${which}`), mlflowModelFiles(m.pkg, { packageJson: m.packageJson }));
      const server: MlflowModelServer = await startMlflowModelServer(dir);
      t.after(() => server.stop());
      const records = csvRecords(m.csv, target);
      const invoke = (body: unknown): Promise<Response> =>
        fetch(`${server.uri}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

      const res = await invoke({ dataframe_records: records });
      assert.equal(res.status, 200, server.log().slice(-2000));
      const { predictions } = await res.json() as { predictions: unknown[] };
      const expected = loadModelForServing(m.pkg).predict(records);
      if (m.pkg.task === 'classification') {
        assert.deepEqual(predictions, expected);
      } else {
        assert.equal(predictions.length, expected.length);
        // JSON carries the doubles both ways: the same numbers, not merely close ones.
        predictions.forEach((p, i) => assert.equal(p, expected[i], `row ${i + 1}`));
      }

      const lacking = { ...records[0] };
      delete lacking[m.pkg.inputColumns[0]!];
      const bad = await invoke({ dataframe_records: [lacking] });
      assert.equal(bad.status, 400);
      const error = await bad.json() as { error_code: string; message: string };
      assert.equal(error.error_code, 'INVALID_PARAMETER_VALUE');
      assert.match(error.message, new RegExp(`Model is missing inputs \\['${m.pkg.inputColumns[0]}'\\]`));
    });
  }
});
