/**
 * Issue #14: the end-of-training table and `train --json` print every metric
 * the run logged, the `cv_*` summary of a cross-validated run included
 * (before, only `show` had them). Real CLI, real iris data.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeWorkspace, runCli } from '../../../test/fixtures/workspace';
import { TREE_LOG_LOSS_NOTE } from './train';

const ws = makeWorkspace();
after(() => ws.cleanup());
ws.write('iris-cv.train.yaml', [
  'experiment: iris',
  'data: { path: data/iris.csv, target: species, split: { test: 0.2, seed: 42 } }',
  'model: { type: decision_tree, params: { max_depth: 3, seed: 0 } }',
  'evaluate: { cv: 3 }',
].join('\n') + '\n');

test('train --json has the cv_* metrics, the same keys and values show --json has', () => {
  const r = runCli(ws.dir, ['train', 'iris-cv.train.yaml', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(r.stdout) as { id: string; metrics: Record<string, number> };
  for (const k of ['cv_accuracy_mean', 'cv_accuracy_std', 'cv_f1_macro_mean', 'test_accuracy', 'train_accuracy']) {
    assert.equal(typeof run.metrics[k], 'number', `${k} in ${Object.keys(run.metrics).join(', ')}`);
  }
  const show = runCli(ws.dir, ['show', run.id, '--json']);
  assert.equal(show.code, 0, show.stderr);
  const logged = (JSON.parse(show.stdout) as { metrics: { key: string; latest: number }[] }).metrics;
  assert.deepEqual(Object.keys(run.metrics).sort(), logged.map((m) => m.key).sort());
  for (const m of logged) assert.equal(run.metrics[m.key], m.latest, m.key);
});

test('the table lists test scores first, then the cv_* summary, then the rest', () => {
  const r = runCli(ws.dir, ['train', 'iris-cv.train.yaml']);
  assert.equal(r.code, 0, r.stderr);
  const keys = r.stdout.split('\n').map((l) => /^(\w+)\s+-?[\d.]/.exec(l)?.[1]).filter((k): k is string => k !== undefined);
  assert.ok(keys.includes('cv_accuracy_mean') && keys.includes('cv_accuracy_std'), r.stdout);
  const rank = (k: string) => (k.startsWith('test_') ? 0 : k.startsWith('cv_') ? 1 : 2);
  assert.deepEqual(keys.map(rank), [...keys.map(rank)].sort());
  assert.equal(keys[0], 'test_accuracy');
});

test("a decision tree's log loss comes with the note that says why it is large; --json stays one object", () => {
  const r = runCli(ws.dir, ['train', 'iris-cv.train.yaml']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^test_log_loss\s+\d/m);
  assert.ok(r.stdout.trimEnd().endsWith(TREE_LOG_LOSS_NOTE), r.stdout);
  const json = runCli(ws.dir, ['train', 'iris-cv.train.yaml', '--json']);
  assert.equal(json.code, 0, json.stderr);
  assert.doesNotThrow(() => JSON.parse(json.stdout));
});
