/**
 * The reconcile rule of syncJobs on real stores and a real spool (written by
 * the SpoolShipper from a scratch store, as on a node). Slurm's answers are
 * given as the SlurmJobInfo its parsers return (their parsing is tested on
 * captured output in src/compute/slurm); the full path through the real
 * cluster is slurmJobs.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../../store/runStore';
import type { SlurmJobInfo } from '../slurm/slurmJobInfo';
import { SpoolShipper } from '../spool/spoolShipper';
import { ARRAY_TASK_TAG, CANCELLED_TAG, COMPUTE_TAG, FINAL_TAG, JOB_ID_TAG, JOB_ROOT_TAG, REASON_TAG, SLURM_COMPUTE } from './clusterTags';
import { jobPaths, writeManifest } from './jobManifest';
import { JOB_LOG_ARTIFACT, syncJobs } from './syncJobs';

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-sync-'));
  const storeDir = path.join(dir, '.runlens');
  const store = RunStore.open(storeDir);
  return { dir, storeDir, store, cleanup: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** A queued cluster run as submitToSlurm leaves it (job `jobId`), with its task folder. */
function queuedRun(store: RunStore, storeDir: string, jobId: string, extra: Record<string, string> = {}, parentId?: string) {
  const run = store.createRun({ experiment: 'e', status: 'queued', parentId: parentId ?? null, tags: { [COMPUTE_TAG]: SLURM_COMPUTE, [JOB_ID_TAG]: jobId, ...extra } });
  const root = parentId ?? run.id;
  store.setTags(run.id, { [JOB_ROOT_TAG]: root });
  const taskDir = path.join(storeDir, 'jobs', root, extra[ARRAY_TASK_TAG] ?? '0');
  mkdirSync(taskDir, { recursive: true });
  return { run, taskDir };
}

/** What a job on a node ships: a run that logs `losses` and ends with `end` (or no end: killed before it). */
function shipJob(dir: string, taskDir: string, losses: number[], end?: { status: 'finished' | 'failed' | 'killed'; exitCode: number | null }, withFold = false) {
  const scratch = RunStore.open(path.join(dir, `scratch-${path.basename(taskDir)}-${Math.random().toString(16).slice(2)}`));
  try {
    const run = scratch.createRun({ experiment: 'e', status: 'running' });
    if (withFold) scratch.createRun({ experiment: 'e', name: 'fold-1', parentId: run.id, status: 'running' });
    scratch.logMetrics(run.id, losses.map((value, step) => ({ key: 'loss', value, step })));
    const shipper = new SpoolShipper({ store: scratch, rootRunId: run.id, taskDir });
    if (end) {
      scratch.setStatus(run.id, end.status === 'finished' ? 'finished' : end.status);
      shipper.finish(end);
    } else {
      shipper.flush();
      shipper.dispose();
    }
  } finally {
    scratch.close();
  }
}

const info = (jobId: string, state: string, more: Partial<SlurmJobInfo> = {}): SlurmJobInfo => ({ jobId, state, source: 'squeue', ...more });
const statesOf = (...infos: SlurmJobInfo[]) => async () => new Map(infos.map((i) => [i.arrayTaskId === undefined ? i.jobId : `${i.jobId}_${i.arrayTaskId}`, i]));

test('PENDING keeps the run queued with Slurm\'s reason; past the limit it is reported with that reason', async () => {
  const t = setup();
  try {
    const { run } = queuedRun(t.store, t.storeDir, '7');
    let now = t.store.getRun(run.id).createdAt + 1000;
    const first = await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('7', 'PENDING', { reason: 'Resources' })), now: () => now, pendingLimitMs: 60_000 });
    assert.equal(t.store.getRun(run.id).status, 'queued');
    assert.equal(t.store.getTags(run.id)[REASON_TAG], 'Resources');
    assert.deepEqual(first.longPending, []);
    now += 60_000;
    const later = await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('7', 'PENDING', { reason: 'Priority' })), now: () => now, pendingLimitMs: 60_000 });
    assert.equal(later.longPending.length, 1);
    assert.equal(later.longPending[0]!.reason, 'Priority');
    assert.equal(later.longPending[0]!.pendingMs, 61_000, 'pending since the submit');
    assert.equal(later.followed, 1);
  } finally {
    t.cleanup();
  }
});

