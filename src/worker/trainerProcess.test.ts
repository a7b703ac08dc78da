/**
 * The trainer in real child processes against a real store: crash recovery
 * (kill -9), cancel (SIGTERM), and four trainers writing at once while a
 * reader lists runs.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace } from '../../test/fixtures/workspace';
import { slowConfigYaml, writeSlowClassificationCsv } from '../../test/fixtures/syntheticCsv';
import { liveLogDir, liveLogPath } from '../store/liveLogs';
import { RunStore } from '../store/runStore';
import { TrainerProcess } from './trainerProcess';
import type { WorkerMessage } from './protocol';

const SLOW_CONFIG = slowConfigYaml('slow');

function waitForFitMetrics(trainer: { messages: WorkerMessage[] }, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const n = trainer.messages.filter((m) => m.type === 'progress' && m.metrics && Object.keys(m.metrics).length > 0).length;
      if (n >= count) return resolve();
      const ended = trainer.messages.find((m) => m.type === 'finished' || m.type === 'failed');
      if (ended) return reject(new Error(`run ended before it logged ${count} points: ${JSON.stringify(ended)}`));
      if (Date.now() - started > 60_000) return reject(new Error('no fit progress within 60 s'));
      setTimeout(check, 20);
    };
    check();
  });
}

function start(ws: { dir: string }, storeDir: string, store?: RunStore, killGraceMs = 2000) {
  const messages: WorkerMessage[] = [];
  const trainer = new TrainerProcess(
    { storeDir, configPath: join(ws.dir, 'slow.train.yaml') },
    { store, onMessage: (m) => messages.push(m), killGraceMs },
  );
  return Object.assign(trainer, { messages });
}

describe('trainer process', () => {
  const ws = makeWorkspace();
  writeSlowClassificationCsv(join(ws.dir, 'data', 'slow.csv'));
  ws.write('slow.train.yaml', SLOW_CONFIG);
  const storeDir = join(ws.dir, '.runlens');
  after(() => ws.cleanup());

  test('kill -9 mid-fit: the run is failed on the next open, its metrics kept, the database intact', async () => {
    const trainer = start(ws, storeDir);
    await waitForFitMetrics(trainer, 1);
    const runId = trainer.currentRunId!;
    // Kill as soon as the first batch of the loss curve is in the store.
    const reader = RunStore.open(storeDir);
    const logged = () => reader.getMetricSummaries(runId).find((m) => m.key === 'train_loss')?.count ?? 0;
    while (logged() === 0) await new Promise((r) => setTimeout(r, 10));
    const before = logged();
    reader.close();
    let live = '';
    try {
      live = readFileSync(liveLogPath(storeDir, runId, 'logs/train.log'), 'utf8');
    } finally {
      trainer.kill('SIGKILL');
    }
    await trainer.done;
    assert.match(live, /\[fit\]/, 'while it ran, its output was in the live log another process can follow');
    assert.equal(existsSync(liveLogDir(storeDir, runId)), false, 'the parent removed the live log the killed worker left');
    const store = RunStore.open(storeDir);
    try {
      const run = store.getRun(runId)!;
      assert.equal(run.status, 'failed');
      const loss = store.getMetricSummaries(runId).find((m) => m.key === 'train_loss');
      assert.ok(loss && loss.count >= before, `the ${before} points logged before the kill survive`);
      assert.match(run.error ?? '', /died|heartbeat/);
      assert.deepEqual(store.integrityCheck(), ['ok']);
    } finally {
      store.close();
    }
  });

  test('cancel (SIGTERM) stops the fit and marks the run killed with its metrics, without SIGKILL', async () => {
    // A grace longer than the test's timeout: SIGKILL cannot be what ended the worker.
    const trainer = start(ws, storeDir, undefined, 10 * 60_000);
    await waitForFitMetrics(trainer, 3);
    trainer.cancel();
    const outcome = await trainer.done;
    // The worker itself reported the end, so it ran its SIGTERM handler (a SIGKILLed worker reports nothing).
    assert.ok(
      trainer.messages.some((m) => m.type === 'finished' && m.status === 'killed'),
      `the worker reported its own end: ${JSON.stringify(trainer.messages.map((m) => m.type))}`,
    );
    assert.equal(outcome.status, 'killed');
    const store = RunStore.open(storeDir);
    try {
      const run = store.getRun(outcome.runId!)!;
      assert.equal(run.status, 'killed');
      assert.ok(store.getMetricSummaries(run.id).some((m) => m.key === 'train_loss'));
      assert.ok(store.listArtifacts(run.id).some((a) => a.path === 'logs/train.log'), 'the output is kept as a log artifact');
      assert.equal(existsSync(liveLogDir(storeDir, run.id)), false, 'the worker removed its live log once the artifact was saved');
    } finally {
      store.close();
    }
  });

  test('four trainers at once while a reader lists runs: no busy error, no point lost', async () => {
    const reader = RunStore.open(storeDir);
    const trainers = [0, 1, 2, 3].map(() => {
      const messages: WorkerMessage[] = [];
      const t = new TrainerProcess(
        { storeDir, configPath: join(ws.dir, 'slow.train.yaml'), overrides: ['model.params.epochs=20'] },
        { onMessage: (m) => messages.push(m) },
      );
      return Object.assign(t, { messages });
    });
    let reads = 0;
    let stop = false;
    const readLoop = (async () => {
      while (!stop) {
        reader.listRuns({ filter: 'attributes.status = "running"' });
        reads++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const outcomes = await Promise.all(trainers.map((t) => t.done));
    stop = true;
    await readLoop;
    try {
      for (const [i, o] of outcomes.entries()) assert.equal(o.status, 'finished', JSON.stringify(o.error ?? trainers[i]!.messages.at(-1)));
      for (const [i, o] of outcomes.entries()) {
        const reported = trainers[i]!.messages.filter((m) => m.type === 'progress' && m.metrics?.train_loss !== undefined).length;
        const stored = reader.getMetricSummaries(o.runId!).find((m) => m.key === 'train_loss')!;
        assert.equal(stored.count, reported, `run ${i}: every reported point is stored`);
      }
      assert.ok(reads > 5);
      assert.deepEqual(reader.integrityCheck(), ['ok']);
    } finally {
      reader.close();
    }
  });
});
