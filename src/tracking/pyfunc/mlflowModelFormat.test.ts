/**
 * The exported folder as MLflow reads it (MLmodel, signature, environment
 * files), the input errors of the loader module against RunLens's own, and
 * its JavaScript number-to-text rule against JavaScript's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../../../test/fixtures/workspace';
import { loadModelForServing } from '../../deploy/serve/servingModel';
import { runMlflowPython } from '../testing/realMlflow';
import { mlflowModelFiles } from './mlflowModel';
import type { TrainedModel, TrainingWorkspace } from './pyfuncTestModels';
import { trainingWorkspace } from './pyfuncTestModels';
import { writeMlflowModel } from './writeMlflowModel';

async function python(script: string, args: string[]): Promise<unknown> {
  const r = await runMlflowPython(script, { args });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const DESCRIBE = `
import json, sys
import mlflow
from mlflow.models import Model
from mlflow.utils.environment import _PythonEnv
from mlflow.utils.requirements_utils import _parse_requirements
d = sys.argv[1]
m = Model.load(d)
conf = m.flavors["python_function"]
env = _PythonEnv.from_yaml(d + "/" + conf["env"]["virtualenv"])
reqs = [r.req_str for r in _parse_requirements(d + "/requirements.txt", is_constraint=False)]
print(json.dumps({
    "flavor": conf,
    "inputs": [{"name": c.name, "type": c.type.name, "required": c.required} for c in m.signature.inputs.inputs],
    "outputs": [c.type.name for c in m.signature.outputs.inputs],
    "run_id": m.run_id, "artifact_path": m.artifact_path, "uuid": m.model_uuid,
    "created": m.utc_time_created, "created_type": type(m.utc_time_created).__name__,
    "mlflow_version": m.mlflow_version, "size": m.model_size_bytes, "runlens": m.runlens,
    "python": env.python, "env_dependencies": env.dependencies, "requirements": reqs,
    "model_dependencies": mlflow.pyfunc.get_model_dependencies(d),
}))
`;

/** Each case's records through the loader module directly (no signature in between): its error or predictions. */
const LOADER_ERRORS = `
import json, sys
import pandas as pd
sys.path.insert(0, sys.argv[1] + "/code")
import runlens_pyfunc
model = runlens_pyfunc._load_pyfunc(sys.argv[1] + "/model.json")
out = []
for records in json.loads(sys.argv[2]):
    try:
        out.append({"predictions": model.predict(pd.DataFrame.from_records(records)).tolist()})
    except runlens_pyfunc.RunLensInputError as e:
        out.append({"error": e.message, "code": e.error_code})
print(json.dumps(out))
`;

