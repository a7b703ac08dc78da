/**
 * Cross-validation (`evaluate: { cv: K }`) in a real trainer process against
 * a real store: fold child runs, their metrics, the parent's summary, and a
 * cancel in the middle of the folds.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeWorkspace } from '../../test/fixtures/workspace';
import { slowConfigYaml, writeSlowClassificationCsv } from '../../test/fixtures/syntheticCsv';
import { RunStore } from '../store/runStore';
import { TrainerProcess } from './trainerProcess';
import { waitFor } from './command/commandTesting';
import type { WorkerMessage } from './protocol';

const IRIS_CV = [
  'experiment: iris-cv',
  'data:',
  '  path: data/iris.csv',
  '  target: species',
  '  features: { scale: standard }',
  'model:',
  '  type: logistic_regression',
  '  params: { C: 0.3 }',
  'evaluate: { cv: 3, seed: 5 }',
  '',
].join('\n');

const SLOW_CV = slowConfigYaml('slow-cv', 'evaluate: { cv: 3 }');

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

describe('cross-validation in the trainer', () => {
  const ws = makeWorkspace();
  const storeDir = join(ws.dir, '.runlens');
  after(() => ws.cleanup());

  test('cv: 3 makes 3 finished fold runs; the parent holds their mean and std, then the usual test metrics', async () => {
    const messages: WorkerMessage[] = [];
    const trainer = new TrainerProcess({ storeDir, configPath: ws.write('iris-cv.train.yaml', IRIS_CV) }, { onMessage: (m) => messages.push(m) });
    const outcome = await trainer.done;
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome.error));
    assert.ok(messages.some((m) => m.type === 'progress' && m.phase === 'cv' && m.step === 3 && m.total === 3), 'cv progress reported per fold');
    const store = RunStore.open(storeDir);
    try {
      const parent = store.getRun(outcome.runId!);
      const folds = store.listRuns({ parentId: parent.id, sort: 'attributes.name' });
      assert.equal(folds.length, 3);
      assert.deepEqual(folds.map((f) => f.name), [1, 2, 3].map((i) => `${parent.name}-fold-${i}`));
      for (const f of folds) {
        assert.equal(f.status, 'finished');
        assert.equal(f.tags['runlens.kind'], 'cv_fold');
        assert.equal(f.params.C, '0.3');
        assert.ok(f.metrics.train_loss !== undefined, 'the fold logs its fit curve');
      }
      const row = store.listRuns({ filter: `attributes.id = "${parent.id}"` })[0]!;
      const keys = Object.keys(folds[0]!.metrics).filter((k) => k.startsWith('val_')).map((k) => k.slice(4));
      assert.deepEqual(keys.sort(), ['accuracy', 'f1_macro', 'log_loss', 'precision_macro', 'recall_macro']);
      for (const k of keys) {
        const values = folds.map((f) => f.metrics[`val_${k}`]!);
        assert.ok(Math.abs(row.metrics[`cv_${k}_mean`]! - mean(values)) < 1e-12, `cv_${k}_mean`);
        assert.ok(Math.abs(row.metrics[`cv_${k}_std`]! - std(values)) < 1e-12, `cv_${k}_std`);
      }
      assert.ok(row.metrics.test_accuracy! > 0.8, 'the final fit is scored on the test split as usual');
      assert.equal(row.params['cv.folds'], '3');
      assert.equal(row.params['cv.stratified'], 'true');
      const artifacts = store.listArtifacts(parent.id).map((a) => a.path);
      assert.ok(artifacts.includes('permutation_importance.json') && artifacts.includes('classification_report.json'), artifacts.join());
    } finally {
      store.close();
    }
  });

  test('cancelling during the folds ends the running fold and the run killed, no fold left running', async () => {
    writeSlowClassificationCsv(join(ws.dir, 'data', 'slow.csv'), 30_000);
    const messages: WorkerMessage[] = [];
    const trainer = new TrainerProcess({ storeDir, configPath: ws.write('slow-cv.train.yaml', SLOW_CV) }, { onMessage: (m) => messages.push(m), killGraceMs: 3000 });
    // Cancel once a fold's run is running (the cv phase has begun and its first fold is fitting).
    await waitFor(() => messages.some((m) => m.type === 'progress' && m.phase === 'cv'), 'cv to start', 120_000);
    const runId = messages.flatMap((m) => (m.type === 'started' ? [m.runId] : []))[0]!;
    const reader = RunStore.open(storeDir);
    try {
      await waitFor(() => reader.listRuns({ parentId: runId }).some((f) => f.status === 'running'), 'a fold to be running', 120_000);
    } finally {
      reader.close();
    }
    trainer.cancel();
    const outcome = await trainer.done;
    assert.equal(outcome.status, 'killed');
    const store = RunStore.open(storeDir);
    try {
      const folds = store.listRuns({ parentId: outcome.runId! });
      assert.ok(folds.length >= 1);
      assert.ok(folds.every((f) => f.status === 'finished' || f.status === 'killed'), folds.map((f) => f.status).join());
      assert.equal(folds.at(0)!.status, 'killed', 'the newest fold was cut short');
      assert.equal(store.getRun(outcome.runId!).status, 'killed');
    } finally {
      store.close();
    }
  });
});
