import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { CoalescedCall } from './coalescedCall';

test('a burst of schedules becomes one call, due from the first schedule; a later burst another', async () => {
  let calls = 0;
  const call = new CoalescedCall(() => calls++, 60);
  call.schedule();
  await sleep(40);
  call.schedule();
  call.schedule();
  assert.equal(calls, 0, 'not before the delay');
  // Timers fire in due order: this one (due at >= 70 ms) after the call (due at 60 ms), before a restarted one (>= 100 ms).
  await sleep(30);
  assert.equal(calls, 1);
  call.schedule();
  await sleep(90);
  assert.equal(calls, 2);
  call.dispose();
});

test('dispose drops a pending call', async () => {
  let calls = 0;
  const call = new CoalescedCall(() => calls++, 20);
  call.schedule();
  call.dispose();
  await sleep(50);
  assert.equal(calls, 0);
});
