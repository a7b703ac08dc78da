/**
 * The shipped examples/notebooks, executed as they are in a real Jupyter kernel (as VS Code runs them: the
 * kernel in the notebook's folder, `__vsc_ipynb_file__` set), logging into a temporary store.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { missingTool } from '../../test/fixtures/requiredTool';
import { RunStore } from './runStore';
import { tempDir } from './testing/tempStore';
import { PYTHON } from './testing/pythonHelperProcess';
import { NotebookKernel, hasJupyter, htmlOutputs, type DriverEvent } from './testing/notebookKernel';

const EXAMPLES = path.resolve(import.meta.dirname ?? __dirname, '..', '..', 'examples', 'notebooks');
const jupyterMissing = missingTool(hasJupyter, 'Jupyter (ipykernel, jupyter_client, nbclient) for /usr/bin/python3', 'jupyter');
const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
const TIMEOUT = 300_000;

/** Runs every cell of an example; returns the store, the run and the cell events. */
async function runExample(t: TestContext, name: string) {
  const storeDir = path.join(tempDir(t), '.runlens');
  RunStore.open(storeDir).close();
  const notebook = path.join(EXAMPLES, name);
  const before = fs.readFileSync(notebook);
  const kernel = new NotebookKernel(notebook, { cwd: EXAMPLES, vscode: true, env: { RUNLENS_STORE: storeDir } });
  t.after(() => kernel.close(true));
  const cells: Extract<DriverEvent, { event: 'cell' }>[] = [];
  await kernel.expect('started');
  for (let e = await kernel.next(); e.event !== 'done'; e = await kernel.next()) {
    if (e.event === 'error') assert.fail(`cell ${e.index} of ${name} failed:\n${e.message}`);
    assert.equal(e.event, 'cell');
    cells.push(e as Extract<DriverEvent, { event: 'cell' }>);
  }
  await kernel.expect('shutdown');
  assert.equal(await kernel.close(), 0);
  assert.ok(!fs.existsSync(path.join(EXAMPLES, '.runlens')), 'nothing written beside the examples');
  const store = RunStore.open(storeDir);
  t.after(() => store.close());
  const runs = store.listRuns({});
  assert.equal(runs.length, 1, 'one run per notebook');
  const run = runs[0]!;
  assert.equal(run.status, 'finished');
  assert.equal(store.getTags(run.id)['runlens.notebook'], notebook);
  const [snapshot] = store.listArtifacts(run.id);
  assert.equal(snapshot?.path, `notebook/${name}`);
  assert.equal(snapshot.sha256, createHash('sha256').update(before).digest('hex'), 'the snapshot is the notebook file');
  const html = cells.flatMap(htmlOutputs);
  assert.equal(html.length, 1, 'the run shown once');
  // The run's own metrics: the system series the helper samples (system/...) are left out of the HTML.
  assert.equal(html[0]!.match(/<svg /g)?.length, store.getMetricSummaries(run.id).filter((m) => !m.key.startsWith('system/')).length, 'a sparkline per metric');
  return { store, run, cells };
}

test('examples/notebooks/train_sklearn.ipynb trains and logs a gradient boosting model', { skip: jupyterMissing || missingTool(hasSklearn, `scikit-learn for ${PYTHON}`, 'sklearn'), timeout: TIMEOUT }, async (t) => {
  const { store, run } = await runExample(t, 'train_sklearn.ipynb');
  assert.equal(run.experiment, 'notebook-sklearn');
  assert.equal(run.params.n_estimators, '100', 'autolog: the estimator\'s params');
  assert.equal(run.params.test_size, '0.25');
  assert.ok(run.metrics.test_accuracy! > 0.9, JSON.stringify(run.metrics));
  assert.ok(run.metrics.test_f1! > 0.9);
  const curve = store.getMetricHistory(run.id, 'val_accuracy');
  assert.equal(curve.values.length, 100, 'one point per boosting stage');
  assert.equal(curve.values[99], run.metrics.test_accuracy, 'the last stage is the model');
});

test('examples/notebooks/torch_style_loop.ipynb logs a PyTorch-style loop (with or without torch)', { skip: jupyterMissing, timeout: TIMEOUT }, async (t) => {
  const { store, run, cells } = await runExample(t, 'torch_style_loop.ipynb');
  assert.equal(run.experiment, 'notebook-loop');
  assert.ok(['python', 'torch'].includes(store.getTags(run.id).backend!));
  assert.equal(run.params.epochs, '5');
  const loss = store.getMetricHistory(run.id, 'train_loss').values;
  assert.equal(loss.length, 25, '1,600 training rows in batches of 32, every 10th batch, 5 epochs');
  assert.ok(loss[24]! < loss[0]!, 'the loss goes down');
  assert.equal(store.getMetricHistory(run.id, 'val_loss').values.length, 5, 'one validation pass per epoch');
  assert.ok(run.metrics.val_accuracy! > 0.8, JSON.stringify(run.metrics));
  assert.ok(cells.some((c) => c.outputs.some((o) => /epoch 5\/5 {2}val_loss/.test(o.text ?? ''))), 'the loop prints its progress');
});
