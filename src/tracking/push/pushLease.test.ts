/**
 * The push lease against real processes: a lock held by a live process is
 * respected, one left by a process that is gone is taken over, and a waiting
 * push takes it once released (timers fired by the test).
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualTimers } from '../../core/util/manualTimers';
import { leasePath, takePushLease, tryPushLease } from './pushLease';

const SERVER = 'http://127.0.0.1:5000';
const dirs: string[] = [];
function storeDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'runlens-lease-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function writeLock(dir: string, runId: string, pid: number, host = hostname()): string {
  const path = leasePath(dir, runId, SERVER);
  mkdirSync(join(dir, 'locks'), { recursive: true });
  writeFileSync(path, JSON.stringify({ pid, host, since: Date.now() }));
  return path;
}

test('a lease is one holder at a time, in one process as across processes; released, it is free again', () => {
  const dir = storeDir();
  const first = tryPushLease(dir, 'r1', SERVER);
  assert.ok('lease' in first);
  const second = tryPushLease(dir, 'r1', SERVER);
  assert.ok('heldBy' in second);
  assert.equal(second.heldBy.pid, process.pid);
  assert.ok('lease' in tryPushLease(dir, 'r2', SERVER), 'another run is another lease');
  assert.ok('lease' in tryPushLease(dir, 'r1', 'http://other:5000'), 'another server is another lease');
  first.lease.release();
  const third = tryPushLease(dir, 'r1', SERVER);
  assert.ok('lease' in third);
  third.lease.release();
});

test('a lock held by a live process is respected; once that process is gone, it is taken over', async () => {
  const dir = storeDir();
  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    writeLock(dir, 'r1', holder.pid!);
    const held = tryPushLease(dir, 'r1', SERVER);
    assert.ok('heldBy' in held);
    assert.equal(held.heldBy.pid, holder.pid);
  } finally {
    holder.kill('SIGKILL');
    await once(holder, 'exit');
  }
  const taken = tryPushLease(dir, 'r1', SERVER);
  assert.ok('lease' in taken, 'the holder is gone: its lock is stale');
  taken.lease.release();
  assert.deepEqual(readdirSync(join(dir, 'locks')), []);
});

test('a lock of this process that it does not hold (left by an earlier push in a reused pid) is stale; one from another host is not judged', () => {
  const dir = storeDir();
  writeLock(dir, 'r1', process.pid);
  const taken = tryPushLease(dir, 'r1', SERVER);
  assert.ok('lease' in taken);
  taken.lease.release();
  const other = writeLock(dir, 'r2', 1, 'build-box-7');
  const held = tryPushLease(dir, 'r2', SERVER);
  assert.ok('heldBy' in held);
  assert.equal(held.heldBy.host, 'build-box-7');
  assert.equal(held.path, other);
});

test('an exited process\'s pid: spawnSync\'s child is reaped, its lock is stale', () => {
  const dir = storeDir();
  const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  writeLock(dir, 'r1', Number(gone.stdout.trim()));
  assert.ok('lease' in tryPushLease(dir, 'r1', SERVER));
});

test('a waiting push takes the lease once the holder releases it', async () => {
  const dir = storeDir();
  const first = tryPushLease(dir, 'r1', SERVER);
  assert.ok('lease' in first);
  const timers = new ManualTimers();
  let got = false;
  const waiting = takePushLease(dir, 'r1', SERVER, { timers }).then((l) => {
    got = true;
    return l;
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(timers.pendingDelays, [50], 'it waits, backing off');
  timers.fire();
  await new Promise((r) => setImmediate(r));
  assert.equal(got, false);
  assert.deepEqual(timers.pendingDelays, [100]);
  first.lease.release();
  timers.fire();
  (await waiting).release();
  assert.equal(got, true);
});

test('a holder that never lets go: the wait ends with one line naming the process and the lock file; abort ends it too', async () => {
  const dir = storeDir();
  const first = tryPushLease(dir, 'r1', SERVER);
  assert.ok('lease' in first);
  const timers = new ManualTimers();
  const gaveUp = takePushLease(dir, 'r1', SERVER, { timers, maxWaitMs: 100 });
  for (let i = 0; i < 2; i++) {
    await new Promise((r) => setImmediate(r));
    timers.fire();
  }
  await assert.rejects(gaveUp, (e: Error) => e.message.includes(`by process ${process.pid}`) && e.message.includes(leasePath(dir, 'r1', SERVER)));
  const controller = new AbortController();
  const aborted = takePushLease(dir, 'r1', SERVER, { timers, signal: controller.signal });
  await new Promise((r) => setImmediate(r));
  controller.abort(new Error('cancelled'));
  await assert.rejects(aborted, /cancelled/);
  first.lease.release();
});
