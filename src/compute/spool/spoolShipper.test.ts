/**
 * SpoolShipper and ingestSpool in one process, on real stores and real files:
 * everything a run holds travels through the spool; timers are fired by hand.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { TestContext } from 'node:test';
import { ManualTimers } from '../../core/util/manualTimers';
import { RunStore } from '../../store/runStore';
import { FakeClock, tempDir } from '../../store/testing/tempStore';
import { ingestSpool, TAG_SPOOL_OFFSET } from './ingestSpool';
import { readSpoolLines, spoolPaths } from './spoolEvents';
import { SpoolShipper } from './spoolShipper';
import { runContent } from './testing/runContent';

const IGNORE = ['runlens.spool.*'];

function setup(t: TestContext) {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const scratch = RunStore.open(path.join(dir, 'scratch'), { now: clock.now });
  const ws = RunStore.open(path.join(dir, 'ws'), { now: clock.now });
  t.after(() => (scratch.close(), ws.close()));
  const taskDir = path.join(dir, 'jobs', 'r', '0');
  fs.mkdirSync(taskDir, { recursive: true });
  const tags = { 'runlens.compute': 'slurm', 'slurm.job_id': '42' };
  const config = { model: { type: 'mlp' }, data: { path: 'd.csv' } };
  const wsRun = ws.createRun({ experiment: 'hpc', name: 'job-run', config, status: 'queued', tags });
  const root = scratch.createRun({ experiment: 'hpc', name: 'job-run', config, status: 'queued', tags });
  const timers = new ManualTimers();
  const shipper = new SpoolShipper({ store: scratch, rootRunId: root.id, taskDir, timers, intervalMs: 1000 });
  return { dir, clock, scratch, ws, taskDir, wsRun, root, timers, shipper };
}

test('a run with folds, params, tags, NaN metrics, artifacts and dataset snapshots arrives whole, live, and once', (t) => {
  const { dir, scratch, ws, taskDir, wsRun, root, timers, shipper } = setup(t);
  shipper.start();
  assert.deepEqual(timers.pendingDelays, [1000]);
  timers.fire();
  assert.deepEqual(timers.pendingDelays, [1000], 'rescheduled');
  assert.equal(ingestSpool(ws, taskDir, wsRun.id).events, 3, 'the run, its queued status and its tags');
  assert.equal(ws.getRun(wsRun.id).status, 'queued');

  scratch.setStatus(root.id, 'running', { pid: process.pid });
  scratch.logParams(root.id, { lr: 0.1, layers: '[16, 8]', flag: true });
  scratch.setTags(root.id, { team: 'ml', 'runlens.spool.offset': '999' });
  scratch.logMetrics(root.id, [{ key: 'loss', value: 1, step: 0 }, { key: 'loss', value: NaN, step: 1 }, { key: 'acc', value: -Infinity, step: 0 }]);
  const data = path.join(dir, 'd.csv');
  fs.writeFileSync(data, 'a,b\n1,2\n');
  const fp = createHash('sha256').update(fs.readFileSync(data)).digest('hex');
  scratch.datasets.logInput(root.id, { fingerprint: fp, path: data, rows: 1, columns: 2, schema: { a: 'int' } }, 'train');
  assert.equal(scratch.datasets.snapshotDataset(fp, data), 'stored');
  const fold = scratch.createRun({ experiment: 'hpc', name: 'job-run-fold-1', parentId: root.id, status: 'running' });
  scratch.logMetrics(fold.id, Array.from({ length: 2500 }, (_, i) => ({ key: 'val_loss', value: 1 / (i + 1), step: i })));
  timers.fire();

  const live = ingestSpool(ws, taskDir, wsRun.id);
  assert.equal(live.points, 2503);
  const wsNow = ws.getRun(wsRun.id);
  assert.equal(wsNow.status, 'running');
  assert.equal(wsNow.pid, null, 'never a pid on the workspace run: its process is elsewhere');
  assert.equal(ws.getTags(wsRun.id)[TAG_SPOOL_OFFSET], String(fs.statSync(spoolPaths(taskDir).events).size), 'a spool cannot move its own offset');
  const wsFold = ws.listRuns({ parentId: wsRun.id });
  assert.deepEqual(wsFold.map((r) => [r.name, r.status, r.pid]), [['job-run-fold-1', 'running', null]]);

  scratch.logMetrics(fold.id, [{ key: 'val_loss', value: 0, step: 2500 }]);
  scratch.setStatus(fold.id, 'finished');
  scratch.logArtifact(root.id, 'model/model.json', '{"w":[1,2]}', 'model');
  scratch.setTags(root.id, { team: null });
  scratch.setStatus(root.id, 'finished');
  shipper.finish({ status: 'finished', exitCode: 0 });
  assert.deepEqual(timers.pendingDelays, [], 'finish stops the timer');

  const last = ingestSpool(ws, taskDir, wsRun.id);
  assert.deepEqual(last.ended, { status: 'finished', exitCode: 0, error: null });
  assert.deepEqual(ingestSpool(ws, taskDir, wsRun.id), { events: 0, points: 0, malformed: 0, offset: last.offset, problems: [] }, 'a second ingest adds nothing');

  const sent = runContent(scratch, root.id, { ignoreTags: IGNORE, timestamps: true });
  const got = runContent(ws, wsRun.id, { ignoreTags: IGNORE, timestamps: true });
  assert.deepEqual({ ...got, inputs: sent.inputs }, sent);
  assert.deepEqual(got.inputs, [`train ${fp} d.csv`], 'a file inside the workspace is recorded relative to it, as a local run records it');
  assert.equal(got.tags.team, undefined, 'a removed tag is removed');
  assert.equal(got.metrics.loss!.values[1], 'NaN');
  assert.equal(ws.getRun(wsRun.id).endedAt, scratch.getRun(root.id).endedAt, 'the end time is the node\'s');
  assert.deepEqual(fs.readFileSync(ws.datasets.datasetSnapshotPath(fp)!), fs.readFileSync(data), 'the dataset snapshot arrived');
  assert.equal(ws.datasets.getDataset(fp)?.rows, 1);
});

test('a status already terminal in the workspace (cancelled, or ended by Slurm) is never reopened by the spool', (t) => {
  const { scratch, ws, taskDir, wsRun, root, shipper } = setup(t);
  scratch.setStatus(root.id, 'running');
  scratch.logMetrics(root.id, [{ key: 'loss', value: 1, step: 0 }]);
  shipper.flush();
  ws.setStatus(wsRun.id, 'killed', { error: 'cancelled' });
  assert.equal(ingestSpool(ws, taskDir, wsRun.id).points, 1, 'what it logged is still kept');
  scratch.setStatus(root.id, 'failed', { error: 'boom' });
  shipper.finish({ status: 'failed', exitCode: 1 });
  ingestSpool(ws, taskDir, wsRun.id);
  assert.deepEqual([ws.getRun(wsRun.id).status, ws.getRun(wsRun.id).error], ['killed', 'cancelled']);
});

test('an event the store refuses is skipped and reported, and the rest of the spool still arrives', (t) => {
  const { scratch, ws, taskDir, wsRun, root, shipper } = setup(t);
  ws.logParams(wsRun.id, { lr: 1 });
  scratch.setStatus(root.id, 'running');
  scratch.logParams(root.id, { lr: 2 });
  scratch.logMetrics(root.id, [{ key: 'loss', value: 1, step: 0 }]);
  shipper.finish({ status: 'finished', exitCode: 0 });
  const r = ingestSpool(ws, taskDir, wsRun.id);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!, /events\.jsonl, byte \d+: the "params" event was not applied: param "lr" of run .* is already "1"; cannot change it to "2"/);
  assert.deepEqual(ws.getParams(wsRun.id), { lr: '1' });
  assert.equal(r.points, 1);
  assert.equal(ws.getRun(wsRun.id).status, 'finished');
  assert.deepEqual(ingestSpool(ws, taskDir, wsRun.id).problems, [], 'reported once: the offset moved past it');
});

test('large artifacts (each applied in a transaction of its own) arrive byte for byte, replacing in order', (t) => {
  const { scratch, ws, taskDir, wsRun, root, shipper } = setup(t);
  const a = Buffer.alloc(9 * 2 ** 20, 1);
  const b = Buffer.alloc(9 * 2 ** 20, 2);
  scratch.logArtifact(root.id, 'ckpt/epoch-1.pt', a);
  shipper.flush();
  scratch.logArtifact(root.id, 'ckpt/last.pt', a);
  shipper.flush();
  scratch.logArtifact(root.id, 'ckpt/last.pt', b);
  shipper.finish({ status: 'finished', exitCode: 0 });
  const r = ingestSpool(ws, taskDir, wsRun.id);
  assert.deepEqual(r.problems, []);
  const got = new Map(ws.listArtifacts(wsRun.id).map((x) => [x.path, fs.readFileSync(ws.artifactPath(x.sha256))]));
  assert.deepEqual([...got.keys()].sort(), ['ckpt/epoch-1.pt', 'ckpt/last.pt']);
  assert.ok(got.get('ckpt/epoch-1.pt')!.equals(a) && got.get('ckpt/last.pt')!.equals(b), 'the last write of a path wins, as on the node');
});

test('a large artifact is copied into the workspace store before the write lock is taken; the transaction only references it', (t) => {
  const { scratch, ws, taskDir, wsRun, root, shipper } = setup(t);
  const big = Buffer.alloc(9 * 2 ** 20, 7);
  scratch.logArtifact(root.id, 'model.bin', big);
  shipper.finish({ status: 'finished', exitCode: 0 });
  // Another writer (a trainer, the editor) tries the write lock while the copy is made: it must get it at once.
  const other = new Database(path.join(ws.dir, 'store.db'), { timeout: 0 });
  t.after(() => other.close());
  const stage = ws.stageArtifactFile.bind(ws);
  const log = ws.logArtifact.bind(ws);
  let staged = 0;
  const sources: unknown[] = [];
  ws.stageArtifactFile = (file) => {
    other.exec('BEGIN IMMEDIATE');
    other.exec('ROLLBACK');
    staged++;
    return stage(file);
  };
  ws.logArtifact = (runId, p, source, kind) => (sources.push(source), log(runId, p, source, kind));
  const r = ingestSpool(ws, taskDir, wsRun.id);
  assert.deepEqual(r.problems, []);
  assert.equal(staged, 1);
  assert.deepEqual(sources, [{ blob: createHash('sha256').update(big).digest('hex') }], 'logged from the staged blob, not copied again');
  const a = ws.listArtifacts(wsRun.id).find((x) => x.path === 'model.bin')!;
  assert.ok(fs.readFileSync(ws.artifactPath(a.sha256)).equals(big));
  assert.equal(a.size, big.length);
});

test('the end event ends a root that never recorded its own end (its trainer died)', (t) => {
  const { scratch, ws, taskDir, wsRun, root, shipper } = setup(t);
  scratch.setStatus(root.id, 'running');
  shipper.finish({ status: 'failed', exitCode: 3 });
  const r = ingestSpool(ws, taskDir, wsRun.id);
  assert.deepEqual(r.ended, { status: 'failed', exitCode: 3, error: null });
  assert.deepEqual([ws.getRun(wsRun.id).status, ws.getRun(wsRun.id).error], ['failed', 'the job exited with code 3']);
});

test('an idle run heartbeats; a partial last line waits; a torn line left by a killed writer is skipped after a restart', (t) => {
  const { scratch, ws, taskDir, wsRun, root, shipper, clock } = setup(t);
  scratch.setStatus(root.id, 'running');
  shipper.flush();
  ingestSpool(ws, taskDir, wsRun.id);
  const beatBefore = ws.getRun(wsRun.id).heartbeatAt;
  clock.advance(5000);
  assert.deepEqual(shipper.flush(), { events: 1, points: 0 }, 'nothing changed: one heartbeat');
  const file = spoolPaths(taskDir).events;
  assert.equal(readSpoolLines(file, 0).lines.at(-1)?.event.t, 'heartbeat');
  ingestSpool(ws, taskDir, wsRun.id);
  assert.equal(ws.getRun(wsRun.id).heartbeatAt, beatBefore! + 5000);
  shipper.dispose();

  // The job is killed in the middle of a line.
  const torn = '{"t":"metrics","id":"' + root.id + '","points":[{"key":"loss","val';
  fs.appendFileSync(file, torn);
  const before = ingestSpool(ws, taskDir, wsRun.id);
  assert.equal(before.events, 0);
  assert.equal(before.offset, fs.statSync(file).size - torn.length, 'the partial line is not consumed');

  // Slurm requeues it: a new shipper appends after the torn line.
  scratch.logMetrics(root.id, [{ key: 'loss', value: 0.5, step: 0 }]);
  const again = new SpoolShipper({ store: scratch, rootRunId: root.id, taskDir });
  again.finish({ status: 'finished', exitCode: 0 });
  const after = ingestSpool(ws, taskDir, wsRun.id);
  assert.equal(after.malformed, 1);
  assert.equal(after.points, 1);
  assert.deepEqual(Array.from(ws.getMetricHistory(wsRun.id, 'loss').values), [0.5]);
});
