/**
 * The sweep section of a training config: params named, values checked against
 * the param they set, distributions, stop_when. Split from parseConfig.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { where } from './testing/diagnosticLines';


const MINIMAL = `data:
  path: a.csv
  target: y
model:
  type: decision_tree
`;

test('a sweep over a param the model does not have names it and the known ones', () => {
  const text = `${MINIMAL}sweep:\n  method: grid\n  params:\n    model.params.max_dept: [2, 4]\n`;
  assert.deepEqual(where(text), [
    '9:5-9:26 sweep param "model.params.max_dept" is not a parameter of decision_tree (parameters: criterion, max_depth, min_samples_split, min_samples_leaf, max_features, seed); did you mean "max_depth"?',
  ]);
  assert.deepEqual(where(`${MINIMAL}sweep: { method: grid, params: { data.splitt.test: [0.2] } }\n`), [
    '6:34-6:50 sweep param "data.splitt.test" is not a config setting: data has no key "splitt" (allowed: path, train, test, sql, train_sql, test_sql, target, positive, split, clean, features); did you mean "split"?',
  ]);
});

test('sweep values are checked against the param they set', () => {
  const text = `${MINIMAL}sweep:\n  method: grid\n  params:\n    model.params.min_samples_split: [1, 2, 4]\n    model.params.criterion: [gini, mse]\n`;
  assert.deepEqual(where(text), [
    '9:38-9:39 sweep value 1: model.params.min_samples_split must be an integer ≥ 2 (got 1)',
    '10:36-10:39 sweep value "mse": model.params.criterion "mse" is not one of: gini, entropy, squared_error',
  ]);
});

test('sweep distributions: grid cannot sample, bounds must be ordered, shape is checked', () => {
  const grid = `${MINIMAL}sweep:\n  method: grid\n  params:\n    model.params.max_depth: { int_uniform: [2, 8] }\n`;
  assert.deepEqual(where(grid), ['9:31-9:42 grid search cannot sample int_uniform for "model.params.max_depth": list the values, or use method: random']);
  const random = `${MINIMAL}sweep:\n  method: random\n  trials: 5\n  params:\n    model.params.max_depth: { int_uniform: [8, 2] }\n    model.params.min_samples_leaf: { uniform: [1, 5] }\n    model.params.max_features: { unifrom: [0.1, 0.9] }\n`;
  assert.deepEqual(where(random), [
    '10:44-10:50 int_uniform for "model.params.max_depth" needs low < high (got [8, 2])',
    'W 11:38-11:45 "model.params.min_samples_leaf" takes integers but uniform samples fractions; use int_uniform',
    '12:34-12:41 unknown key "unifrom" in sweep.params["model.params.max_features"] (allowed: uniform, log_uniform, int_uniform, choice); did you mean "uniform"?',
  ]);
  assert.deepEqual(where(`${MINIMAL}sweep: { method: random, params: { model.params.max_depth: 3 } }\n`), [
    '6:60-6:61 sweep.params["model.params.max_depth"] must be a non-empty list of values, or one of {uniform: [low, high]}, {log_uniform: [low, high]}, {int_uniform: [low, high]}, {choice: [...]} (got 3)',
  ]);
});

test('a sweep over free-form params of a command run is allowed', () => {
  assert.deepEqual(where('command: python train.py\nparams: { lr: 0.1 }\nsweep: { method: grid, params: { params.lr: [0.1, 0.01] }, metric: loss }\n'), []);
});

test('a bad stop_when filter is marked inside the string', () => {
  const text = `${MINIMAL}sweep:\n  method: grid\n  params: { model.params.max_depth: [2] }\n  stop_when: metrics.acc >> 1\n`;
  assert.deepEqual(where(text), [
    '9:27-9:28 sweep.stop_when: unexpected ">" at column 14: expected a value (a number, a \'quoted string\', true, false or null)',
  ]);
  const quoted = `${MINIMAL}sweep:\n  method: grid\n  params: { model.params.max_depth: [2] }\n  stop_when: "metrix.acc > 1"\n`;
  assert.deepEqual(where(quoted).map((s) => s.split(' ')[0]), ['9:15-9:21']);
});