test('a sync that finds a live job as it was writes nothing (views that watch the store do not re-read every poll)', async () => {
  const t = setup();
  const watcher = RunStore.open(t.storeDir);
  try {
    const { run } = queuedRun(t.store, t.storeDir, '8');
    for (const state of [info('8', 'PENDING', { reason: 'Resources' }), info('8', 'RUNNING', { node: 'node1' })]) {
      await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(state) });
      const before = watcher.dataVersion();
      await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(state) });
      assert.equal(watcher.dataVersion(), before, `a second sync of ${state.state} committed a change`);
    }
    assert.equal(t.store.getRun(run.id).status, 'running');
    assert.equal(t.store.getTags(run.id)[REASON_TAG], undefined, 'the reason went when it ran');
  } finally {
    watcher.close();
    t.cleanup();
  }
});

test('the spool ended killed (SIGTERM at the time limit) but Slurm says TIMEOUT: Slurm wins, the metrics stay', async () => {
  const t = setup();
  try {
    const { run, taskDir } = queuedRun(t.store, t.storeDir, '8');
    shipJob(t.dir, taskDir, [3, 2, 1], { status: 'killed', exitCode: 143 });
    writeFileSync(path.join(taskDir, 'output.log'), 'step 1\nstep 2\nslurmstepd: error: *** JOB 8 CANCELLED DUE TO TIME LIMIT ***\n');
    const r = await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('8', 'TIMEOUT', { timeLimit: '0:01:00', exitCode: 0, signal: 15 })) });
    const after = t.store.getRun(run.id);
    assert.equal(after.status, 'failed');
    assert.equal(after.error, 'time limit 0:01:00 reached');
    assert.deepEqual(Array.from(t.store.getMetricHistory(run.id, 'loss').values), [3, 2, 1]);
    assert.deepEqual(r.changes.map((c) => [c.from, c.to]), [['queued', 'failed']]);
    assert.equal(t.store.getTags(run.id)[FINAL_TAG], '1');
    assert.ok(t.store.listArtifacts(run.id).some((a) => a.path === JOB_LOG_ARTIFACT));
  } finally {
    t.cleanup();
  }
});

test('a job killed before its final event (no end in the spool): what it shipped is kept, Slurm\'s CANCELLED makes it and its live folds killed', async () => {
  const t = setup();
  try {
    const { run, taskDir } = queuedRun(t.store, t.storeDir, '9');
    shipJob(t.dir, taskDir, [5, 4], undefined, true);
    await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('9', 'RUNNING', { node: 'n1' })) });
    assert.equal(t.store.getRun(run.id).status, 'running');
    const [fold] = t.store.listRuns({ parentId: run.id });
    assert.equal(fold?.status, 'running', 'a CV fold the job had started');
    assert.equal(t.store.getTags(run.id)['slurm.node'], 'n1');
    await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('9', 'CANCELLED', { exitCode: 0, signal: 15 })) });
    assert.equal(t.store.getRun(run.id).status, 'killed');
    assert.equal(t.store.getRun(fold!.id).status, 'killed', 'nothing the job left live stays live');
    assert.deepEqual(Array.from(t.store.getMetricHistory(run.id, 'loss').values), [5, 4]);
  } finally {
    t.cleanup();
  }
});

test('a requeued job (preempted after its spool ended killed): the run is queued again, then runs and ends as the new attempt does', async () => {
  const t = setup();
  try {
    const { run, taskDir } = queuedRun(t.store, t.storeDir, '13');
    shipJob(t.dir, taskDir, [9], { status: 'killed', exitCode: 143 });
    await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('13', 'RUNNING')) });
    assert.equal(t.store.getRun(run.id).status, 'killed', 'the first attempt\'s end, while Slurm still shows the job');
    const requeued = await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('13', 'PENDING', { reason: 'BeginTime' })) });
    assert.equal(t.store.getRun(run.id).status, 'queued');
    assert.deepEqual(requeued.changes.map((c) => [c.from, c.to]), [['killed', 'queued']]);
    assert.equal(t.store.getTags(run.id)['slurm.requeued'], '1');
    shipJob(t.dir, taskDir, [8, 7], { status: 'finished', exitCode: 0 });
    await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('13', 'COMPLETED', { exitCode: 0 })) });
    assert.equal(t.store.getRun(run.id).status, 'finished');
  } finally {
    t.cleanup();
  }
});

