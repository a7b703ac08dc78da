import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilter } from '../core/query/parseFilter';
import { filterFields, knownKeys, unknownKeyHints } from './filterHints';
import { makeWorkspace, runCli } from '../../test/fixtures/workspace';

const KNOWN = knownKeys([
  { metrics: { test_accuracy: 0.9, train_loss: 0.2 }, params: { model: 'decision_tree' } },
  { metrics: { test_f1: 0.8 }, params: { max_depth: 3 } },
]);

test('the fields a filter names, through and, or and not', () => {
  const fields = filterFields(parseFilter('metrics.a > 1 and (params.b = "x" or not tags.c = "y") and metrics.d IS NULL'));
  assert.deepEqual(fields.map((f) => `${f.entity}.${f.key}`), ['metrics.a', 'params.b', 'tags.c', 'metrics.d']);
});

test('a metric or param no run has is named, with the closest one runs have', () => {
  assert.deepEqual(unknownKeyHints('metrics.test_acc > 0.9', KNOWN), ['no run has a metric named test_acc; did you mean test_accuracy?']);
  assert.deepEqual(unknownKeyHints('params.max_dpeth = 3 and metrics.zzz > 1', KNOWN),
    ['no run has a param named max_dpeth; did you mean max_depth?', 'no run has a metric named zzz']);
});

test('keys runs have, tags and attributes give no hint', () => {
  assert.deepEqual(unknownKeyHints('metrics.test_accuracy > 0.99 and params.model = "mlp"', KNOWN), []);
  assert.deepEqual(unknownKeyHints('tags.team = "x" and attributes.status = "failed"', KNOWN), []);
});

test('runlens runs: an empty result names the metric no run has', (t) => {
  const ws = makeWorkspace();
  t.after(() => ws.cleanup());
  assert.equal(runCli(ws.dir, ['train', 'iris.train.yaml']).code, 0);
  const r = runCli(ws.dir, ['runs', '--filter', 'metrics.test_acc > 0.9']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'no runs match the filter: no run has a metric named test_acc; did you mean test_accuracy?\n');
  const json = runCli(ws.dir, ['runs', '--json', '--filter', 'metrics.test_acc > 0.9']);
  assert.equal(json.stdout, '[]\n');
  assert.equal(json.stderr, 'warning: no run has a metric named test_acc; did you mean test_accuracy?\n');
  // A filter on a real metric that matches nothing says only that.
  assert.equal(runCli(ws.dir, ['runs', '--filter', 'metrics.test_accuracy > 2']).stdout, 'no runs match the filter\n');
});
