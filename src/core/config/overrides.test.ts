import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, OverrideError } from './overrides';
import { validateConfig } from './parseConfig';
import type { TrainConfig } from './trainConfig';

const base: TrainConfig = {
  experiment: 'iris',
  data: { path: 'iris.csv', target: 'species', split: { test: 0.2 } },
  model: { type: 'decision_tree', params: { max_depth: 4 } },
};

test('numbers, booleans, null and flow lists are typed as YAML', () => {
  const out = applyOverrides(base, [
    'model.params.max_depth=6',
    'data.split.test=0.3',
    'data.split.stratify=false',
    'seed=1e3',
    'model.params.max_features=null',
  ]);
  assert.equal(out.model?.params?.max_depth, 6);
  assert.equal(out.data?.split?.test, 0.3);
  assert.equal(out.data?.split?.stratify, false);
  assert.equal(out.seed, 1000);
  assert.equal(out.model?.params?.max_features, null);
  const mlp = applyOverrides(base, ['model.type=mlp', 'model.params={hidden_layers: [2, 3]}']);
  assert.deepEqual(mlp.model, { type: 'mlp', params: { hidden_layers: [2, 3] } });
  assert.deepEqual(applyOverrides(base, ['model.params.hidden_layers=[2,3]']).model?.params?.hidden_layers, [2, 3]);
});

test('the input config is not changed', () => {
  const before = JSON.stringify(base);
  applyOverrides(base, ['model.params.max_depth=6', 'data.clean.missing=drop']);
  assert.equal(JSON.stringify(base), before);
});

test('words are strings, and settings that take strings keep the text as given', () => {
  const out = applyOverrides(base, ['model.type=logistic_regression', 'name=123', 'tags.version=2', 'experiment=true', 'data.target=1e3']);
  assert.equal(out.model?.type, 'logistic_regression');
  assert.equal(out.name, '123');
  assert.deepEqual(out.tags, { version: '2' });
  assert.equal(out.experiment, 'true');
  assert.equal(out.data?.target, '1e3');
  // positive takes a string, a number or a boolean: the YAML type wins.
  assert.equal(applyOverrides(base, ['data.positive=1']).data?.positive, 1);
  // A command may contain YAML syntax; it is a string setting.
  assert.equal(applyOverrides({ command: 'x' }, ['command=echo "a: b" [x']).command, 'echo "a: b" [x');
  assert.equal(applyOverrides(base, ['description=']).description, '');
});

test('missing intermediate mappings are created', () => {
  const out = applyOverrides(base, ['data.clean.missing=median', 'evaluate.cv=5', 'params.lr=0.01']);
  assert.deepEqual(out.data?.clean, { missing: 'median' });
  assert.deepEqual(out.evaluate, { cv: 5 });
  assert.deepEqual(out.params, { lr: 0.01 });
});

test('overrides apply in order, later ones win', () => {
  assert.equal(applyOverrides(base, ['model.params.max_depth=2', 'model.params.max_depth=3']).model?.params?.max_depth, 3);
});

test('a sweep param key with dots is matched whole, or can be quoted', () => {
  const swept: TrainConfig = { ...base, sweep: { method: 'grid', params: { 'model.params.max_depth': [2, 3] } } };
  const a = applyOverrides(swept, ['sweep.params.model.params.max_depth=[5, 6]']);
  assert.deepEqual(a.sweep?.params, { 'model.params.max_depth': [5, 6] });
  const b = applyOverrides(swept, ['sweep.params."model.params.min_samples_leaf"=[1, 2]']);
  assert.deepEqual(b.sweep?.params, { 'model.params.max_depth': [2, 3], 'model.params.min_samples_leaf': [1, 2] });
});

test('malformed overrides throw OverrideError with a clear message', () => {
  const cases: [string, RegExp][] = [
    ['model.params.max_depth', /"model.params.max_depth" is not key=value \(e\.g\. model\.params\.max_depth=6\)/],
    ['=3', /has no key before "="/],
    ['model..type=x', /empty key in path "model..type"/],
    ['model.type.=x', /ends with "\."/],
    ['model.params.max_depth=[1, 2', /the value is not valid YAML .*quote it if it is text/],
    ['model.type.name=x', /"model.type" is a string, not a mapping/],
    ['__proto__.polluted=1', /"__proto__" cannot be used as a key/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => applyOverrides(base, [text]), (e: unknown) => {
      assert.ok(e instanceof OverrideError, text);
      assert.match(e.message, message, text);
      assert.match(e.format(), /^--set: /);
      return true;
    });
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('parse → override → validate catches a bad value', () => {
  const out = applyOverrides(base, ['model.params.max_depth=four', 'data.split.test=2']);
  assert.deepEqual(validateConfig(out).map((d) => d.message).sort(), [
    'data.split.test must be a number > 0 and < 1 (got 2)',
    'model.params.max_depth must be an integer ≥ 1 or null (got "four")',
  ]);
  assert.deepEqual(validateConfig(applyOverrides(base, ['model.type=random_forest'])).map((d) => d.path), ['/model/type']);
});
