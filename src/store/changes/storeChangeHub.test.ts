import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { test } from 'node:test';
import { ManualTimers } from '../../core/util/manualTimers';
import { RunStore } from '../runStore';
import { tempStore } from '../testing/tempStore';
import { StoreChangeHub } from './storeChangeHub';
import type { StoreChange } from './storeSnapshot';

/** A hub on `store` whose ticks the test fires, and the events it emitted. */
function hubOn(store: RunStore, timers = new ManualTimers()) {
  const events: StoreChange[] = [];
  const errors: unknown[] = [];
  const hub = new StoreChangeHub(store.changes, { timers, pollMs: 250, onError: (e) => errors.push(e) });
  hub.onDidChange((c) => events.push(c));
  return { hub, timers, events, errors };
}

test('writes by another connection reach the hub as typed events, one per tick however many commits', (t) => {
  const { store, dir } = tempStore(t);
  const other = RunStore.open(dir);
  t.after(() => other.close());
  const { hub, timers, events } = hubOn(store);
  t.after(() => hub.dispose());
  assert.deepEqual(timers.pendingDelays, [250]);

  timers.fire(); // nothing committed: no event
  assert.equal(events.length, 0);

  const run = other.createRun({ experiment: 'e', name: 'live' });
  other.setStatus(run.id, 'running');
  timers.fire();
  assert.equal(events.length, 1);
  assert.deepEqual(events[0]!.runsCreated, [run.id]);

  // a burst of 20 metric batches: one event naming the run
  for (let i = 0; i < 20; i++) other.logMetrics(run.id, [{ key: 'loss', value: 1 / (i + 1), step: i }]);
  timers.fire();
  assert.equal(events.length, 2);
  assert.deepEqual(events[1], { runsCreated: [], runStatusChanged: [], metricsAppended: [run.id], runsEdited: false, registryChanged: false, datasetsChanged: false });

  other.setStatus(run.id, 'finished');
  timers.fire();
  assert.deepEqual(events[2]!.runStatusChanged, [{ runId: run.id, status: 'finished' }]);

  other.datasets.logInput(run.id, { fingerprint: 'a'.repeat(64), path: 'd.csv', rows: 3 }, 'train');
  timers.fire();
  assert.equal(events[3]!.datasetsChanged, true);
  assert.equal(events.length, 4);
  assert.deepEqual(timers.pendingDelays, [250], 'one tick scheduled at a time');
});

test('the editor\'s own writes are seen too (no explicit refresh needed), and pollNow looks at once, coalesced', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.setStatus(run.id, 'finished');
  const { hub, timers, events } = hubOn(store);
  t.after(() => hub.dispose());
  store.setStar(run.id, true);
  hub.pollNow();
  hub.pollNow();
  assert.deepEqual(timers.pendingDelays, [0]);
  timers.fire();
  // an edit of a row: an event with no typed part (views re-read the rows they show)
  assert.deepEqual(events, [{ runsCreated: [], runStatusChanged: [], metricsAppended: [], runsEdited: false, registryChanged: false, datasetsChanged: false }]);
  assert.deepEqual(timers.pendingDelays, [250]);
  store.deleteRun(run.id);
  timers.fire();
  assert.equal(events[1]!.runsEdited, true, 'a deleted run is told');
  timers.fire();
  assert.equal(events.length, 2);
});

test('a run that goes from queued to running to gone is told each time', (t) => {
  const { store, dir } = tempStore(t);
  const other = RunStore.open(dir);
  t.after(() => other.close());
  const run = other.createRun({ experiment: 'e' });
  other.setStatus(run.id, 'queued');
  const { hub, timers, events } = hubOn(store);
  t.after(() => hub.dispose());
  other.setStatus(run.id, 'running');
  timers.fire();
  assert.deepEqual(events[0]!.runStatusChanged, [{ runId: run.id, status: 'running' }]);
  other.deleteRun(run.id);
  timers.fire();
  assert.deepEqual(events[1]!.runStatusChanged, [{ runId: run.id, status: 'deleted' }]);
  assert.equal(events[1]!.runsEdited, true);
});

test('a run written by another process (the CLI, a worker) is seen once, at the next tick', async (t) => {
  const { store, dir } = tempStore(t);
  const { hub, timers, events } = hubOn(store);
  t.after(() => hub.dispose());
  const script = path.join(__dirname, '..', 'testing', 'concurrentWriter.ts');
  const child = fork(script, [dir, '200', '10', 'from-child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const [message] = (await once(child, 'message')) as [{ runId: string }];
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, stderr);
  timers.fire();
  assert.equal(events.length, 1, 'twenty batches, tags, an artifact and the end: one event');
  assert.deepEqual(events[0]!.runsCreated, [message.runId]);
  timers.fire();
  assert.equal(events.length, 1, 'nothing new: no second event');
});

test('a store that fails for good stops the hub and hands the error over; a disposed hub emits nothing', (t) => {
  const { store, dir } = tempStore(t);
  const other = RunStore.open(dir);
  t.after(() => other.close());
  const { hub, timers, events, errors } = hubOn(store);
  store.close();
  timers.fire();
  assert.equal(errors.length, 1);
  assert.deepEqual(timers.pendingDelays, [], 'no further tick');
  hub.dispose();

  const { store: s2, dir: d2 } = tempStore(t);
  const w = RunStore.open(d2);
  t.after(() => w.close());
  const second = hubOn(s2);
  second.hub.dispose();
  w.createRun({ experiment: 'e' });
  assert.deepEqual(second.timers.pendingDelays, []);
  assert.equal(second.events.length + events.length, 0);
});

test('registry writes (a model created, its description and tags changed) are told as registry changes', (t) => {
  const { store, dir } = tempStore(t);
  const other = RunStore.open(dir);
  t.after(() => other.close());
  const { hub, timers, events } = hubOn(store);
  t.after(() => hub.dispose());
  other.registry.createModel('iris');
  timers.fire();
  other.registry.updateModel('iris', { tags: { team: 'a' } });
  timers.fire();
  other.registry.updateModel('iris', { tags: { team: 'bb' } });
  timers.fire();
  assert.deepEqual(events.map((e) => [e.registryChanged, e.runsCreated.length, e.datasetsChanged]), [[true, 0, false], [true, 0, false], [true, 0, false]]);
});
