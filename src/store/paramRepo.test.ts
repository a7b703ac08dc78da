import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreError } from './errors';
import { numericValue } from './keyValues';
import { tempStore } from './testing/tempStore';

test('params are immutable: same value again is fine, a different one names key, old and new', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logParams(run.id, { lr: 0.01, model: 'tree', deep: true, none: null });
  store.logParams(run.id, { lr: 0.01, model: 'tree' });
  assert.deepEqual(store.getParams(run.id), { deep: 'true', lr: '0.01', model: 'tree', none: 'null' });
  assert.throws(
    () => store.logParams(run.id, { lr: 0.1 }),
    (e: unknown) => e instanceof StoreError && /param "lr"/.test(e.message) && /"0\.01"/.test(e.message) && /"0\.1"/.test(e.message),
  );
  assert.equal(store.getParams(run.id).lr, '0.01');
});

test('a batch with one conflicting param writes none of it', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.logParams(run.id, { a: 1 });
  assert.throws(() => store.logParams(run.id, { b: 2, a: 3, c: 4 }), StoreError);
  assert.deepEqual(store.getParams(run.id), { a: '1' });
});

test('params of an unknown run, and empty keys, are errors', (t) => {
  const { store } = tempStore(t);
  assert.throws(() => store.logParams('9'.repeat(32), { a: 1 }), /no run with id/);
  const run = store.createRun({ experiment: 'e' });
  assert.throws(() => store.logParams(run.id, { '': 1 }), /non-empty/);
});

test('tags are mutable; null deletes', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e', tags: { stage: 'dev', owner: 'ann' } });
  store.setTags(run.id, { stage: 'prod', owner: null, score: 3 });
  assert.deepEqual(store.getTags(run.id), { score: '3', stage: 'prod' });
  assert.throws(() => store.setTags('9'.repeat(32), { a: 'b' }), /no run with id/);
});

test('numericValue recognises numbers written as text', () => {
  assert.equal(numericValue('42'), 42);
  assert.equal(numericValue(' -1.5e-3 '), -0.0015);
  assert.equal(numericValue('.5'), 0.5);
  assert.equal(numericValue('inf'), Infinity);
  assert.equal(numericValue('-Infinity'), -Infinity);
  assert.equal(numericValue(''), null);
  assert.equal(numericValue('0x10'), null);
  assert.equal(numericValue('1,5'), null);
  assert.equal(numericValue('tree'), null);
});
