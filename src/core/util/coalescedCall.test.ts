import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoalescedCall } from './coalescedCall';

test('a burst of schedules becomes one call, due from the first schedule; a later burst another', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let calls = 0;
  const call = new CoalescedCall(() => calls++, 60);
  call.schedule();
  t.mock.timers.tick(40);
  call.schedule();
  call.schedule();
  assert.equal(calls, 0, 'not before the delay');
  t.mock.timers.tick(19);
  assert.equal(calls, 0, 'not at 59 ms');
  t.mock.timers.tick(1);
  assert.equal(calls, 1, 'one call at 60 ms from the first schedule');
  t.mock.timers.tick(1000);
  assert.equal(calls, 1, 'the burst made one call');
  call.schedule();
  t.mock.timers.tick(59);
  assert.equal(calls, 1);
  t.mock.timers.tick(1);
  assert.equal(calls, 2, 'a later burst makes another, 60 ms after its first schedule');
  call.dispose();
});

test('dispose drops a pending call', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let calls = 0;
  const call = new CoalescedCall(() => calls++, 20);
  call.schedule();
  call.dispose();
  t.mock.timers.tick(1000);
  assert.equal(calls, 0);
});