function runlensAnswer(m: TrainedModel, records: Record<string, unknown>[]): { predictions?: unknown[]; error?: string } {
  try {
    return { predictions: loadModelForServing(m.pkg).predict(records) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('an exported MLflow model folder', () => {
  let ws: TrainingWorkspace;
  let out: string;
  let iris: TrainedModel;
  let drop: TrainedModel;
  const dirs = new Map<TrainedModel, string>();

  before(() => {
    ws = trainingWorkspace();
    out = mkdtempSync(join(tmpdir(), 'runlens-pyfunc-'));
    iris = ws.train('iris.train.yaml', 'data/iris.csv');
    drop = ws.train('custom-drop.train.yaml', 'data/custom.csv');
    for (const m of [iris, drop]) dirs.set(m, writeMlflowModel(join(out, m.config), mlflowModelFiles(m.pkg, { packageJson: m.packageJson })));
  });
  after(() => {
    ws?.cleanup();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test('MLflow reads its MLmodel, signature and environment', async () => {
    const dir = writeMlflowModel(join(out, 'logged'), mlflowModelFiles(drop.pkg, {
      packageJson: drop.packageJson, mlflowRunId: 'f'.repeat(32), artifactPath: 'model', modelUuid: '0123456789abcdef0123456789abcdef', pythonVersion: '3.10',
    }));
    const d = await python(DESCRIBE, [dir]) as Record<string, unknown>;
    assert.deepEqual(d.flavor, {
      code: 'code', data: 'model.json', env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' }, loader_module: 'runlens_pyfunc', python_version: '3.10',
    });
    assert.deepEqual(d.inputs, [
      { name: 'a', type: 'double', required: true },
      { name: 'b', type: 'double', required: true },
      { name: 'color', type: 'string', required: true },
      { name: 'flag', type: 'boolean', required: true },
    ]);
    assert.deepEqual(d.outputs, ['long'], 'grade holds the labels 0, 1 and 2');
    assert.equal(d.run_id, 'f'.repeat(32));
    assert.equal(d.artifact_path, 'model');
    assert.equal(d.uuid, '0123456789abcdef0123456789abcdef');
    assert.equal(d.created_type, 'str', 'a time PyYAML would read as a datetime must be quoted');
    assert.equal(d.created, new Date(drop.pkg.createdAt).toISOString().replace('T', ' ').replace('Z', '000'));
    assert.equal(d.mlflow_version, '2.12.1');
    assert.ok(typeof d.size === 'number' && d.size > drop.packageJson.length);
    assert.deepEqual(d.runlens, {
      format: 'runlens-model', package_version: 1, runlens_version: drop.pkg.runlensVersion, run_id: drop.runId,
      model_type: 'decision_tree', task: 'classification', target: 'grade',
    });
    assert.equal(d.python, '3.10');
    assert.deepEqual(d.env_dependencies, ['-r requirements.txt']);
    assert.deepEqual(d.requirements, ['mlflow>=2.12.1', 'numpy', 'pandas']);
    assert.equal(d.model_dependencies, join(dir, 'requirements.txt'));

    const standalone = await python(DESCRIBE, [dirs.get(iris)!]) as Record<string, unknown>;
    assert.equal(standalone.run_id, null);
    assert.equal(standalone.artifact_path, null);
    assert.deepEqual(standalone.outputs, ['string']);
    assert.match(String(standalone.uuid), /^[0-9a-f]{32}$/);
  });

  test('MLflow enforces the signature: a missing column is its error, extra columns are ignored', async () => {
    const r = await runMlflowPython(`
import sys, mlflow, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
df = pd.read_csv(sys.argv[2], float_precision="round_trip")
print(list(model.predict(df.assign(extra=1))[:2]))
try:
    model.predict(df.drop(columns=["petal_width"]))
except mlflow.exceptions.MlflowException as e:
    print("error", e.error_code, str(e).splitlines()[-1])
`, { args: [dirs.get(iris)!, iris.csv] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\['setosa', 'setosa'\]/);
    assert.match(r.stdout, /error INVALID_PARAMETER_VALUE .*Model is missing inputs \['petal_width'\]/);
  });

  test('the loader refuses what RunLens refuses, with the same one-line message', async () => {
    const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
    const irisCases: Record<string, unknown>[][] = [
      [{ ...row, sepal_length: 'abc' }],
      [row, { ...row, petal_width: 'inf' }],
      [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4 }],
      [{ sepal_length: 5.1, sepal_width: 3.5 }],
      [{ ...row, sepal_length: true, petal_length: ' 4.7 ', petal_width: 'NA' }],
    ];
    const good = { a: 1.5, b: 0.25, color: 'red', flag: true };
    const dropCases: Record<string, unknown>[][] = [
      [good, { ...good, a: null }],
      [{ ...good, flag: 2 }],
      [{ ...good, flag: 'maybe' }],
      [good, good, { ...good, b: '-Infinity' }],
      [{ ...good, color: null }],
      [{ ...good, color: 'N/A' }],
      [{ ...good, a: null, b: 'inf' }],
      [{ ...good, flag: 'yes', color: ' green ' }, { ...good, flag: 'no', color: 'violet' }],
    ];
    for (const [m, cases] of [[iris, irisCases], [drop, dropCases]] as const) {
      const got = await python(LOADER_ERRORS, [dirs.get(m)!, JSON.stringify(cases)]) as { predictions?: unknown[]; error?: string; code?: string }[];
      cases.forEach((records, i) => {
        const want = runlensAnswer(m, records);
        const have = got[i]!;
        if (want.error !== undefined) {
          assert.equal(have.error, want.error, `${m.config} case ${i + 1}`);
          assert.equal(have.code, 'INVALID_PARAMETER_VALUE');
          assert.ok(!want.error.includes('\n'));
        } else {
          assert.deepEqual(have.predictions, want.predictions, `${m.config} case ${i + 1}`);
        }
      });
    }
  });

  test('numbers become categories as JavaScript writes them', async () => {
    const values = [
      1, -1, 0.1, 1 / 3, 100, 1e6, 1e20, 1e21, 1.5e21, 123456789012345680000, 1e-6, 1e-7, 1.5e-7, 0.000001234, 5e-324,
      Number.MAX_VALUE, 2 ** 53, 2 ** 53 + 2, 4.35, 123.456, -0.000001, 12345678901234567890123, 0.5, 2.5e-5, 9.999999999999999e22,
    ];
    // A pinned stream of doubles over many magnitudes (same numbers on every run).
    for (let i = 1; i <= 400; i++) values.push(Math.sin(i * 12.9898) * 10 ** ((i % 47) - 23));
    const r = await runMlflowPython(`
import json, sys
sys.path.insert(0, sys.argv[1])
from runlens_pyfunc import js_number_text
print(json.dumps([js_number_text(v) for v in json.loads(sys.argv[2])]))
`, { args: [join(REPO_ROOT, 'python'), JSON.stringify(values)] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout) as string[], values.map(String));
  });
});
