/**
 * The Python helper in a real Jupyter kernel (ipykernel, driven cell by cell through nbclient by
 * testing/notebookDriver.py): a run open across cells without `with`, read by the TS store between cells;
 * the notebook's tag and snapshot; the run's HTML in the cell output; a kernel that stops (finished) or is
 * killed (failed, with what it logged, once the store's stale-run rule runs).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { missingTool } from '../../test/fixtures/requiredTool';
import { RunStore } from './runStore';
import { tempDir } from './testing/tempStore';
import { tsStore } from './testing/pythonHelperProcess';
import { NotebookKernel, hasJupyter, htmlOutputs, writeNotebook } from './testing/notebookKernel';

const skip = missingTool(hasJupyter, 'Jupyter (ipykernel, jupyter_client, nbclient) for /usr/bin/python3', 'jupyter');
const TIMEOUT = 300_000; // a kernel start on a loaded 2-core machine

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('a notebook run: open across cells, metrics in the store as each cell ends, the HTML sparkline, the snapshot at the end', { skip, timeout: TIMEOUT }, async (t) => {
  const ws = tempDir(t);
  fs.writeFileSync(path.join(ws, 'package.json'), '{}'); // the workspace root, where the store lives
  const storeDir = tsStore(ws);
  const notebook = path.join(ws, 'notebooks', 'churn.ipynb');
  const written = writeNotebook(notebook, [
    'import runlens\nrun = runlens.start_run(experiment="churn", name="nb-<1>")',
    'for step in range(3):\n    runlens.log_metric("loss", 1.0 / (step + 1), step=step)',
    'runlens.log_params({"lr": 0.1, "note": "<img src=x onerror=alert(1)>"})\n'
      + 'for step in range(3, 40):\n    runlens.log_metrics({"loss": 1.0 / (step + 1), "acc": step / 40}, step=step)\nrun',
    'raise ValueError("a cell that fails")',
    'print("the run stays open: no end_run()")',
  ]);
  // The kernel runs elsewhere: the store is found from the notebook's folder (VS Code's __vsc_ipynb_file__).
  const kernelCwd = tempDir(t);
  const kernel = new NotebookKernel(notebook, { cwd: kernelCwd, vscode: true, step: true, allowErrors: true });
  t.after(() => kernel.close(true));
  const store = RunStore.open(storeDir);
  t.after(() => store.close());

  const { pid } = await kernel.expect('started');
  await kernel.expect('cell');
  const [run] = store.listRuns({ experiment: 'churn' });
  assert.ok(run, 'the run is in the store after the first cell');
  assert.equal(run.status, 'running');
  assert.equal(run.name, 'nb-<1>');
  assert.equal(run.pid, pid, "the run records the kernel's pid");
  assert.equal(store.getTags(run.id)['runlens.notebook'], notebook);
  assert.ok(!fs.existsSync(path.join(kernelCwd, '.runlens')), "no store in the kernel's working directory");

  kernel.step();
  await kernel.expect('cell');
  assert.deepEqual([...store.getMetricHistory(run.id, 'loss').values], [1, 1 / 2, 1 / 3], 'the cell\'s metrics, written when it ended');

  kernel.step();
  const shown = await kernel.expect('cell');
  assert.equal(store.getMetricSummaries(run.id).find((m) => m.key === 'loss')?.count, 40);
  const [html] = htmlOutputs(shown);
  assert.ok(html, 'the Run renders as HTML');
  assert.match(html, /nb-&lt;1&gt;/, 'the name, escaped');
  assert.match(html, /running/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/, 'a param value, escaped');
  assert.doesNotMatch(html, /<img|<script|javascript:|<[^>]*\son\w+=/i, 'no markup from data and no JavaScript (no tag, no handler attribute)');
  const sparks = html.match(/<svg[^>]*>.*?<\/svg>/g) ?? [];
  assert.equal(sparks.length, 2, 'one sparkline per metric (acc, loss)');
  const lossPoints = sparks[1]!.match(/points="([^"]+)"/)![1]!.split(' ').map((p) => p.split(',').map(Number));
  assert.equal(lossPoints.length, 40, 'every point of a short series');
  assert.ok(lossPoints[0]![1]! < lossPoints[39]![1]!, 'the falling loss is drawn falling (SVG y grows downwards)');

  kernel.step();
  const failed = await kernel.expect('cell');
  assert.equal(failed.outputs[0]?.ename, 'ValueError');
  assert.equal(store.getRun(run.id).status, 'running', "a cell's exception does not end the run");
  kernel.step();
  await kernel.expect('cell');
  assert.equal(store.getRun(run.id).status, 'running', 'still open after the last cell');
  kernel.step();
  await kernel.expect('done');
  await kernel.expect('shutdown');
  assert.equal(await kernel.close(), 0);

  const ended = store.getRun(run.id);
  assert.equal(ended.status, 'finished', 'the kernel stopping ends the run (atexit)');
  assert.equal(ended.error, null);
  const [snapshot] = store.listArtifacts(run.id);
  assert.equal(snapshot?.path, 'notebook/churn.ipynb');
  assert.equal(snapshot.sha256, sha256(written), 'the snapshot is the .ipynb file as it was');
  assert.deepEqual(fs.readFileSync(store.artifactPath(snapshot.sha256)), written);
});

test('a killed kernel: the run ends failed with the metrics logged so far once the stale-run rule runs', { skip, timeout: TIMEOUT }, async (t) => {
  const ws = tempDir(t);
  const storeDir = path.join(tempDir(t), 'elsewhere', '.runlens');
  fs.mkdirSync(path.dirname(storeDir));
  RunStore.open(storeDir).close();
  const notebook = path.join(ws, 'loop.ipynb');
  writeNotebook(notebook, [
    // notebook= names it (any Jupyter); RUNLENS_STORE names the store.
    'import runlens\nrun = runlens.start_run(experiment="loop", notebook="loop.ipynb")',
    'for step in range(5):\n    runlens.log_metric("train_loss", 0.5 ** step, step=step)',
    'for step in range(5, 10):\n    runlens.log_metric("train_loss", 0.5 ** step, step=step)',
    'runlens.end_run()',
  ]);
  const kernel = new NotebookKernel(notebook, { cwd: ws, step: true, env: { RUNLENS_STORE: storeDir } });
  t.after(() => kernel.close(true));
  const store = RunStore.open(storeDir);
  t.after(() => store.close());

  const { pid } = await kernel.expect('started');
  await kernel.expect('cell');
  const [run] = store.listRuns({ experiment: 'loop' }); // (listing also sweeps stale runs: this one is alive)
  assert.ok(run);
  assert.equal(store.getTags(run.id)['runlens.notebook'], notebook, 'notebook= relative to the kernel\'s folder');
  kernel.step();
  await kernel.expect('cell');
  kernel.kill();
  assert.equal((await kernel.expect('killed')).pid, pid);
  assert.equal(await kernel.close(), 0);

  assert.equal(store.getRun(run.id).status, 'running', 'nothing recorded the death yet');
  assert.deepEqual(store.markStaleRuns(), [run.id], "the kernel's pid on this host is gone");
  const dead = store.getRun(run.id);
  assert.equal(dead.status, 'failed');
  assert.equal(dead.error, `process ${pid} died without finishing`);
  assert.deepEqual([...store.getMetricHistory(run.id, 'train_loss').values], [1, 0.5, 0.25, 0.125, 0.0625], 'the first cell\'s points, not the second\'s');
  assert.deepEqual(store.listArtifacts(run.id), [], 'no snapshot: the kernel never reached the end');
});
