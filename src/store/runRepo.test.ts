import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { StoreError } from './errors';
import { RUN_ID_RE } from './ids';
import { tempStore } from './testing/tempStore';

test('createRun fills defaults: hex id, readable name, running, times from the clock', (t) => {
  const { store, clock } = tempStore(t);
  const run = store.createRun({ experiment: 'iris', config: { model: { type: 'tree' } }, configPath: 'iris.train.yaml' });
  assert.match(run.id, RUN_ID_RE);
  assert.match(run.name, /^[a-z]+-[a-z]+-\d+$/);
  assert.equal(run.status, 'running');
  assert.equal(run.experiment, 'iris');
  assert.equal(run.createdAt, clock.t);
  assert.equal(run.startedAt, clock.t);
  assert.equal(run.heartbeatAt, clock.t);
  assert.equal(run.endedAt, null);
  assert.deepEqual(JSON.parse(run.configJson as string), { model: { type: 'tree' } });
  assert.equal(run.configPath, 'iris.train.yaml');
  assert.equal(run.starred, false);
});

test('createRun takes an id another store gave the run; a malformed or taken one is refused', (t) => {
  const { store } = tempStore(t);
  const id = 'a'.repeat(32);
  assert.equal(store.createRun({ id, experiment: 'iris' }).id, id);
  assert.throws(() => store.createRun({ id: 'ABC', experiment: 'iris' }), /not a run id: "ABC"/);
  assert.throws(() => store.createRun({ id, experiment: 'iris' }));
  assert.equal(store.listRuns({}).length, 1);
});

test('createRun stores every given attribute; queued runs have no start time', (t) => {
  const { store } = tempStore(t);
  const parent = store.createRun({ experiment: 'e', name: 'sweep' });
  const run = store.createRun({
    experiment: 'e', name: 'trial-1', parentId: parent.id, gitCommit: 'abc123', gitDirty: true, pid: 4242,
    status: 'queued', runlensVersion: '0.1.0', tags: { source: 'test' },
  });
  assert.equal(run.parentId, parent.id);
  assert.equal(run.gitCommit, 'abc123');
  assert.equal(run.gitDirty, true);
  assert.equal(run.pid, 4242);
  assert.equal(run.host, os.hostname());
  assert.equal(run.status, 'queued');
  assert.equal(run.startedAt, null);
  assert.equal(run.runlensVersion, '0.1.0');
  assert.deepEqual(store.getTags(run.id), { source: 'test' });
});

test('a queued run claimed by its worker records the worker\'s pid and host; a plain resume keeps them', (t) => {
  const { store } = tempStore(t);
  const parent = store.createRun({ experiment: 'e', name: 'sweep', pid: 1111 });
  const trial = store.createRun({ experiment: 'e', name: 'trial-1', parentId: parent.id, status: 'queued' });
  assert.equal(trial.pid, null, 'queued by the sweep: no process yet');
  store.setStatus(trial.id, 'running', { pid: 4343 });
  const claimed = store.getRun(trial.id);
  assert.equal(claimed.status, 'running');
  assert.equal(claimed.pid, 4343);
  assert.equal(claimed.host, os.hostname());
  assert.notEqual(claimed.startedAt, null);
  store.setStatus(trial.id, 'running');
  assert.equal(store.getRun(trial.id).pid, 4343);
});

test('generated names are unique within an experiment', (t) => {
  const { store } = tempStore(t);
  const names = new Set<string>();
  store.transaction(() => {
    for (let i = 0; i < 300; i++) names.add(store.createRun({ experiment: 'e' }).name);
  });
  assert.equal(names.size, 300);
});

test('createRun: experiment by id must exist, parent must exist, status must be known', (t) => {
  const { store } = tempStore(t);
  const exp = store.getOrCreateExperiment('e');
  assert.equal(store.getOrCreateExperiment('e').id, exp.id);
  assert.equal(store.createRun({ experiment: exp.id }).experimentId, exp.id);
  assert.throws(() => store.createRun({ experiment: 999 }), /no experiment with id 999/);
  assert.throws(() => store.createRun({ experiment: 'e', parentId: 'f'.repeat(32) }), /parent run f+ does not exist/);
  assert.throws(() => store.createRun({ experiment: 'e', status: 'done' as never }), /unknown run status "done"/);
  assert.throws(() => store.getOrCreateExperiment('  '), StoreError);
});

test('getRun resolves a full id, a unique prefix and a name', (t) => {
  const { store } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'alpha' });
  store.createRun({ experiment: 'e', name: 'beta' });
  assert.equal(store.getRun(a.id).id, a.id);
  assert.equal(store.getRun(a.id.toUpperCase()).id, a.id);
  assert.equal(store.getRun(a.id.slice(0, 8)).id, a.id);
  assert.equal(store.getRun('alpha').id, a.id);
  assert.throws(() => store.getRun('gamma'), (e: unknown) => e instanceof StoreError && /no run matches "gamma"/.test(e.message));
  assert.equal(store.findRun('gamma'), undefined);
});

