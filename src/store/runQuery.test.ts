import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import type { Entity, SortKey } from '../core/query/ast';
import { QueryError } from '../core/query/ast';
import type { RunStore } from './runStore';
import { tempStore } from './testing/tempStore';

const key = (entity: Entity, k: string, descending = false): SortKey => ({ field: { entity, key: k, start: 0, end: 0 }, descending });

/** r0..r4 created in order; acc on r1, r2, r3 (r3 NaN); lr param numeric on some, text on one. */
function fixture(t: TestContext): { store: RunStore; ids: string[] } {
  const { store, clock } = tempStore(t, { staleAfterMs: Number.MAX_SAFE_INTEGER });
  const ids: string[] = [];
  const acc = [undefined, 0.7, 0.9, NaN, undefined];
  const lr = ['0.1', '0.01', undefined, 'auto', '1'];
  for (let i = 0; i < 5; i++) {
    const run = store.createRun({ experiment: i < 3 ? 'a' : 'b', name: `r${i}` });
    ids.push(run.id);
    if (acc[i] !== undefined) store.logMetrics(run.id, [{ key: 'acc', value: acc[i] as number }]);
    if (lr[i] !== undefined) store.logParams(run.id, { lr: lr[i] as string });
    store.setTags(run.id, { idx: String(i) });
    clock.advance(1000);
  }
  return { store, ids };
}

const names = (store: RunStore, q: Parameters<RunStore['listRuns']>[0]) => store.listRuns(q).map((r) => r.name);

test('listRuns returns runs with params, latest metrics and tags; newest first by default', (t) => {
  const { store, ids } = fixture(t);
  const rows = store.listRuns();
  assert.deepEqual(rows.map((r) => r.name), ['r4', 'r3', 'r2', 'r1', 'r0']);
  const r1 = rows.find((r) => r.id === ids[1]);
  assert.deepEqual(r1?.params, { lr: '0.01' });
  assert.deepEqual(r1?.metrics, { acc: 0.7 });
  assert.deepEqual(r1?.tags, { idx: '1' });
  assert.equal(r1?.experiment, 'a');
  assert.deepEqual(rows.find((r) => r.name === 'r0')?.metrics, {});
});

test('sorting by a metric puts runs lacking it (or NaN) last in both directions', (t) => {
  const { store } = fixture(t);
  assert.deepEqual(names(store, { sort: [key('metrics', 'acc')] }).slice(0, 2), ['r1', 'r2']);
  assert.deepEqual(names(store, { sort: [key('metrics', 'acc', true)] }).slice(0, 2), ['r2', 'r1']);
  // The three without a usable acc come last, newest first among themselves.
  assert.deepEqual(names(store, { sort: [key('metrics', 'acc', true)] }).slice(2), ['r4', 'r3', 'r0']);
  assert.deepEqual(names(store, { sort: 'metrics.acc' }).slice(2), ['r4', 'r3', 'r0']);
});

test('sorting by a param is numeric for numeric values, text after, missing last', (t) => {
  const { store } = fixture(t);
  assert.deepEqual(names(store, { sort: [key('params', 'lr')] }), ['r1', 'r0', 'r4', 'r3', 'r2']);
  assert.deepEqual(names(store, { sort: '-params.lr' }), ['r4', 'r0', 'r1', 'r3', 'r2']);
});

test('sorting by attributes and by several keys', (t) => {
  const { store } = fixture(t);
  assert.deepEqual(names(store, { sort: 'attributes.name DESC' }), ['r4', 'r3', 'r2', 'r1', 'r0']);
  assert.deepEqual(names(store, { sort: 'attributes.created' }), ['r0', 'r1', 'r2', 'r3', 'r4']);
  assert.deepEqual(names(store, { sort: 'attributes.experiment DESC, tags.idx' }), ['r3', 'r4', 'r0', 'r1', 'r2']);
  assert.throws(() => store.listRuns({ sort: 'attributes.colour' }), QueryError);
  assert.throws(() => store.listRuns({ sort: [key('datasets', 'role')] }), /cannot sort by datasets/);
});

test('experiment, parent, limit and offset; countRuns agrees', (t) => {
  const { store, ids } = fixture(t);
  const child = store.createRun({ experiment: 'a', name: 'child', parentId: ids[0] });
  assert.deepEqual(names(store, { experiment: 'b' }), ['r4', 'r3']);
  assert.deepEqual(names(store, { parentId: ids[0] }), ['child']);
  assert.ok(!names(store, { parentId: null }).includes('child'));
  assert.equal(names(store, {}).length, 6);
  assert.deepEqual(names(store, { sort: 'attributes.name', limit: 2, offset: 1 }), ['r0', 'r1']);
  assert.deepEqual(names(store, { limit: 0 }), []);
  assert.equal(store.countRuns({ experiment: 'a' }), 4);
  assert.equal(store.countRuns({ filter: 'metrics.acc > 0.5', parentId: null }), 2);
  assert.equal(store.listRuns({ filter: 'metrics.acc > 0.5' }).length, 2);
  assert.equal(store.getRun(child.id).parentId, ids[0]);
});

test('listRuns over many runs batches its lookups correctly', (t) => {
  const { store } = tempStore(t);
  store.transaction(() => {
    for (let i = 0; i < 1500; i++) {
      const run = store.createRun({ experiment: 'e', name: `n${i}` });
      store.logParams(run.id, { i });
      store.logMetrics(run.id, [{ key: 'sq', value: i * i }]);
    }
  });
  const rows = store.listRuns({ filter: 'params.i >= 100' });
  assert.equal(rows.length, 1400);
  for (const r of rows) assert.equal(r.metrics.sq, Number(r.params.i) ** 2);
});
