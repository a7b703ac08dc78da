/**
 * Runs and sweeps on the real one-node Slurm cluster (startRealSlurm): the
 * job script runs `runlens job-task` from this checkout's sources on the
 * node, the spool is ingested by syncJobs, and Slurm's state is read by
 * squeue / scontrol. Every wait is a poll of Slurm, bounded generously: the
 * machine is loaded.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RunStore } from '../../store/runStore';
import { SweepRunner } from '../../worker/sweepRunner';
import { TrainerProcess } from '../../worker/trainerProcess';
import { startRealSlurm, waitForJobs, type RealSlurm } from '../testing/realSlurm';
import { jobStates } from '../slurm/jobStates';
import { cancelClusterRun } from './cancelClusterRun';
import { ARRAY_TASK_TAG, JOB_ID_TAG, STATE_TAG } from './clusterTags';
import { submitToSlurm } from './submitToSlurm';
import { clusterWorkspace, type ClusterWorkspace } from './testing/clusterFixture';

const PYTHON = '/usr/bin/python3';
let slurm: RealSlurm | undefined;
let skip: string | false = false;
let ws: ClusterWorkspace;

before(async () => {
  const r = await startRealSlurm();
  if ('skip' in r) skip = r.skip;
  else slurm = r;
});

function opts() {
  return { slurm: { env: slurm!.env, binDir: slurm!.binDir } };
}

/** The metrics a run logged, without the system samples (machine load, not the model). */
function modelMetrics(store: RunStore, runId: string): Record<string, number> {
  return Object.fromEntries(store.getMetricSummaries(runId).filter((m) => !m.key.startsWith('system/')).map((m) => [m.key, m.latest]));
}

function artifactText(store: RunStore, runId: string, p: string): string | undefined {
  const a = store.listArtifacts(runId).find((x) => x.path === p);
  return a ? readFileSync(store.artifactPath(a.sha256), 'utf8') : undefined;
}

