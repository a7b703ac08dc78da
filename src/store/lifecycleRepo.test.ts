import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreError } from './errors';
import { tempStore } from './testing/tempStore';

test('a soft-deleted run is hidden from listings and counts unless asked for, keeps its rows, and comes back on restore', (t) => {
  const { store, clock } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'a' });
  const b = store.createRun({ experiment: 'e', name: 'b' });
  store.logParams(a.id, { lr: 0.1 });
  clock.advance(5);
  store.lifecycle.deleteRun(a.id);
  assert.deepEqual(store.listRuns().map((r) => r.name), ['b']);
  assert.equal(store.countRuns(), 1);
  assert.deepEqual(store.listRuns({ lifecycle: 'deleted' }).map((r) => r.name), ['a']);
  assert.deepEqual(store.listRuns({ lifecycle: 'all', sort: 'attributes.name' }).map((r) => r.name), ['a', 'b']);
  assert.equal(store.getRun(a.id).deletedAt, clock.now());
  assert.deepEqual(store.getParams(a.id), { lr: '0.1' });
  assert.equal(store.listExperiments()[0]!.runCount, 1);
  store.lifecycle.restoreRun(a.id);
  assert.equal(store.getRun(a.id).deletedAt, null);
  assert.deepEqual(store.listRuns({ sort: 'attributes.name' }).map((r) => r.name), ['a', 'b']);
  assert.equal(store.getRun(b.id).deletedAt, null);
});

test('deleting an experiment marks it and all its runs; restoring it restores every run, as MLflow does', (t) => {
  const { store } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'a' });
  store.createRun({ experiment: 'e', name: 'b' });
  store.createRun({ experiment: 'other', name: 'c' });
  store.lifecycle.deleteRun(a.id);
  const e = store.findExperiment('e')!;
  store.lifecycle.deleteExperiment(e.id);
  assert.deepEqual(store.listExperiments().map((x) => x.name), ['other']);
  assert.deepEqual(store.listExperiments('deleted').map((x) => [x.name, x.runCount]), [['e', 2]]);
  assert.deepEqual(store.listRuns().map((r) => r.name), ['c']);
  assert.notEqual(store.findExperiment('e')!.deletedAt, null);
  store.lifecycle.restoreExperiment(e.id);
  assert.deepEqual(store.listRuns({ sort: 'attributes.name' }).map((r) => r.name), ['a', 'b', 'c']);
  assert.equal(store.findExperiment('e')!.deletedAt, null);
});

test('experiment tags and renames; a taken name and unknown ids are StoreErrors', (t) => {
  const { store } = tempStore(t);
  const e = store.getOrCreateExperiment('e');
  store.getOrCreateExperiment('taken');
  store.lifecycle.setExperimentTags(e.id, { team: 'ml', 'ключ': 'значение' });
  store.lifecycle.setExperimentTags(e.id, { team: null });
  assert.deepEqual(store.lifecycle.experimentTags(e.id), { 'ключ': 'значение' });
  assert.equal(store.lifecycle.renameExperiment(e.id, 'e2').name, 'e2');
  assert.throws(() => store.lifecycle.renameExperiment(e.id, 'taken'), (err: unknown) => err instanceof StoreError && /already exists/.test(err.message));
  assert.throws(() => store.lifecycle.deleteRun('0'.repeat(32)), StoreError);
  assert.throws(() => store.lifecycle.setExperimentTags(999, { a: 'b' }), /no experiment with id 999/);
});

test('a hard delete (runlens delete) still removes a soft-deleted run', (t) => {
  const { store } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'a' });
  store.lifecycle.deleteRun(a.id);
  assert.equal(store.deleteRun(a.id).runs, 1);
  assert.equal(store.findRun(a.id), undefined);
  assert.deepEqual(store.listRuns({ lifecycle: 'all' }), []);
});
