/**
 * Sweeps with real trainer processes and a real store: a grid, a seeded
 * random search run twice, failing trials, max_failures, stop_when, and a
 * cancel that must leave no process and no live run behind.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace } from '../../test/fixtures/workspace';
import { slowConfigYaml, writeSlowClassificationCsv } from '../../test/fixtures/syntheticCsv';
import { RunStore } from '../store/runStore';
import { pidAlive } from '../core/util/pidAlive';
import type { RunRow } from '../store/types';
import type { SweepEvent } from './sweepEvents';
import { SweepRunner } from './sweepRunner';

const iris = (experiment: string, sweep: string[], model = '  type: decision_tree\n  params: { seed: 0 }') => [
  `experiment: ${experiment}`,
  'data:',
  '  path: data/iris.csv',
  '  target: species',
  'model:',
  model,
  'sweep:',
  ...sweep.map((l) => `  ${l}`),
  '',
].join('\n');

describe('sweep runner', () => {
  const ws = makeWorkspace();
  const storeDir = join(ws.dir, '.runlens');
  const store = RunStore.open(storeDir);
  after(() => {
    store.close();
    ws.cleanup();
  });

  function sweep(file: string, text: string, extra: Partial<ConstructorParameters<typeof SweepRunner>[0]> = {}) {
    const events: SweepEvent[] = [];
    const runner = new SweepRunner({ storeDir, configPath: ws.write(file, text), store, onEvent: (e) => events.push(e), ...extra });
    return { runner, events };
  }
  const children = (id: string): RunRow[] => store.listRuns({ parentId: id }).sort((a, b) => Number(a.tags['runlens.sweep.trial']) - Number(b.tags['runlens.sweep.trial']));
  const artifact = (runId: string, path: string) => readFileSync(store.artifactPath(store.listArtifacts(runId).find((a) => a.path === path)!.sha256), 'utf8');

  test('a 3 × 2 grid makes 6 trials with the right params, picks the best, and writes a sorted summary', async () => {
    const { runner, events } = sweep('grid.train.yaml', iris('grid', [
      'method: grid',
      'params:',
      '  model.params.max_depth: [1, 2, 4]',
      '  model.params.criterion: [gini, entropy]',
      'parallel: 2',
    ]));
    const outcome = await runner.run();
    assert.equal(outcome.status, 'finished', outcome.error);
    assert.equal(outcome.metric, 'test_accuracy');
    const parent = store.getRun(outcome.sweepId);
    const parentRow = store.listRuns({ filter: `attributes.id = "${parent.id}"` })[0]!;
    assert.equal(parent.status, 'finished');
    assert.equal(parentRow.tags['runlens.kind'], 'sweep');
    assert.equal(parentRow.params['sweep.method'], 'grid');
    assert.equal(parentRow.params['sweep.params.model.params.max_depth'], '[1,2,4]');

    const trials = children(parent.id);
    assert.equal(trials.length, 6);
    const expected = [[1, 'gini'], [1, 'entropy'], [2, 'gini'], [2, 'entropy'], [4, 'gini'], [4, 'entropy']];
    trials.forEach((t, i) => {
      assert.equal(t.status, 'finished');
      assert.equal(t.tags['runlens.kind'], 'trial');
      assert.equal(t.name, `${parent.name}-trial-${i + 1}`);
      assert.deepEqual([Number(t.params.max_depth), t.params.criterion], expected[i], `trial ${i + 1} params`);
      const snapshot = JSON.parse(t.configJson!);
      assert.deepEqual([snapshot.model.params.max_depth, snapshot.model.params.criterion], expected[i], 'the snapshot is the overridden config');
      assert.equal(snapshot.sweep, undefined, 'a trial snapshot is one training, not a sweep');
    });
    assert.ok(events.some((e) => e.type === 'trialStarted' && e.running === 2), 'two trials ran at once');

    // Best: the highest test_accuracy, ties to the lowest trial number.
    const top = Math.max(...trials.map((t) => t.metrics.test_accuracy!));
    const best = trials.find((t) => t.metrics.test_accuracy === top)!;
    assert.equal(outcome.best?.id, best.id);
    assert.equal(parentRow.tags['runlens.sweep.best_run'], best.id);
    assert.equal(parentRow.metrics.best_test_accuracy, top);

    const summary = JSON.parse(artifact(parent.id, 'sweep_summary.json'));
    assert.equal(summary.trials.length, 6);
    assert.equal(summary.best, best.id);
    const values = summary.trials.map((t: { value: number }) => t.value);
    assert.deepEqual(values, [...values].sort((a, b) => b - a), 'sorted by the metric, best first');
    for (const row of summary.trials) assert.equal(row.value, trials.find((t) => t.id === row.id)!.metrics.test_accuracy);
    const csv = artifact(parent.id, 'sweep_summary.csv').trimEnd().split('\n');
    assert.equal(csv.length, 7);
    assert.equal(csv[0], 'run_id,name,status,model.params.max_depth,model.params.criterion,test_accuracy,error');
    assert.ok(csv[1]!.startsWith(`${best.id},`));
  });

  test('a random search with a seed samples the same params twice', async () => {
    const text = iris('random', [
      'method: random',
      'params:',
      '  model.params.max_depth: { int_uniform: [1, 8] }',
      '  model.params.min_samples_leaf: { int_uniform: [1, 10] }',
      'trials: 3',
      'seed: 7',
      'parallel: 2',
    ]);
    const first = await sweep('random.train.yaml', text).runner.run();
    const second = await sweep('random.train.yaml', text).runner.run();
    const sampled = (id: string) => children(id).map((t) => [t.params.max_depth, t.params.min_samples_leaf]);
    assert.equal(first.status, 'finished');
    assert.deepEqual(sampled(second.sweepId), sampled(first.sweepId));
    assert.equal(new Set(sampled(first.sweepId).map(String)).size, 3, 'three different draws');
    const byIndex = (o: typeof first) => [...o.trials].sort((a, b) => a.index - b.index).map((t) => t.params);
    assert.deepEqual(byIndex(second), byIndex(first));
    assert.deepEqual(byIndex(first).map((p) => [String(p['model.params.max_depth']), String(p['model.params.min_samples_leaf'])]), sampled(first.sweepId));
  });

  const FAILING = (experiment: string, more: string[] = []) => iris(experiment, [
    'method: grid',
    'params:',
    '  data.target: [no_such_column, species]',
    '  model.params.max_depth: [2, 3]',
    ...more,
  ]);

  test('a failing trial is failed with its error and the sweep goes on', async () => {
    const { runner, events } = sweep('failing.train.yaml', FAILING('failing', ['parallel: 2']));
    const outcome = await runner.run();
    assert.equal(outcome.status, 'finished');
    const trials = children(outcome.sweepId);
    assert.deepEqual(trials.map((t) => t.status), ['failed', 'failed', 'finished', 'finished']);
    for (const t of trials.slice(0, 2)) assert.match(t.error ?? '', /no_such_column/);
    const ended = events.filter((e) => e.type === 'trialEnded' && e.status === 'failed');
    assert.equal(ended.length, 2);
    assert.ok(ended.every((e) => e.type === 'trialEnded' && /no_such_column/.test(e.error?.message ?? '')));
    assert.match(outcome.trials.find((t) => t.status === 'failed')!.error ?? '', /no_such_column/);
    assert.equal(outcome.best?.status, 'finished');
  });

  test('max_failures: 0 stops the sweep after the first failure', async () => {
    const { runner, events } = sweep('maxfail.train.yaml', FAILING('maxfail', ['parallel: 1', 'max_failures: 0']));
    const outcome = await runner.run();
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.stopped, 'max_failures');
    const trials = children(outcome.sweepId);
    assert.deepEqual(trials.map((t) => t.status), ['failed', 'killed', 'killed', 'killed']);
    assert.equal(events.filter((e) => e.type === 'trialStarted').length, 1, 'no trial started after the failure');
    const parent = store.listRuns({ filter: `attributes.id = "${outcome.sweepId}"` })[0]!;
    assert.equal(parent.status, 'failed');
    assert.equal(parent.tags['runlens.sweep.stopped'], 'max_failures');
    assert.match(parent.error ?? '', /1 trial failed \(max_failures: 0\)/);
  });

  test('stop_when stops launching once the best trial matches; the parent finishes with the reason', async () => {
    const { runner } = sweep('stop.train.yaml', iris('stop', [
      'method: grid',
      'params: { model.params.max_depth: [1, 2, 3, 4] }',
      'parallel: 1',
      'stop_when: metrics.test_accuracy >= 0.85',
    ]));
    const outcome = await runner.run();
    assert.equal(outcome.status, 'finished');
    assert.equal(outcome.stopped, 'stop_when');
    const trials = children(outcome.sweepId);
    const first = trials.findIndex((t) => t.metrics.test_accuracy !== undefined && t.metrics.test_accuracy >= 0.85);
    assert.ok(first >= 1 && first < 3, `depth 1 is below 0.85, a deeper tree reaches it (trial ${first + 1})`);
    assert.ok(trials.slice(0, first + 1).every((t) => t.status === 'finished'));
    assert.ok(trials.slice(first + 1).every((t) => t.status === 'killed' && /stop_when/.test(t.error ?? '')));
    const parent = store.listRuns({ filter: `attributes.id = "${outcome.sweepId}"` })[0]!;
    assert.equal(parent.status, 'finished');
    assert.equal(parent.tags['runlens.sweep.stopped'], 'stop_when');
    assert.equal(parent.tags['runlens.sweep.best_run'], trials[first]!.id);
  });

  test('cancel kills running trials and leaves no process, no running or queued run; queued trials are heartbeated meanwhile', async () => {
    writeSlowClassificationCsv(join(ws.dir, 'data', 'slow.csv'));
    const text = slowConfigYaml(
      'slow-sweep',
      'sweep:',
      '  method: grid',
      '  params: { model.params.seed: [0, 1, 2, 3, 4] }',
      '  parallel: 2',
    );
    const { runner, events } = sweep('slow.train.yaml', text, { heartbeatMs: 200, killGraceMs: 3000 });
    // Another process's view of the store with a short stale limit: a queued
    // trial that is not heartbeated would be marked failed by it.
    const watcher = RunStore.open(storeDir, { staleAfterMs: 1500 });
    const marked: string[] = [];
    const done = runner.run();
    const fitting = () => new Set(events.filter((e) => e.type === 'trialProgress' && e.message.metrics).map((e) => e.type === 'trialProgress' && e.trial.id)).size;
    const t0 = Date.now();
    try {
      while (fitting() < 2 || Date.now() - t0 < 2500) {
        assert.ok(Date.now() - t0 < 90_000, 'two trials did not start fitting');
        assert.ok(!events.some((e) => e.type === 'sweepEnded'), 'the sweep ended before it was cancelled');
        marked.push(...watcher.markStaleRuns());
        assert.deepEqual(marked, [], 'no live run went stale while the sweep ran');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      runner.cancel();
    }
    const outcome = await done;
    marked.push(...watcher.markStaleRuns());
    watcher.close();
    assert.deepEqual(marked, [], 'no live run went stale while the sweep was cancelled');

    assert.equal(outcome.status, 'killed');
    const pids = events.flatMap((e) => (e.type === 'trialStarted' && e.pid ? [e.pid] : []));
    assert.equal(pids.length, 2, 'only the two running trials were started');
    for (const pid of pids) {
      assert.equal(pidAlive(pid), false, `trial process ${pid} is gone (a zombie counts as gone)`);
    }
    const trials = children(outcome.sweepId);
    assert.equal(trials.length, 5);
    assert.deepEqual(trials.map((t) => t.status), ['killed', 'killed', 'killed', 'killed', 'killed']);
    assert.ok(trials.slice(0, 2).every((t) => t.metrics.train_loss !== undefined), 'the cancelled trials keep their curves');
    assert.equal(store.getRun(outcome.sweepId).status, 'killed');
    assert.equal(store.listRuns({ filter: 'attributes.status = "running" or attributes.status = "queued"' }).length, 0);
  });
});
