import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualTimers } from '../../core/util/manualTimers';
import { ClusterJobsPoller } from './clusterJobsPoller';

/** A poller whose sync answers from a script of results (a number of live runs, or an error to throw). */
function pollerWith(results: (number | Error)[], o: { maxBackoffMs?: number } = {}) {
  const timers = new ManualTimers();
  const errors: string[] = [];
  let calls = 0;
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const poller = new ClusterJobsPoller({
    timers,
    intervalMs: 2_000,
    ...o,
    onError: (e) => errors.push(e.message),
    sync: async () => {
      calls++;
      if (gate.hold) await new Promise<void>((r) => (release = r));
      const next = results.shift();
      if (next === undefined) throw new Error('sync called more often than the test expected');
      if (next instanceof Error) throw next;
      return next;
    },
  });
  return { poller, timers, errors, calls: () => calls, gate, release: () => release?.() };
}

test('start-up syncs once; with nothing live it stops there (no timer, no further Slurm calls)', async () => {
  const { poller, timers, calls } = pollerWith([0]);
  poller.kick();
  await poller.idle();
  assert.equal(calls(), 1);
  assert.equal(poller.liveRuns, 0);
  assert.deepEqual(timers.pendingDelays, []);
});

test('while jobs are live it polls every interval, and stops once the last one ended', async () => {
  const { poller, timers, calls } = pollerWith([2, 1, 0]);
  poller.kick();
  await poller.idle();
  assert.deepEqual(timers.pendingDelays, [2_000]);
  timers.fire();
  await poller.idle();
  assert.equal(poller.liveRuns, 1);
  assert.deepEqual(timers.pendingDelays, [2_000]);
  timers.fire();
  await poller.idle();
  assert.equal(calls(), 3);
  assert.deepEqual(timers.pendingDelays, [], 'idle: no polling');
});

test('a kick (a submit) wakes an idle poller; a kick during a sync runs one more sync after it, not two at once', async () => {
  const { poller, timers, calls, gate, release } = pollerWith([0, 1, 1, 0]);
  poller.kick();
  await poller.idle();
  assert.deepEqual(timers.pendingDelays, []);
  gate.hold = true;
  poller.kick();
  poller.kick();
  poller.kick();
  assert.equal(calls(), 2, 'the second and third kick wait for the sync under way');
  gate.hold = false;
  release();
  await poller.idle();
  assert.equal(calls(), 3, 'the waiting kicks ran as one sync');
  assert.deepEqual(timers.pendingDelays, [2_000]);
  // a kick while a poll is scheduled replaces it (no second timer)
  poller.kick();
  await poller.idle();
  assert.equal(calls(), 4);
  assert.deepEqual(timers.pendingDelays, []);
});

test('failed syncs are told once per message and retried with a growing wait up to the cap; success resets it', async () => {
  const down = new Error("Slurm's commands are not on PATH here");
  const { poller, timers, errors } = pollerWith([3, down, down, down, new Error('other'), 2, 0], { maxBackoffMs: 10_000 });
  poller.kick();
  await poller.idle();
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    delays.push(...timers.pendingDelays);
    timers.fire();
    await poller.idle();
  }
  assert.deepEqual(delays, [2_000, 4_000, 8_000, 10_000, 10_000, 2_000]);
  assert.deepEqual(errors, [down.message, 'other']);
  assert.equal(poller.liveRuns, 0);
  assert.deepEqual(timers.pendingDelays, []);
});

test('dispose cancels the next poll and ignores later kicks', async () => {
  const { poller, timers, calls } = pollerWith([1]);
  poller.kick();
  await poller.idle();
  assert.deepEqual(timers.pendingDelays, [2_000]);
  poller.dispose();
  assert.deepEqual(timers.pendingDelays, []);
  poller.kick();
  await poller.idle();
  assert.equal(calls(), 1);
});
