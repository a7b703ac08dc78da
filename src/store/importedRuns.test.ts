import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempStore } from './testing/tempStore';

test('createRunAt keeps the given id, times and status; refuses a taken or malformed id', (t) => {
  const { store } = tempStore(t);
  const id = 'a'.repeat(32);
  const run = store.createRunAt({ experiment: 'imp', id, name: 'old-run', status: 'finished', createdAt: 1000, startedAt: 1000, endedAt: 5000, tags: { k: 'v' } });
  assert.deepEqual([run.id, run.name, run.status, run.createdAt, run.startedAt, run.endedAt, run.heartbeatAt], [id, 'old-run', 'finished', 1000, 1000, 5000, null]);
  assert.deepEqual(store.getTags(id), { k: 'v' });
  assert.throws(() => store.createRunAt({ experiment: 'imp', id, status: 'finished', createdAt: 1 }), /a run with id a{32} already exists/);
  assert.throws(() => store.createRunAt({ experiment: 'imp', id: 'XYZ', status: 'finished', createdAt: 1 }), /invalid run id "XYZ"/);
  const live = store.createRunAt({ experiment: 'imp', status: 'running', createdAt: 2000, startedAt: 2000, endedAt: 9, pid: process.pid });
  assert.deepEqual([live.endedAt, live.heartbeatAt, live.pid], [null, 2000, process.pid], 'a live run has no end and heartbeats from its start');
  assert.deepEqual(store.findRunIdsByTag('k', 'v'), [id]);
  assert.deepEqual(store.findRunIdsByTag('k', 'w'), []);
});

test('setParent links runs and refuses cycles and unknown parents', (t) => {
  const { store } = tempStore(t);
  const a = store.createRun({ experiment: 'e' });
  const b = store.createRun({ experiment: 'e' });
  const c = store.createRun({ experiment: 'e' });
  store.setParent(b.id, a.id);
  store.setParent(c.id, b.id);
  assert.equal(store.getRun(c.id).parentId, b.id);
  assert.throws(() => store.setParent(a.id, c.id), /descends from it/);
  assert.throws(() => store.setParent(a.id, a.id), /descends from it/);
  assert.throws(() => store.setParent(a.id, 'f'.repeat(32)), /parent run f{32} does not exist/);
  store.setParent(c.id, null);
  assert.equal(store.getRun(c.id).parentId, null);
});
