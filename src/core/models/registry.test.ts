import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createModel, modelFamilies, modelFromJSON, modelTypes } from './registry';

test('lists the built-in families', () => {
  assert.deepEqual(modelTypes().sort(), ['decision_tree', 'linear_regression', 'logistic_regression', 'mlp']);
  for (const f of modelFamilies()) assert.ok(f.params.length > 0 && f.tasks.length > 0);
});

test('an unknown type names the available ones', () => {
  assert.throws(() => createModel('random_forest', {}, 'classification'), /Unknown model type "random_forest"\. Available types: linear_regression, logistic_regression, decision_tree, mlp/);
  assert.throws(() => modelFromJSON({ type: 'svm', task: 'classification' }), /Unknown model type "svm"/);
});

test('an unknown parameter is named with the valid ones', () => {
  assert.throws(
    () => createModel('decision_tree', { maxdepth: 3 }, 'classification'),
    /Unknown parameter "maxdepth" for model "decision_tree"\. Valid parameters: criterion, max_depth, min_samples_split, min_samples_leaf, max_features, min_impurity_decrease, seed\./,
  );
  assert.throws(() => createModel('logistic_regression', { c: 1 }, 'classification'), /Unknown parameter "c".*C, max_iter, tol, fit_intercept/);
  assert.throws(() => createModel('linear_regression', { lambda: 1 }, 'regression'), /Unknown parameter "lambda".*alpha, fit_intercept/);
});

test('bad values and unsupported tasks are explained', () => {
  assert.throws(() => createModel('logistic_regression', { C: 0 }, 'classification'), /"C".*> 0/);
  assert.throws(() => createModel('logistic_regression', { max_iter: 2.5 }, 'classification'), /"max_iter".*integer/);
  assert.throws(() => createModel('linear_regression', { alpha: -1 }, 'regression'), /"alpha".*>= 0/);
  assert.throws(() => createModel('linear_regression', { fit_intercept: 'yes' }, 'regression'), /"fit_intercept" .*true or false/);
  assert.throws(() => createModel('logistic_regression', {}, 'regression'), /does not support regression; it supports classification/);
});

test('creates each family with its task', () => {
  assert.equal(createModel('decision_tree', { max_depth: 2 }, 'regression').task, 'regression');
  assert.equal(createModel('decision_tree', {}, 'classification').type, 'decision_tree');
  assert.equal(createModel('linear_regression', { alpha: 1 }, 'regression').type, 'linear_regression');
});

test('modelFromJSON rejects malformed JSON clearly', () => {
  assert.throws(() => modelFromJSON({} as never), /missing "type"/);
  assert.throws(() => modelFromJSON({ type: 'linear_regression', task: 'regression', nFeatures: 2, coef: [1], intercept: 0 }), /coef has 1 values, expected 2/);
});
