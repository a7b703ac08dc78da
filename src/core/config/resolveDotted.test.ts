import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DottedPathError, getDotted, setDotted, splitDottedPath } from './resolveDotted';

test('splitDottedPath splits on dots and keeps quoted keys whole', () => {
  assert.deepEqual(splitDottedPath('model.params.max_depth'), ['model', 'params', 'max_depth']);
  assert.deepEqual(splitDottedPath('sweep.params."model.params.x"'), ['sweep', 'params', 'model.params.x']);
  assert.deepEqual(splitDottedPath("tags.'a b'.c"), ['tags', 'a b', 'c']);
  assert.deepEqual(splitDottedPath('a'), ['a']);
});

test('splitDottedPath rejects malformed paths', () => {
  for (const bad of ['', 'a..b', '.a', 'a.', 'a."b', 'a."b"c', 'constructor.x']) {
    assert.throws(() => splitDottedPath(bad), DottedPathError, bad);
  }
});

test('getDotted reads nested values, list items and keys holding dots', () => {
  const obj = { model: { params: { hidden_layers: [64, 32] } }, sweep: { params: { 'model.params.max_depth': [2, 3] } } };
  assert.equal(getDotted(obj, 'model.params.hidden_layers.1'), 32);
  assert.deepEqual(getDotted(obj, 'sweep.params.model.params.max_depth'), [2, 3]);
  assert.deepEqual(getDotted(obj, ['sweep', 'params', 'model.params.max_depth']), [2, 3]);
  assert.equal(getDotted(obj, 'model.nope.x'), undefined);
  assert.equal(getDotted(obj, 'model.params.hidden_layers.x'), undefined);
  assert.equal(getDotted(obj, 'toString'), undefined, 'inherited keys are not config keys');
});

test('setDotted copies along the path and leaves the input alone', () => {
  const obj = { a: { b: 1, keep: { x: 1 } }, other: { y: 2 } };
  const out = setDotted(obj, 'a.b', 2);
  assert.deepEqual(out, { a: { b: 2, keep: { x: 1 } }, other: { y: 2 } });
  assert.equal(obj.a.b, 1);
  assert.equal(out.other, obj.other, 'untouched branches are shared');
  assert.equal(out.a.keep, obj.a.keep);
});

test('setDotted creates missing mappings and sets list items', () => {
  assert.deepEqual(setDotted({}, 'data.split.test', 0.3), { data: { split: { test: 0.3 } } });
  assert.deepEqual(setDotted({ l: [1, 2] }, 'l.1', 5), { l: [1, 5] });
  assert.deepEqual(setDotted({ l: [1, 2] }, 'l.2', 3), { l: [1, 2, 3] });
  assert.throws(() => setDotted({ l: [1] }, 'l.5', 3), /index 5 is past the end of "l" \(length 1\)/);
});

test('setDotted refuses to walk through a scalar', () => {
  assert.throws(() => setDotted({ model: { type: 'mlp' } }, 'model.type.x', 1), /"model.type" is a string, not a mapping/);
  assert.throws(() => setDotted({ a: null }, 'a.b', 1), /"a" is null, not a mapping/);
  assert.throws(() => setDotted({ a: [1] }, 'a.b', 1), /"a" is a list, not a mapping/);
});
