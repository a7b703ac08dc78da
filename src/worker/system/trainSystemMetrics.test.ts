/**
 * System metrics of built-in training, in real trainer processes against a
 * real store: a run samples its worker process, and each sweep trial its own.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeWorkspace } from '../../../test/fixtures/workspace';
import { SYSTEM_METRICS as M } from '../../core/metrics/systemMetricNames';
import { RunStore } from '../../store/runStore';
import { TrainerProcess } from '../trainerProcess';
import { SweepRunner } from '../sweepRunner';

const IRIS = (extra: string[]) => [
  'experiment: iris-system',
  'data:',
  '  path: data/iris.csv',
  '  target: species',
  'model:',
  '  type: decision_tree',
  '  params: { seed: 0 }',
  'system_metrics: { interval: 0.1 }',
  ...extra,
  '',
].join('\n');

describe('system metrics of built-in training', () => {
  const ws = makeWorkspace();
  const storeDir = join(ws.dir, '.runlens');
  after(() => ws.cleanup());

  test("a training samples its worker: memory from the start, CPU from the second sample, the summaries at the end", async () => {
    const trainer = new TrainerProcess({ storeDir, configPath: ws.write('iris.train.yaml', IRIS([])) });
    const outcome = await trainer.done;
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome.error));
    const store = RunStore.open(storeDir);
    try {
      const memory = store.getMetricHistory(outcome.runId!, M.processMemory);
      assert.ok(memory.values.length >= 2, 'a sample at the start and one at the end');
      assert.equal(memory.steps[0], 0);
      // A Node.js worker that loaded a CSV holds tens of MB; a wrong page size or an empty tree would not.
      assert.ok(Math.min(...memory.values) > 10, `worker RSS ${[...memory.values].join(', ')} MB`);
      const summary = Object.fromEntries(store.getMetricSummaries(outcome.runId!).map((m) => [m.key, m.latest]));
      assert.equal(summary[M.peakMemory], Math.max(...memory.values));
      assert.ok(summary[M.meanCpu]! > 0, 'training used some CPU');
      assert.ok(summary.test_accuracy !== undefined, 'the model metrics are there too');
    } finally {
      store.close();
    }
  });

  test('each sweep trial records its own tree', async () => {
    const store = RunStore.open(storeDir);
    try {
      const runner = new SweepRunner({
        storeDir, store, parallel: 2,
        configPath: ws.write('sweep.train.yaml', IRIS(['sweep:', '  method: grid', '  params: { model.params.max_depth: [2, 3] }'])),
      });
      const outcome = await runner.run();
      assert.equal(outcome.status, 'finished', outcome.error);
      const trials = store.listRuns({ parentId: outcome.sweepId });
      assert.equal(trials.length, 2);
      const pids = new Set<number | null>();
      for (const trial of trials) {
        assert.equal(trial.status, 'finished');
        const peak = store.getMetricSummaries(trial.id).find((m) => m.key === M.peakMemory);
        assert.ok(peak && peak.latest > 10, `trial ${trial.name} has its own peak memory`);
        pids.add(trial.pid);
      }
      assert.equal(pids.size, 2, 'two worker processes, each sampling itself');
      assert.equal(store.getMetricSummaries(outcome.sweepId).find((m) => m.key === M.peakMemory), undefined, 'the sweep parent trains nothing');
    } finally {
      store.close();
    }
  });
});
