/**
 * What a kill costs the metric curve of a real MLP trainer process: every
 * epoch is written to the store before it is reported, so whether the
 * worker gets SIGTERM (stops, marks the run killed) or SIGKILL (no chance
 * to do anything), every point the host was shown is in the store.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeWorkspace } from '../../test/fixtures/workspace';
import { RunStore } from '../store/runStore';
import { TrainerProcess } from './trainerProcess';
import type { WorkerMessage } from './protocol';

const CONFIG = [
  'experiment: kill',
  'data: { path: data/wine.csv, target: cultivar, features: { scale: standard } }',
  'model:',
  '  type: mlp',
  '  params: { hidden_layers: [16], batch_size: 4, epochs: 100000, seed: 0 }',
  '',
].join('\n');

describe('metrics of an MLP under kill', () => {
  const ws = makeWorkspace();
  ws.write('long.train.yaml', CONFIG);
  const storeDir = join(ws.dir, '.runlens');
  after(() => ws.cleanup());

  /** Starts a run and resolves once `epochs` epochs were reported to this process. */
  function startAndWait(epochs: number, store: RunStore): Promise<{ trainer: TrainerProcess; shown: Map<number, number> }> {
    const shown = new Map<number, number>();
    return new Promise((resolve, reject) => {
      const trainer = new TrainerProcess({ storeDir, configPath: join(ws.dir, 'long.train.yaml') }, {
        store,
        onMessage: (m: WorkerMessage) => {
          if (m.type === 'failed' || m.type === 'finished') reject(new Error(`the run ended before ${epochs} epochs: ${JSON.stringify(m)}`));
          if (m.type !== 'progress' || m.metrics?.train_loss === undefined || m.step === undefined) return;
          shown.set(m.step, m.metrics.train_loss);
          if (shown.size === epochs) resolve({ trainer, shown });
        },
      });
    });
  }

  function assertAllStored(store: RunStore, runId: string, shown: Map<number, number>): void {
    const h = store.getMetricHistory(runId, 'train_loss');
    const stored = new Map(Array.from(h.steps, (s, i) => [s, h.values[i]]));
    const lost = [...shown.keys()].filter((step) => stored.get(step) !== shown.get(step));
    assert.deepEqual(lost, [], `epochs shown but not stored (${stored.size} stored, ${shown.size} shown)`);
  }

  test('SIGTERM mid-training: the run is killed and keeps every epoch reported before it', async () => {
    const store = RunStore.open(storeDir);
    try {
      const { trainer, shown } = await startAndWait(30, store);
      trainer.kill('SIGTERM');
      const outcome = await trainer.done;
      trainer.dispose();
      assert.equal(outcome.status, 'killed');
      assert.equal(store.getRun(outcome.runId!).status, 'killed');
      assertAllStored(store, outcome.runId!, shown);
    } finally {
      store.close();
    }
  });

  test('kill -9 mid-training: the run is failed, and no epoch that was reported is lost', async () => {
    const store = RunStore.open(storeDir);
    try {
      const { trainer, shown } = await startAndWait(30, store);
      trainer.kill('SIGKILL');
      const outcome = await trainer.done;
      trainer.dispose();
      assert.equal(outcome.status, 'failed');
      assert.equal(store.getRun(outcome.runId!).status, 'failed');
      assertAllStored(store, outcome.runId!, shown);
    } finally {
      store.close();
    }
  });
});