describe('Slurm jobs', () => {
  before(() => {
    if (slurm) ws = clusterWorkspace(slurm);
  });
  after(() => ws?.cleanup());

  test('a built-in config on Slurm: queued, then running, then finished with the metrics and artifacts of the same config trained here', async (t) => {
    if (skip) return t.skip(skip);
    const configPath = path.join(ws.dir, 'iris.train.yaml');
    const s = await submitToSlurm({ store: ws.store, storeDir: ws.storeDir, configPath, profile: ws.profile, ...opts() });
    const id = s.rootRunId;
    assert.equal(ws.store.getRun(id).status, 'queued');
    assert.match(s.jobId, /^\d+$/);
    assert.equal(ws.store.getTags(id)[JOB_ID_TAG], s.jobId);
    assert.match(artifactText(ws.store, id, 'slurm/job.sh') ?? '', /job-task/);
    await ws.syncUntilFinal(id);
    const run = ws.store.getRun(id);
    assert.equal(run.status, 'finished', run.error ?? '');
    assert.ok(run.startedAt !== null && run.endedAt !== null && run.startedAt <= run.endedAt, 'it went through running');
    assert.equal(ws.store.getTags(id)[STATE_TAG], 'COMPLETED');

    const localDir = path.join(ws.dir, 'local-store');
    const local = RunStore.open(localDir);
    try {
      const trainer = new TrainerProcess({ storeDir: localDir, configPath }, { store: local });
      const outcome = await trainer.done;
      trainer.dispose();
      assert.equal(outcome.status, 'finished');
      const metrics = modelMetrics(ws.store, id);
      assert.ok(Object.keys(metrics).includes('test_accuracy'));
      assert.deepEqual(metrics, modelMetrics(local, outcome.runId!));
      assert.deepEqual(ws.store.getParams(id), local.getParams(outcome.runId!));
      const paths = (st: RunStore, rid: string) => st.listArtifacts(rid).map((a) => a.path).filter((p) => !p.startsWith('slurm/') && p !== 'logs/slurm-output.log').sort();
      assert.deepEqual(paths(ws.store, id), paths(local, outcome.runId!));
      for (const p of ['confusion_matrix.json', 'feature_importances.json']) assert.equal(artifactText(ws.store, id, p), artifactText(local, outcome.runId!, p), p);
      assert.match(artifactText(ws.store, id, 'logs/slurm-output.log') ?? '', /\[fit\]/);
    } finally {
      local.close();
    }
  });

  test('a command run using the Python helper: a metric is visible before the job ends', async (t) => {
    if (skip) return t.skip(skip);
    const go = path.join(ws.dir, 'go-live');
    ws.write('live.py', [
      'import os, time, runlens',
      'run = runlens.start_run()',
      'runlens.log_metric("loss", 1.0, step=0)',
      'run.flush()',
      `while not os.path.exists(${JSON.stringify(go)}):`,
      '    time.sleep(0.05)  # until the test has seen the first point',
      'for step in range(1, 5):',
      '    runlens.log_metric("loss", 1.0 / (step + 1), step=step)',
      'runlens.end_run()', '',
    ].join('\n'));
    const configPath = ws.write('live.train.yaml', `experiment: live\ncommand: [${PYTHON}, live.py]\n`);
    const s = await submitToSlurm({ store: ws.store, storeDir: ws.storeDir, configPath, profile: ws.profile, ...opts() });
    await ws.syncUntil(() => {
      if (ws.store.getRun(s.rootRunId).status === 'failed') throw new Error(`failed: ${ws.store.getRun(s.rootRunId).error}`);
      return ws.store.getMetricSummaries(s.rootRunId).some((m) => m.key === 'loss');
    }, 'the first loss point');
    assert.equal(ws.store.getRun(s.rootRunId).status, 'running', 'seen while the job runs');
    const states = await jobStates([s.jobId], opts().slurm);
    assert.equal(states.get(s.jobId)?.state, 'RUNNING');
    writeFileSync(go, '');
    await ws.syncUntilFinal(s.rootRunId);
    assert.equal(ws.store.getRun(s.rootRunId).status, 'finished', ws.store.getRun(s.rootRunId).error ?? '');
    const h = ws.store.getMetricHistory(s.rootRunId, 'loss');
    assert.deepEqual(Array.from(h.steps), [0, 1, 2, 3, 4]);
  });

  test('a job exiting 3 ends failed with exit code 3', async (t) => {
    if (skip) return t.skip(skip);
    const configPath = ws.write('exit3.train.yaml', `experiment: exits\ncommand: [${PYTHON}, -c, "import sys; sys.exit(3)"]\n`);
    const s = await submitToSlurm({ store: ws.store, storeDir: ws.storeDir, configPath, profile: ws.profile, ...opts() });
    await ws.syncUntilFinal(s.rootRunId);
    const run = ws.store.getRun(s.rootRunId);
    const log = artifactText(ws.store, run.id, 'logs/slurm-output.log') ?? '';
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /\b3\b/, log);
    const info = (await jobStates([s.jobId], opts().slurm)).get(s.jobId);
    assert.equal(info?.state, 'FAILED');
    assert.equal(info?.exitCode, 3);
  });

  test('a grid sweep of 4 trials with parallel 2 is one array job: never more than 2 running, the best trial as a local sweep picks it', async (t) => {
    if (skip) return t.skip(skip);
    const configPath = ws.write('grid.train.yaml', [
      'experiment: grid', 'data: { path: data/iris.csv, target: species, split: { test: 0.3, seed: 7, stratify: true } }',
      'model: { type: decision_tree, params: { criterion: gini, seed: 0 } }',
      'sweep: { method: grid, parallel: 2, params: { model.params.max_depth: [1, 2, 3, 5] } }', '',
    ].join('\n'));
    const s = await submitToSlurm({ store: ws.store, storeDir: ws.storeDir, configPath, profile: ws.profile, ...opts() });
    assert.equal(s.taskRunIds.length, 4);
    assert.deepEqual(s.taskRunIds.map((r) => ws.store.getTags(r)[ARRAY_TASK_TAG]), ['0', '1', '2', '3']);
    let most = 0;
    await waitForJobs(slurm!, [s.jobId], 'the array to end', (st) => [...st.values()].length === 4 && [...st.values()].every((i) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(i.state)), {
      timeoutMs: 15 * 60_000,
      onSample: (st) => (most = Math.max(most, [...st.values()].filter((i) => i.state === 'RUNNING').length)),
    });
    assert.ok(most >= 1 && most <= 2, `at most 2 tasks ran at once (saw ${most})`);
    await ws.syncUntilFinal(s.rootRunId);
    const parent = ws.store.getRun(s.rootRunId);
    assert.equal(parent.status, 'finished', parent.error ?? '');
    const summary = JSON.parse(artifactText(ws.store, parent.id, 'sweep_summary.json')!) as { best: string; trials: { id: string; params: Record<string, unknown>; value: number }[] };

    const localDir = path.join(ws.dir, 'local-sweep-store');
    const local = RunStore.open(localDir);
    try {
      const outcome = await new SweepRunner({ storeDir: localDir, configPath, store: local, parallel: 2 }).run();
      assert.equal(outcome.status, 'finished');
      const ranked = (trials: readonly { params: Record<string, unknown>; value: number | null }[]) => trials.map((tr) => [tr.params['model.params.max_depth'], tr.value]);
      assert.deepEqual(ranked(summary.trials), ranked(outcome.trials));
      const best = summary.trials.find((tr) => tr.id === summary.best)!;
      assert.deepEqual(best.params, outcome.best!.params);
      assert.equal(ws.store.getTags(parent.id)['runlens.sweep.best_run'], summary.best);
    } finally {
      local.close();
    }
  });

  test('scancel of one running trial: that trial killed, the others go on; cancelling a sweep cancels its array', async (t) => {
    if (skip) return t.skip(skip);
    ws.write('gate.py', [
      'import os, sys, time',
      'x = os.environ["RUNLENS_PARAM_X"]',
      'print("trial", x, "waiting", flush=True)',
      `ws = ${JSON.stringify(ws.dir)}`,
      '# until the test releases this trial (or its workspace is gone: a failed test leaves no job behind)',
      'while os.path.isdir(ws) and not os.path.exists(os.path.join(ws, "release-" + x)):',
      '    time.sleep(0.05)', '',
    ].join('\n'));
    const gate = (name: string, xs: number[]) => ws.write(name, `experiment: gate\ncommand: [${PYTHON}, gate.py]\nparams: { x: 0 }\nsweep: { method: grid, metric: none, params: { params.x: [${xs.join(', ')}] } }\n`);
    // Two cores: two tasks run, the third waits for a free one.
    const s = await submitToSlurm({ store: ws.store, storeDir: ws.storeDir, configPath: gate('gate.train.yaml', [1, 2, 3]), profile: ws.profile, ...opts() });
    const [first, second, third] = s.taskRunIds as [string, string, string];
    const status = (r: string) => ws.store.getRun(r).status;
    await ws.syncUntil(() => status(first) === 'running' && status(second) === 'running', 'the first two trials to run');
    const c = await cancelClusterRun(ws.store, first, ws.storeDir, opts().slurm);
    assert.equal(c.target, `${s.jobId}_0`);
    await ws.syncUntilFinal(first);
    assert.equal(status(first), 'killed');
    assert.equal(status(second), 'running', 'the other trials go on');
    await ws.syncUntil(() => status(third) === 'running', 'the third trial to start in the freed slot');
    for (const x of ['2', '3']) writeFileSync(path.join(ws.dir, `release-${x}`), '');
    await ws.syncUntilFinal(s.rootRunId);
    assert.deepEqual([status(first), status(second), status(third)], ['killed', 'finished', 'finished']);
    assert.equal(status(s.rootRunId), 'finished', 'a sweep with one cancelled trial still finishes');

    const whole = await submitToSlurm({ store: ws.store, storeDir: ws.storeDir, configPath: gate('gate2.train.yaml', [4, 5, 6]), profile: ws.profile, ...opts() });
    await ws.syncUntil(() => whole.taskRunIds.some((r) => status(r) === 'running'), 'a trial of the second sweep to run');
    const cw = await cancelClusterRun(ws.store, whole.rootRunId, ws.storeDir, opts().slurm);
    assert.deepEqual(cw, { target: whole.jobId, wholeSweep: true });
    await waitForJobs(slurm!, [whole.jobId], 'every task of the array to be cancelled', (st) => st.size === 3 && [...st.values()].every((i) => i.state === 'CANCELLED'));
    await ws.syncUntilFinal(whole.rootRunId);
    assert.deepEqual(whole.taskRunIds.map(status), ['killed', 'killed', 'killed']);
    assert.equal(status(whole.rootRunId), 'killed');
  });

  test('a rejected sbatch (unknown partition) leaves no queued run: the run is failed with Slurm\'s line', async (t) => {
    if (skip) return t.skip(skip);
    const configPath = path.join(ws.dir, 'iris.train.yaml');
    await assert.rejects(
      submitToSlurm({ store: ws.store, storeDir: ws.storeDir, configPath, profile: { ...ws.profile, partition: 'no-such-partition' }, runName: 'rejected', ...opts() }),
      /[Ii]nvalid partition/,
    );
    const run = ws.store.getRun('rejected');
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /^not submitted: .*[Ii]nvalid partition/);
    assert.ok(existsSync(path.join(ws.storeDir, 'jobs', run.id, 'job.sh')));
  });
});
