import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, makeWorkspace, runCli } from '../../../test/fixtures/workspace';
import { runMlflowPython } from '../../tracking/testing/realMlflow';

describe('runlens model export-mlflow', () => {
  const ws = makeWorkspace();
  let runId = '';
  before(() => {
    const r = runCli(ws.dir, ['train', 'iris.train.yaml', '--json']);
    assert.equal(r.code, 0, r.stderr);
    runId = (JSON.parse(r.stdout) as { id: string }).id;
    assert.equal(runCli(ws.dir, ['model', 'register', runId, 'iris', '--alias', 'production']).code, 0);
  });
  after(() => ws.cleanup());

  test('writes a folder MLflow loads, from a registered alias or a bare run', async () => {
    const r = runCli(ws.dir, ['model', 'export-mlflow', 'iris@production', 'mlflow/iris']);
    assert.equal(r.code, 0, r.stderr);
    const dir = join(ws.dir, 'mlflow', 'iris');
    assert.equal(r.stdout.split('\n')[0], `wrote iris v1 as an MLflow model to ${dir}`);
    assert.deepEqual(readdirSync(dir).sort(), ['MLmodel', 'code', 'conda.yaml', 'model.json', 'python_env.yaml', 'requirements.txt']);
    // The loader is the one RunLens ships, byte for byte.
    assert.deepEqual(readFileSync(join(dir, 'code', 'runlens_pyfunc.py')), readFileSync(join(REPO_ROOT, 'python', 'runlens_pyfunc.py')));
    const py = await runMlflowPython(`
import sys, mlflow, pandas as pd
m = mlflow.pyfunc.load_model(sys.argv[1])
print(m.metadata.runlens["run_id"], list(m.predict(pd.DataFrame([{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]))))
`, { args: [dir] });
    assert.equal(py.code, 0, py.stderr);
    assert.equal(py.stdout.trim().split('\n').pop(), `${runId} ['setosa']`);

    const byRun = runCli(ws.dir, ['model', 'export-mlflow', runId.slice(0, 8), 'mlflow/run', '--json']);
    assert.equal(byRun.code, 0, byRun.stderr);
    const j = JSON.parse(byRun.stdout) as { name: string | null; runId: string; path: string; files: string[] };
    assert.equal(j.name, null);
    assert.equal(j.runId, runId);
    assert.equal(j.path, join(ws.dir, 'mlflow', 'run'));
    assert.ok(j.files.includes('code/runlens_pyfunc.py'));
  });

  test('refuses a folder that is not empty, with one line, and leaves it alone', () => {
    mkdirSync(join(ws.dir, 'taken'));
    writeFileSync(join(ws.dir, 'taken', 'notes.txt'), 'mine');
    const r = runCli(ws.dir, ['model', 'export-mlflow', 'iris', 'taken']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `error: ${join(ws.dir, 'taken')} already exists and is not empty; give a new folder for the MLflow model`);
    assert.deepEqual(readdirSync(join(ws.dir, 'taken')), ['notes.txt']);
  });

  test('usage, unknown models and a bad --python are one line', () => {
    const usage = runCli(ws.dir, ['model', 'export-mlflow', 'iris']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr.trim(), /^error: usage: runlens model export-mlflow <model>\[@alias\|:version\] \| <run> <dir>/);
    const unknown = runCli(ws.dir, ['model', 'export-mlflow', 'iris@staging', 'x']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim().split('\n').length, 1);
    assert.match(unknown.stderr, /staging/);
    const python = runCli(ws.dir, ['model', 'export-mlflow', 'iris', 'y', '--python', 'three']);
    assert.equal(python.code, 2);
    assert.equal(python.stderr.trim(), 'error: the Python version must look like 3.11 or 3.11.2, got "three"');
    // The other model subcommands still answer.
    assert.equal(runCli(ws.dir, ['model', 'show', 'iris@production']).code, 0);
  });
});
