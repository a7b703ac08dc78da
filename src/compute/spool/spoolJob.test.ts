/**
 * The spool end to end with real processes: a job process trains into a
 * scratch store with the normal trainer process while its SpoolShipper
 * ships, and this process ingests the spool into a workspace store, as the
 * login node does. Compared with the same config trained directly; a job
 * killed with SIGKILL; CV folds; a Python command run seen live.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { makeWorkspace } from '../../../test/fixtures/workspace';
import { RunStore } from '../../store/runStore';
import { waitFor } from '../../worker/command/commandTesting';
import { RUNLENS_VERSION } from '../../core/version';
import { experimentName, loadTrainConfig } from '../../worker/loadTrainConfig';
import { TrainerProcess } from '../../worker/trainerProcess';
import { ingestSpool } from './ingestSpool';
import { spoolPaths } from './spoolEvents';
import { runContent } from './testing/runContent';

const TSX = pathToFileURL(require.resolve('tsx')).href;
const JOB = path.join(__dirname, 'testing', 'spoolJobProcess.ts');
const PYTHON = '/usr/bin/python3';
const CLUSTER_TAGS = { 'runlens.compute': 'slurm', 'slurm.job_id': '7' };
/** Left out of the comparison: the cluster's own tags, and measurements of the machine (memory, CPU) that differ run to run. */
const COMPARE = { ignoreTags: ['runlens.compute', 'slurm.*', 'runlens.spool.*'], ignoreMetrics: ['system/*'] };

const MLP = (epochs: number) => [
  'experiment: spool', `name: mlp-${epochs}`,
  'data: { path: data/wine.csv, target: cultivar, split: { test: 0.3, seed: 1 }, features: { scale: standard } }',
  `model: { type: mlp, params: { hidden_layers: [8], batch_size: 16, epochs: ${epochs}, seed: 0 } }`, '',
].join('\n');

const IRIS_CV = [
  'experiment: spool-cv', 'name: iris-cv',
  'data: { path: data/iris.csv, target: species, features: { scale: standard } }',
  'model: { type: logistic_regression, params: { C: 0.3 } }',
  'evaluate: { cv: 3, seed: 5 }', '',
].join('\n');

/** A job process: its JSON lines as they come, and its exit. */
function startJob(args: Record<string, unknown>): { child: ChildProcess; messages: Record<string, unknown>[]; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', TSX, JOB, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const messages: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => messages.push(JSON.parse(l) as Record<string, unknown>));
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (err += t));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, messages, exited, stderr: () => err };
}

const messageOf = (messages: Record<string, unknown>[], key: string) => messages.find((m) => key in m)?.[key];

