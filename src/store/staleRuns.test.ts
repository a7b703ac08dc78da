import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from './runStore';
import { Sql, openConnection } from './connection';
import { markStaleRuns, pidAlive } from './staleRuns';
import { FakeClock, tempDir } from './testing/tempStore';

/** The pid of a real process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid as number;
  await once(child, 'exit');
  return pid;
}

test('a run whose process died on this host is marked failed when the store opens', async (t) => {
  const dir = tempDir(t);
  const pid = await deadPid();
  assert.equal(pidAlive(pid), false);
  const clock = new FakeClock();
  const a = RunStore.open(dir, { now: clock.now });
  const dead = a.createRun({ experiment: 'e', pid });
  const alive = a.createRun({ experiment: 'e', pid: process.pid });
  a.logMetrics(dead.id, [{ key: 'loss', value: 0.5 }, { key: 'loss', value: 0.4 }]);
  a.close();
  clock.advance(1000);
  const b = RunStore.open(dir, { now: clock.now });
  t.after(() => b.close());
  const r = b.getRun(dead.id);
  assert.equal(r.status, 'failed');
  assert.equal(r.error, `process ${pid} died without finishing`);
  assert.equal(r.endedAt, clock.t - 1000); // its last sign of life
  assert.equal(b.getRun(alive.id).status, 'running');
  // Its metrics are kept.
  assert.equal(b.getMetricSummaries(dead.id)[0].count, 2);
});

test('a live local pid is trusted over an old heartbeat', (t) => {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const s = RunStore.open(dir, { now: clock.now, staleAfterMs: 60_000 });
  t.after(() => s.close());
  const run = s.createRun({ experiment: 'e', pid: process.pid });
  clock.advance(10 * 60_000);
  assert.deepEqual(s.markStaleRuns(), []);
  assert.equal(s.getRun(run.id).status, 'running');
});

test('without a checkable pid, a heartbeat older than the threshold marks the run failed', (t) => {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const s = RunStore.open(dir, { now: clock.now, staleAfterMs: 60_000 });
  t.after(() => s.close());
  const silent = s.createRun({ experiment: 'e' });
  const remote = s.createRun({ experiment: 'e', pid: 1, host: 'another-machine' });
  const beating = s.createRun({ experiment: 'e' });
  const queued = s.createRun({ experiment: 'e', status: 'queued' });
  const done = s.createRun({ experiment: 'e' });
  s.setStatus(done.id, 'finished');
  const lastBeat = clock.t;
  clock.advance(59_000);
  s.heartbeat(beating.id);
  assert.deepEqual(s.markStaleRuns(), []);
  clock.advance(2_000);
  assert.deepEqual(new Set(s.markStaleRuns()), new Set([silent.id, remote.id, queued.id]));
  const r = s.getRun(silent.id);
  assert.equal(r.status, 'failed');
  assert.equal(r.error, `no heartbeat since ${new Date(lastBeat).toISOString()}`);
  assert.equal(r.endedAt, lastBeat);
  assert.equal(s.getRun(beating.id).status, 'running');
  assert.equal(s.getRun(done.id).status, 'finished');
  assert.equal(s.getRun(done.id).error, null);
});

test('listRuns checks for stale runs, at most every few seconds', (t) => {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const s = RunStore.open(dir, { now: clock.now, staleAfterMs: 1000 });
  t.after(() => s.close());
  const run = s.createRun({ experiment: 'e' });
  clock.advance(2000); // stale now, but the open-time check was 2 s ago
  assert.equal(s.listRuns()[0].status, 'running');
  clock.advance(3000);
  assert.equal(s.listRuns()[0].status, 'failed');
  assert.equal(s.getRun(run.id).status, 'failed');
});

test('a read-only store never marks runs', (t) => {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const rw = RunStore.open(dir, { now: clock.now });
  const run = rw.createRun({ experiment: 'e' });
  rw.close();
  clock.advance(3_600_000);
  const ro = RunStore.open(dir, { now: clock.now, readonly: true });
  t.after(() => ro.close());
  assert.equal(ro.listRuns()[0].status, 'running');
  assert.deepEqual(ro.markStaleRuns(), []);
  assert.equal(ro.getRun(run.id).status, 'running');
});

test('a run that heartbeats between the check and the write is left alone', (t) => {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const s = RunStore.open(dir, { now: clock.now });
  t.after(() => s.close());
  const run = s.createRun({ experiment: 'e', pid: 999_999 });
  clock.advance(1000);
  const sql = new Sql(openConnection(path.join(dir, 'store.db'), false), false);
  t.after(() => sql.db.close());
  // isAlive runs after the live runs were read and before the update: the
  // trainer's heartbeat lands right then, so the run must not be marked.
  const marked = markStaleRuns(sql, {
    now: clock.t,
    staleAfterMs: 60_000,
    isAlive: () => {
      s.heartbeat(run.id);
      return false;
    },
  });
  assert.deepEqual(marked, []);
  assert.equal(s.getRun(run.id).status, 'running');
  // Without the heartbeat, the same check marks it.
  assert.deepEqual(markStaleRuns(sql, { now: clock.t, staleAfterMs: 60_000, isAlive: () => false }), [run.id]);
});

test('a run computing on a cluster (tag runlens.compute), and the runs under it, are never marked stale here', (t) => {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const s = RunStore.open(dir, { now: clock.now, staleAfterMs: 60_000 });
  t.after(() => s.close());
  const job = s.createRun({ experiment: 'e', status: 'queued', tags: { 'runlens.compute': 'slurm' } });
  s.setStatus(job.id, 'running');
  const fold = s.createRun({ experiment: 'e', parentId: job.id });
  const grandchild = s.createRun({ experiment: 'e', parentId: fold.id, status: 'queued' });
  // A dead pid on this host does not count either: the job's process is on a compute node.
  const withPid = s.createRun({ experiment: 'e', pid: 999_999, tags: { 'runlens.compute': 'slurm' } });
  const local = s.createRun({ experiment: 'e', tags: { 'runlens.compute': 'local' } });
  const plain = s.createRun({ experiment: 'e' });
  clock.advance(3_600_000);
  assert.deepEqual(new Set(s.markStaleRuns()), new Set([local.id, plain.id]));
  for (const r of [job, fold, grandchild, withPid]) assert.notEqual(s.getRun(r.id).status, 'failed', r.id);
});
