import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelParamsFor } from './modelParams';

test('the top-level seed reaches families that take a seed, unless they set their own', () => {
  const data = { path: 'x.csv', target: 'y' };
  assert.deepEqual(modelParamsFor({ seed: 7, data, model: { type: 'decision_tree', params: { max_depth: 3 } } }), { max_depth: 3, seed: 7 });
  assert.deepEqual(modelParamsFor({ seed: 7, data, model: { type: 'mlp', params: { seed: 1 } } }), { seed: 1 });
  assert.deepEqual(modelParamsFor({ seed: 7, data, model: { type: 'logistic_regression' } }), {}, 'no seed param: left alone');
  assert.deepEqual(modelParamsFor({ data, model: { type: 'decision_tree' } }), {});
});