test('getRun: a 3-char prefix is not a prefix, ambiguity lists the candidates', (t) => {
  const { store } = tempStore(t);
  const ids: string[] = [];
  store.transaction(() => {
    // Enough runs that two share a 4-char prefix is unlikely; build the ambiguity by name instead.
    ids.push(store.createRun({ experiment: 'a', name: 'same' }).id);
    ids.push(store.createRun({ experiment: 'b', name: 'same' }).id);
  });
  assert.throws(
    () => store.getRun('same'),
    (e: unknown) => e instanceof StoreError && /ambiguous/.test(e.message) && ids.every((id) => e.message.includes(id.slice(0, 8))) && /\(same, a\)/.test(e.message),
  );
  assert.equal(store.findRun(ids[0].slice(0, 3)), undefined);
});

test('getRun: an id prefix shared by two runs is ambiguous', (t) => {
  const { store } = tempStore(t);
  // Find two runs whose ids share 4 hex chars: ~65k buckets, so create runs until it happens.
  const seen = new Map<string, string>();
  let pair: [string, string] | undefined;
  store.transaction(() => {
    while (!pair) {
      const id = store.createRun({ experiment: 'e', name: 'x' }).id;
      const other = seen.get(id.slice(0, 4));
      if (other) pair = [other, id];
      seen.set(id.slice(0, 4), id);
    }
  });
  const [x, y] = pair as [string, string];
  assert.throws(() => store.getRun(x.slice(0, 4)), /ambiguous/);
  // A longer prefix that separates them resolves.
  let n = 5;
  while (x.slice(0, n) === y.slice(0, n)) n++;
  assert.equal(store.getRun(x.slice(0, n)).id, x);
});

test('setStatus: terminal statuses set ended_at and error; running clears them', (t) => {
  const { store, clock } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  clock.advance(5000);
  store.setStatus(run.id, 'failed', { error: 'boom' });
  let r = store.getRun(run.id);
  assert.equal(r.status, 'failed');
  assert.equal(r.endedAt, clock.t);
  assert.equal(r.error, 'boom');
  store.setStatus(run.id, 'running');
  r = store.getRun(run.id);
  assert.equal(r.endedAt, null);
  assert.equal(r.error, null);
  assert.equal(r.startedAt, clock.t - 5000); // kept
  store.setStatus(run.id, 'finished', { endedAt: 123 });
  r = store.getRun(run.id);
  assert.equal(r.endedAt, 123);
  assert.equal(r.error, null);
  assert.throws(() => store.setStatus(run.id, 'paused' as never), /unknown run status/);
  assert.throws(() => store.setStatus('0'.repeat(32), 'killed'), /no run with id/);
});

test('queued → running sets the start time', (t) => {
  const { store, clock } = tempStore(t);
  const run = store.createRun({ experiment: 'e', status: 'queued' });
  clock.advance(1000);
  store.setStatus(run.id, 'running');
  assert.equal(store.getRun(run.id).startedAt, clock.t);
});

test('heartbeat, star, note and rename', (t) => {
  const { store, clock } = tempStore(t);
  const a = store.createRun({ experiment: 'e', name: 'a' });
  const b = store.createRun({ experiment: 'e', name: 'b' });
  clock.advance(10);
  store.heartbeat([a.id, b.id]);
  assert.equal(store.getRun(a.id).heartbeatAt, clock.t);
  assert.equal(store.getRun(b.id).heartbeatAt, clock.t);
  store.setStar(a.id, true);
  store.setNote(a.id, 'best so far');
  store.rename(a.id, '  champion  ');
  const r = store.getRun(a.id);
  assert.equal(r.starred, true);
  assert.equal(r.note, 'best so far');
  assert.equal(r.name, 'champion');
  store.setNote(a.id, null);
  assert.equal(store.getRun(a.id).note, null);
  assert.throws(() => store.rename(a.id, ' '), /must not be empty/);
  assert.throws(() => store.heartbeat('1'.repeat(32)), /no run with id/);
  assert.throws(() => store.setStar('1'.repeat(32), true), /no run with id/);
});

test('listExperiments counts runs', (t) => {
  const { store } = tempStore(t);
  store.createRun({ experiment: 'b' });
  store.createRun({ experiment: 'b' });
  store.createRun({ experiment: 'a' });
  store.getOrCreateExperiment('empty');
  const list = store.listExperiments();
  assert.deepEqual(list.map((e) => [e.name, e.runCount]), [['a', 1], ['b', 2], ['empty', 0]]);
  assert.equal(list[2].lastRunAt, null);
});

test('transaction: an error rolls back everything done inside', (t) => {
  const { store } = tempStore(t);
  assert.throws(() =>
    store.transaction(() => {
      const run = store.createRun({ experiment: 'e', name: 'ghost' });
      store.logParams(run.id, { a: 1 });
      throw new Error('abort');
    }),
  /abort/);
  assert.equal(store.findRun('ghost'), undefined);
  assert.equal(store.listExperiments().length, 0);
});
