import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paramsForConfig } from './runParams';

test('flattens model params by name and records data settings with defaults', () => {
  const params = paramsForConfig(
    {
      experiment: 'iris',
      data: { path: 'data/iris.csv', target: 'species', features: { scale: 'standard', include: ['a', 'b'] } },
      model: { type: 'decision_tree', params: { max_depth: 4, criterion: 'gini', max_features: null } },
    },
    'classification',
  );
  assert.deepEqual(params, {
    model: 'decision_tree',
    max_depth: 4,
    criterion: 'gini',
    max_features: null,
    task: 'classification',
    'data.path': 'data/iris.csv',
    target: 'species',
    'split.test': 0.2,
    'split.seed': 42,
    'split.stratify': true,
    'features.scale': 'standard',
    'features.include': '["a","b"]',
  });
});
