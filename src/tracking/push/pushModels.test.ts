/**
 * `runlens push --model` into a real MLflow model registry: the four built-in
 * model types, registered and aliased in RunLens, pushed through the real
 * CLI, then loaded by MLflow's own `mlflow.pyfunc.load_model("models:/name@alias")`
 * predict exactly what `runlens serve` predicts on the example data.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadModelForServing } from '../../deploy/serve/servingModel';
import type { TrainingWorkspace } from '../pyfunc/pyfuncTestModels';
import { trainingWorkspace } from '../pyfunc/pyfuncTestModels';
import type { MlflowServer } from '../testing/realMlflow';
import { runMlflowPython, startMlflowServer } from '../testing/realMlflow';
import { runCli } from '../../../test/fixtures/workspace';

const MODELS = [
  { config: 'iris.train.yaml', csv: 'data/iris.csv', name: 'iris' },
  { config: 'wine.train.yaml', csv: 'data/wine.csv', name: 'wine' },
  { config: 'diabetes.train.yaml', csv: 'data/diabetes.csv', name: 'diabetes' },
  { config: 'wine-mlp.train.yaml', csv: 'data/wine.csv', name: 'wine-mlp' },
] as const;

describe('runlens push --model into MLflow\'s registry', () => {
  let ws: TrainingWorkspace;
  let server: MlflowServer;
  const expected = new Map<string, unknown[]>();

  before(async () => {
    server = await startMlflowServer();
    ws = trainingWorkspace();
    for (const m of MODELS) {
      const trained = ws.train(m.config, m.csv);
      const reg = runCli(ws.dir, ['model', 'register', trained.runId, m.name, '--alias', 'production']);
      assert.equal(reg.code, 0, reg.stderr);
      const rows = parse(readFileSync(join(ws.dir, m.csv)), { columns: true, cast: true }) as Record<string, unknown>[];
      const serving = loadModelForServing(trained.pkg);
      const inputs = rows.map((row) => Object.fromEntries(serving.info.inputColumns.map((c) => [c, row[c]])));
      expected.set(m.name, serving.predict(inputs));
    }
  });
  after(async () => {
    await server?.dispose();
    ws?.cleanup();
  });

  test('each version lands in the registry with its alias and predicts there as runlens serve does', async () => {
    const r = runCli(ws.dir, ['push', ...MODELS.flatMap((m) => ['--model', `${m.name}@production`]), '--to', server.uri]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /registry: 4 versions created, 4 aliases set \(iris:1 → iris:1, wine:1 → wine:1, diabetes:1 → diabetes:1, wine-mlp:1 → wine-mlp:1\)/);
    for (const m of MODELS) {
      const py = await runMlflowPython(`
import json, sys, mlflow, pandas as pd
mlflow.set_tracking_uri(sys.argv[1])
model = mlflow.pyfunc.load_model(f"models:/{sys.argv[2]}@production")
df = pd.read_csv(sys.argv[3])
num = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
df[num] = df[num].astype(float)
out = model.predict(df)
print(json.dumps([v.item() if hasattr(v, "item") else v for v in list(out)]))
`, { args: [server.uri, m.name, join(ws.dir, m.csv)] });
      assert.equal(py.code, 0, py.stderr);
      const got = JSON.parse(py.stdout) as unknown[];
      const want = expected.get(m.name)!;
      assert.equal(got.length, want.length);
      if (typeof want[0] === 'number' && m.name === 'diabetes') {
        got.forEach((g, i) => assert.ok(Math.abs((g as number) - (want[i] as number)) <= 1e-9 * Math.max(1, Math.abs(want[i] as number)), `${m.name} row ${i}`));
      } else {
        assert.deepEqual(got.map(String), want.map(String), `${m.name}: the same labels`);
      }
    }
  });

  test('a second push creates nothing; a moved alias follows', async () => {
    const again = runCli(ws.dir, ['push', '--model', 'iris', '--to', server.uri, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const s = JSON.parse(again.stdout) as { versionsCreated: number; runs: { points: number; artifacts: number } };
    assert.equal(s.versionsCreated, 0);
    assert.equal(s.runs.points + s.runs.artifacts, 0, 'the run and its MLflow model files are already there');
  });
});
