/**
 * Issue #14: `runlens runs` hides sweep and CV child runs unless --all; the
 * table's footer says how many. Real CLI, a real cross-validated iris run.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeWorkspace, runCli } from '../../../test/fixtures/workspace';

const ws = makeWorkspace();
after(() => ws.cleanup());

test('the footer counts the child runs the table hides, and --all shows them', () => {
  ws.write('cv.train.yaml', 'experiment: iris\ndata: { path: data/iris.csv, target: species }\nmodel: { type: decision_tree, params: { max_depth: 2 } }\nevaluate: { cv: 3 }\n');
  for (const config of ['cv.train.yaml', 'iris.train.yaml']) assert.equal(runCli(ws.dir, ['train', config]).code, 0);
  const top = runCli(ws.dir, ['runs']);
  assert.equal(top.code, 0, top.stderr);
  assert.equal(top.stdout.split('\n').filter((l) => /^[0-9a-f]{8}\s/.test(l)).length, 2);
  assert.match(top.stdout, /\n3 child runs hidden; --all shows them\n$/);

  const all = runCli(ws.dir, ['runs', '--all']);
  assert.equal(all.stdout.split('\n').filter((l) => /^[0-9a-f]{8}\s/.test(l)).length, 5);
  assert.doesNotMatch(all.stdout, /hidden/);
  // The count follows the filter: the folds log val_* metrics, not test_accuracy.
  assert.doesNotMatch(runCli(ws.dir, ['runs', '--filter', 'metrics.test_accuracy > 0']).stdout, /hidden/);
  assert.match(runCli(ws.dir, ['runs', '--experiment', 'iris', '--limit', '1']).stdout, /\n3 child runs hidden; --all shows them\n$/);
  assert.doesNotMatch(runCli(ws.dir, ['runs', '--json']).stdout, /hidden/);
});