test('a job that failed before its run ended: Slurm\'s exit code and the last line of its output', async () => {
  const t = setup();
  try {
    const { run, taskDir } = queuedRun(t.store, t.storeDir, '11');
    writeFileSync(path.join(taskDir, 'output.log'), 'starting\nerror: cannot read the job manifest /x/manifest.json: ENOENT\n\n');
    await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('11', 'FAILED', { exitCode: 1, reason: 'NonZeroExitCode' })) });
    const after = t.store.getRun(run.id);
    assert.equal(after.status, 'failed');
    assert.match(after.error ?? '', /exit code 1.*: error: cannot read the job manifest \/x\/manifest\.json: ENOENT$/);
  } finally {
    t.cleanup();
  }
});

test('sync twice after the job ended: the run is complete once (no second ingest, no second log, no change)', async () => {
  const t = setup();
  try {
    const { run, taskDir } = queuedRun(t.store, t.storeDir, '10');
    shipJob(t.dir, taskDir, [1, 0.5, 0.25], { status: 'finished', exitCode: 0 });
    writeFileSync(path.join(taskDir, 'output.log'), 'done\n');
    const states = statesOf(info('10', 'COMPLETED', { exitCode: 0 }));
    const first = await syncJobs(t.store, { storeDir: t.storeDir, states });
    assert.equal(t.store.getRun(run.id).status, 'finished');
    assert.ok(first.points === 3 && first.changes.length === 1);
    const artifacts = t.store.listArtifacts(run.id);
    const second = await syncJobs(t.store, { storeDir: t.storeDir, states });
    assert.deepEqual({ changes: second.changes, events: second.events, points: second.points, followed: second.followed }, { changes: [], events: 0, points: 0, followed: 0 });
    assert.equal(t.store.getMetricHistory(run.id, 'loss').values.length, 3);
    assert.deepEqual(t.store.listArtifacts(run.id), artifacts);
  } finally {
    t.cleanup();
  }
});

test('two connections syncing (the editor and runlens jobs sync; in one process their synchronous parts take turns): every point and the log once, one status change between them', async () => {
  const t = setup();
  const other = RunStore.open(t.storeDir);
  try {
    const { run, taskDir } = queuedRun(t.store, t.storeDir, '12');
    shipJob(t.dir, taskDir, [4, 3, 2, 1], { status: 'finished', exitCode: 0 });
    writeFileSync(path.join(taskDir, 'output.log'), 'done\n');
    const states = statesOf(info('12', 'COMPLETED', { exitCode: 0 }));
    const [a, b] = await Promise.all([syncJobs(t.store, { storeDir: t.storeDir, states }), syncJobs(other, { storeDir: t.storeDir, states })]);
    assert.equal(a.points + b.points, 4);
    assert.equal(a.changes.length + b.changes.length, 1);
    assert.equal(t.store.getMetricHistory(run.id, 'loss').values.length, 4);
    assert.equal(t.store.listArtifacts(run.id).filter((x) => x.path === JOB_LOG_ARTIFACT).length, 1);
    assert.equal(t.store.getRun(run.id).status, 'finished');
  } finally {
    other.close();
    t.cleanup();
  }
});

