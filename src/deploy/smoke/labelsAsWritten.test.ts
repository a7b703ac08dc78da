/**
 * Issue #14: class labels come back exactly as the training data wrote them.
 * A yes/no target used to become a boolean (predictions `false`, confusion
 * matrix labels "false"/"true", the smoke test printing `expected 0`). Each
 * case trains with the real CLI on a real CSV, then reads the run's model
 * package, confusion matrix and report from the store, serves the package
 * and, for yes/no, smoke-tests the registered model through its server.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { REPO_ROOT, makeWorkspace, runCli } from '../../../test/fixtures/workspace';
import { missingTool } from '../../../test/fixtures/requiredTool';
import type { ModelPackage } from '../../core/package/modelPackage';
import { loadModelForServing } from '../serve/servingModel';

const ws = makeWorkspace();
const pandasAvailable = () => spawnSync('/usr/bin/python3', ['-c', 'import numpy, pandas'], { stdio: 'ignore' }).status === 0;
after(() => ws.cleanup());

/** 60 rows whose label is `hi` when x > 5, `lo` otherwise: a depth-1 tree learns it exactly. */
function writeData(name: string, lo: string, hi: string): void {
  const rows = ['x,z,label'];
  for (let i = 0; i < 60; i++) {
    const x = (i * 7) % 10 + 0.5;
    rows.push(`${x},${(i * 13) % 17},${x > 5 ? hi : lo}`);
  }
  ws.write(`${name}.csv`, rows.join('\n') + '\n');
  ws.write(`${name}.train.yaml`, `experiment: labels\ndata: { path: ${name}.csv, target: label }\nmodel: { type: decision_tree, params: { max_depth: 2 } }\n`);
}

function artifact(runId: string, path: string): string {
  const show = runCli(ws.dir, ['show', runId, '--json']);
  assert.equal(show.code, 0, show.stderr);
  const a = (JSON.parse(show.stdout) as { artifacts: { path: string; sha256: string }[] }).artifacts.find((x) => x.path === path);
  assert.ok(a, `${path} logged`);
  return readFileSync(join(ws.dir, '.runlens', 'artifacts', a.sha256.slice(0, 2), a.sha256), 'utf8');
}

function train(name: string): string {
  const r = runCli(ws.dir, ['train', `${name}.train.yaml`, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(r.stdout) as { id: string; metrics: Record<string, number> };
  assert.equal(run.metrics.test_accuracy, 1);
  return run.id;
}

const cases: [string, string, string, (string | number)[]][] = [
  ['yesno', 'no', 'yes', ['no', 'yes']],
  ['yn', 'N', 'Y', ['N', 'Y']],
  ['truefalse', 'False', 'True', ['False', 'True']],
  ['zeroone', '0', '1', [0, 1]],
  ['words', 'stayed', 'churned', ['churned', 'stayed']],
];

for (const [name, lo, hi, classes] of cases) {
  test(`${lo}/${hi} labels: the package, confusion matrix, report and served predictions use them as written`, () => {
    writeData(name, lo, hi);
    const id = train(name);
    const pkg = JSON.parse(artifact(id, 'model/model.json')) as ModelPackage;
    assert.deepEqual(pkg.classes, classes);
    const cm = JSON.parse(artifact(id, 'confusion_matrix.json')) as { labels: string[] };
    assert.deepEqual(cm.labels, classes.map(String));
    const report = artifact(id, 'classification_report.json');
    for (const c of classes) assert.ok(report.includes(`"${String(c)}"`), `${String(c)} in ${report}`);

    const served = loadModelForServing(pkg);
    const predicted = served.predict([{ x: 1, z: 3 }, { x: 9, z: 3 }]);
    const expected = typeof classes[0] === 'number' ? [Number(lo), Number(hi)] : [lo, hi];
    assert.deepEqual(predicted, expected);
  });
}

/** What the MLflow export's Python loader (python/runlens_pyfunc.py, numpy + pandas, no MLflow needed) predicts for two rows. */
function pyfuncPredicts(pkg: unknown): unknown {
  const script = 'import json, sys; sys.path.insert(0, sys.argv[1]); import pandas as pd; from runlens_pyfunc import RunLensModel\n'
    + 'm = RunLensModel(json.load(sys.stdin)); print(json.dumps([v.item() if hasattr(v, "item") else v for v in m.predict(pd.DataFrame({"x": [1.0, 9.0], "z": [3.0, 3.0]}))]))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, join(REPO_ROOT, 'python')], { input: JSON.stringify(pkg), encoding: 'utf8' }));
}

test('the MLflow export\'s Python loader decodes the same labels from the package', { skip: missingTool(pandasAvailable(), 'numpy/pandas for /usr/bin/python3', 'sklearn') }, () => {
  for (const [name, expected] of [['yesno', ['no', 'yes']], ['truefalse', ['False', 'True']], ['zeroone', [0, 1]]] as const) {
    const pkg = JSON.parse(artifact(train(name), 'model/model.json')) as ModelPackage;
    assert.deepEqual(pyfuncPredicts(pkg), expected, name);
    if (name === 'yesno') assert.deepEqual(pyfuncPredicts({ ...pkg, classes: [false, true] }), [false, true], 'an old package');
  }
});

test('an old package whose classes are booleans still loads and predicts booleans', () => {
  const id = train('yesno');
  const pkg = JSON.parse(artifact(id, 'model/model.json')) as ModelPackage & { preprocessor: { classes?: unknown } };
  const old = { ...pkg, classes: [false, true], preprocessor: { ...pkg.preprocessor, classes: [false, true] } } as ModelPackage;
  assert.deepEqual(loadModelForServing(old).predict([{ x: 1, z: 0 }, { x: 9, z: 0 }]), [false, true]);
});

test('the smoke test prints yes/no next to yes/no and counts every row a match', () => {
  const id = train('yesno');
  const reg = runCli(ws.dir, ['model', 'register', id, 'churn']);
  assert.equal(reg.code, 0, reg.stderr);
  const r = runCli(ws.dir, ['smoke', 'churn', '--rows', '60', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const view = JSON.parse(r.stdout) as { rows: { expected: string; predicted: unknown; match: boolean }[]; matches: number };
  assert.equal(view.rows.length, 60);
  assert.deepEqual(new Set(view.rows.map((row) => row.expected)), new Set(['yes', 'no']));
  assert.deepEqual(view.rows.filter((row) => row.expected !== row.predicted), []);
  assert.equal(view.matches, 60);
});