describe('a job spool between real processes', () => {
  const ws = makeWorkspace();
  after(() => ws.cleanup());
  let n = 0;

  /** A workspace store with the run a submit would have queued (config snapshot, name, experiment, tags), and a task folder. */
  function workspace(configPath: string) {
    const dir = path.join(ws.dir, `case-${++n}`);
    // In the workspace, as a direct training's store is: dataset paths are recorded relative to it.
    const store = RunStore.open(path.join(ws.dir, `.runlens-${n}`));
    const config = loadTrainConfig(configPath);
    const wsRun = store.createRun({
      experiment: experimentName(config, configPath), name: config.name, configPath, config, status: 'queued',
      runlensVersion: RUNLENS_VERSION, tags: CLUSTER_TAGS,
    });
    const taskDir = path.join(dir, 'jobs', wsRun.id, '0');
    fs.mkdirSync(taskDir, { recursive: true });
    return { dir, store, wsRun, taskDir, scratchDir: path.join(dir, 'scratch') };
  }

  async function trainDirectly(configPath: string): Promise<{ store: RunStore; runId: string }> {
    const store = RunStore.open(path.join(ws.dir, `direct-${++n}`));
    const trainer = new TrainerProcess({ storeDir: store.dir, configPath }, { store });
    const outcome = await trainer.done;
    trainer.dispose();
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome.error));
    return { store, runId: outcome.runId! };
  }

  test('a built-in model trained through the spool equals the same config trained directly', async () => {
    const configPath = ws.write('mlp.train.yaml', MLP(40));
    const w = workspace(configPath);
    try {
      const job = startJob({ scratchDir: w.scratchDir, taskDir: w.taskDir, configPath, tags: CLUSTER_TAGS, intervalMs: 200 });
      // Ingest while it runs, as the login node does, until the job has exited; then once more.
      let sawRunning = false;
      let code: number | null | undefined;
      void job.exited.then((c) => (code = c));
      while (code === undefined) {
        ingestSpool(w.store, w.taskDir, w.wsRun.id);
        sawRunning ||= w.store.getRun(w.wsRun.id).status === 'running';
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(code, 0, job.stderr());
      const last = ingestSpool(w.store, w.taskDir, w.wsRun.id);
      assert.deepEqual(last.ended ?? { status: 'finished', exitCode: 0, error: null }, { status: 'finished', exitCode: 0, error: null });
      const direct = await trainDirectly(configPath);
      try {
        const got = runContent(w.store, w.wsRun.id, COMPARE);
        const want = runContent(direct.store, direct.runId, COMPARE);
        assert.deepEqual(got, want);
        assert.ok(Object.keys(got.metrics).length > 0 && got.metrics.train_loss!.steps.length === 40, 'a history per epoch');
        assert.ok(Object.keys(got.artifacts).length > 0, 'artifacts arrived');
        assert.equal(w.store.getRun(w.wsRun.id).pid, null);
      } finally {
        direct.store.close();
      }
    } finally {
      w.store.close();
    }
  });

  test('a job killed with SIGKILL mid-run: its spool is ingested up to its last complete event', async () => {
    const configPath = ws.write('long.train.yaml', MLP(100_000));
    const w = workspace(configPath);
    const job = startJob({ scratchDir: w.scratchDir, taskDir: w.taskDir, configPath, tags: CLUSTER_TAGS, intervalMs: 100 });
    let worker: number | undefined;
    try {
      const events = spoolPaths(w.taskDir).events;
      const metricLines = () => (fs.existsSync(events) ? fs.readFileSync(events, 'utf8').split('\n').filter((l) => l.includes('"t":"metrics"')).length : 0);
      await waitFor(() => metricLines() >= 3, 'three metric batches in the spool', 240_000);
      worker = messageOf(job.messages, 'worker') as number;
      job.child.kill('SIGKILL');
      await job.exited;
      process.kill(-worker, 'SIGKILL'); // the trainer is its own process group; the job's death does not stop it
      // A line the job was writing when it died.
      fs.appendFileSync(events, '{"t":"metrics","id":"x","points":[{"key":"train_loss","value":0.1');
      const text = fs.readFileSync(events, 'utf8');
      const complete = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: string; points?: unknown[] });
      const r = ingestSpool(w.store, w.taskDir, w.wsRun.id);
      assert.equal(r.events, complete.length);
      assert.equal(r.offset, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
      assert.equal(r.ended, undefined, 'no end event: Slurm\'s state will decide the end');
      const shipped = complete.reduce((s, e) => s + (e.points?.length ?? 0), 0);
      assert.equal(r.points, shipped);
      // What arrived is exactly the first points the job logged, in order.
      const scratch = RunStore.open(w.scratchDir, { readonly: true });
      try {
        const root = messageOf(job.messages, 'root') as string;
        const got = w.store.getMetricHistory(w.wsRun.id, 'train_loss');
        const logged = scratch.getMetricHistory(root, 'train_loss');
        assert.ok(got.values.length > 0 && got.values.length <= logged.values.length);
        assert.deepEqual(Array.from(got.values), Array.from(logged.values.subarray(0, got.values.length)));
      } finally {
        scratch.close();
      }
      assert.equal(w.store.getRun(w.wsRun.id).status, 'running');
      assert.deepEqual(w.store.markStaleRuns(), [], 'stale-run recovery leaves it to Slurm');
    } finally {
      if (job.child.exitCode === null) job.child.kill('SIGKILL');
      if (worker !== undefined) {
        try {
          process.kill(-worker, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      w.store.close();
    }
  });

  test('a cross-validation config: its fold runs arrive as children, equal to a direct training\'s', async () => {
    const configPath = ws.write('iris-cv.train.yaml', IRIS_CV);
    const w = workspace(configPath);
    try {
      const job = startJob({ scratchDir: w.scratchDir, taskDir: w.taskDir, configPath, tags: CLUSTER_TAGS });
      assert.equal(await job.exited, 0, job.stderr());
      ingestSpool(w.store, w.taskDir, w.wsRun.id);
      const folds = w.store.listRuns({ parentId: w.wsRun.id, sort: 'attributes.created ASC' });
      assert.equal(folds.length, 3);
      assert.ok(folds.every((f) => f.status === 'finished' && f.pid === null && f.tags['runlens.spool.id']?.length === 32));
      const direct = await trainDirectly(configPath);
      try {
        const got = runContent(w.store, w.wsRun.id, COMPARE);
        assert.deepEqual(got, runContent(direct.store, direct.runId, COMPARE));
      } finally {
        direct.store.close();
      }
    } finally {
      w.store.close();
    }
  });

  test('a command run whose Python script uses the helper (and prints a runlens: line): its points are ingested while the script still runs', { skip: spawnSync(PYTHON, ['-c', 'import sqlite3']).status !== 0 && 'no /usr/bin/python3 with sqlite3' }, async () => {
    const configPath = ws.write('live.train.yaml', `experiment: py\nname: py-live\ncommand: [${PYTHON}, live.py]\n`);
    const w = workspace(configPath);
    const go = path.join(w.dir, 'go');
    fs.writeFileSync(path.join(ws.dir, 'live.py'), [
      'import os, time, runlens',
      'run = runlens.start_run()',
      'runlens.log_params({"lr": 0.5})',
      'runlens.log_metric("loss", 1.0, step=0)',
      'run.flush()',
      'print("runlens: metric printed=7 step=0", flush=True)  # the stdout protocol goes through the scratch store too',
      `while not os.path.exists(${JSON.stringify(go)}):`,
      '    time.sleep(0.02)  # waits for the test to have seen the first point',
      'for step in range(1, 5):',
      '    runlens.log_metric("loss", 1.0 / (step + 1), step=step)',
      'runlens.end_run()', '',
    ].join('\n'));
    const job = startJob({ scratchDir: w.scratchDir, taskDir: w.taskDir, configPath, tags: CLUSTER_TAGS, intervalMs: 100 });
    try {
      let exited = false;
      void job.exited.then(() => (exited = true));
      await waitFor(() => {
        if (exited) throw new Error(`the job ended before the test saw a point: ${job.stderr()}`);
        ingestSpool(w.store, w.taskDir, w.wsRun.id);
        const keys = w.store.getMetricSummaries(w.wsRun.id).map((m) => m.key);
        return keys.includes('loss') && keys.includes('printed');
      }, 'the first loss point and the printed metric to be ingested', 240_000);
      assert.equal(w.store.getRun(w.wsRun.id).status, 'running', 'seen live, before the script ended');
      assert.deepEqual(w.store.getParams(w.wsRun.id), { lr: '0.5' });
      fs.writeFileSync(go, '');
      assert.equal(await job.exited, 0, job.stderr());
      ingestSpool(w.store, w.taskDir, w.wsRun.id);
      const h = w.store.getMetricHistory(w.wsRun.id, 'loss');
      assert.deepEqual(Array.from(h.steps), [0, 1, 2, 3, 4]);
      assert.deepEqual(Array.from(h.values), [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
      assert.equal(w.store.getRun(w.wsRun.id).status, 'finished');
    } finally {
      if (job.child.exitCode === null) job.child.kill('SIGKILL');
      w.store.close();
    }
  });
});