test('a sweep\'s parent runs with its first trial, ends when all did, with the best trial picked as a local sweep does (a tie: the lower trial)', async () => {
  const t = setup();
  try {
    const parent = t.store.createRun({ experiment: 'e', status: 'queued', tags: { [COMPUTE_TAG]: SLURM_COMPUTE, [JOB_ID_TAG]: '20', 'runlens.kind': 'sweep' } });
    t.store.setTags(parent.id, { [JOB_ROOT_TAG]: parent.id });
    t.store.logParams(parent.id, { 'sweep.metric': 'acc', 'sweep.goal': 'maximize', 'sweep.params.model.params.max_depth': '[1,2,3]' });
    const values = [0.8, 0.9, 0.9];
    const trials = values.map((_, i) => queuedRun(t.store, t.storeDir, '20', { [ARRAY_TASK_TAG]: String(i), 'runlens.kind': 'trial', 'runlens.sweep.trial': String(i + 1) }, parent.id));
    writeManifest(jobPaths(t.storeDir, parent.id, true), {
      version: 1, kind: 'sweep', rootRunId: parent.id, configPath: '/x.train.yaml', overrides: [], profile: { name: 'p', backend: 'slurm' }, createdAt: 0,
      tasks: trials.map((tr, i) => ({ index: i, runId: tr.run.id, runName: tr.run.name, experiment: 'e', overrides: [], params: { 'model.params.max_depth': i + 1 }, tags: {} })),
    });
    const running = await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('20', 'RUNNING', { arrayTaskId: 0 }), info('20', 'PENDING', { arrayTaskId: 1, reason: 'JobArrayTaskLimit' }), info('20', 'PENDING', { arrayTaskId: 2, reason: 'JobArrayTaskLimit' })) });
    assert.equal(t.store.getRun(parent.id).status, 'running');
    assert.ok(running.changes.some((c) => c.runId === parent.id && c.to === 'running'));
    trials.forEach((tr, i) => {
      const scratch = RunStore.open(path.join(t.dir, `s${i}`));
      const r = scratch.createRun({ experiment: 'e', status: 'running' });
      scratch.logMetrics(r.id, [{ key: 'acc', value: values[i]!, step: 0 }]);
      scratch.setStatus(r.id, 'finished');
      new SpoolShipper({ store: scratch, rootRunId: r.id, taskDir: tr.taskDir }).finish({ status: 'finished', exitCode: 0 });
      scratch.close();
    });
    await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(...[0, 1, 2].map((i) => info('20', 'COMPLETED', { arrayTaskId: i, exitCode: 0 }))) });
    const after = t.store.getRun(parent.id);
    assert.equal(after.status, 'finished');
    assert.equal(t.store.getTags(parent.id)['runlens.sweep.best_run'], trials[1]!.run.id);
    assert.equal(t.store.getMetricSummaries(parent.id).find((m) => m.key === 'best_acc')?.latest, 0.9);
    assert.ok(t.store.listArtifacts(parent.id).some((a) => a.path === 'sweep_summary.csv'));
  } finally {
    t.cleanup();
  }
});

test('a sweep cancelled as a whole ends killed, even with a trial that finished first', async () => {
  const t = setup();
  try {
    const parent = t.store.createRun({ experiment: 'e', status: 'running', tags: { [COMPUTE_TAG]: SLURM_COMPUTE, [JOB_ID_TAG]: '30', 'runlens.kind': 'sweep', [CANCELLED_TAG]: '1' } });
    t.store.setTags(parent.id, { [JOB_ROOT_TAG]: parent.id });
    const a = queuedRun(t.store, t.storeDir, '30', { [ARRAY_TASK_TAG]: '0', 'runlens.kind': 'trial', 'runlens.sweep.trial': '1' }, parent.id);
    const b = queuedRun(t.store, t.storeDir, '30', { [ARRAY_TASK_TAG]: '1', 'runlens.kind': 'trial', 'runlens.sweep.trial': '2' }, parent.id);
    shipJob(t.dir, a.taskDir, [1], { status: 'finished', exitCode: 0 });
    await syncJobs(t.store, { storeDir: t.storeDir, states: statesOf(info('30', 'COMPLETED', { arrayTaskId: 0 }), info('30', 'CANCELLED', { arrayTaskId: 1 })) });
    assert.equal(t.store.getRun(a.run.id).status, 'finished');
    assert.equal(t.store.getRun(b.run.id).status, 'killed');
    assert.equal(t.store.getRun(parent.id).status, 'killed');
  } finally {
    t.cleanup();
  }
});
