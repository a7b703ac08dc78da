/**
 * `runlens sweep` and `runlens train` on a sweep config, end to end: real
 * CLI processes, trainer workers and store.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeWorkspace, runCli, spawnCli } from '../../../test/fixtures/workspace';
import { slowConfigYaml, writeSlowClassificationCsv } from '../../../test/fixtures/syntheticCsv';
import { RunStore } from '../../store/runStore';
import { waitFor } from '../../worker/command/commandTesting';

const SWEEP = [
  'experiment: cli-sweep',
  'data:',
  '  path: data/iris.csv',
  '  target: species',
  'model:',
  '  type: decision_tree',
  '  params: { seed: 0 }',
  'sweep:',
  '  method: grid',
  '  params:',
  '    model.params.max_depth: [1, 3]',
  '',
].join('\n');

interface SweepJson {
  id: string;
  name: string;
  status: string;
  metric: string;
  goal: string;
  best: { id: string; name: string; metric: string; value: number; params: Record<string, unknown> } | null;
  trials: { id: string; name: string; status: string; params: Record<string, unknown>; value: number | null; error?: string }[];
}

function assertSweepJson(out: SweepJson): void {
  assert.match(out.id, /^[0-9a-f]{32}$/);
  assert.equal(out.status, 'finished');
  assert.equal(out.metric, 'test_accuracy');
  assert.equal(out.goal, 'maximize');
  assert.equal(out.trials.length, 2);
  assert.deepEqual(out.trials.map((t) => t.params['model.params.max_depth']).sort(), [1, 3]);
  assert.ok(out.trials.every((t) => t.status === 'finished' && typeof t.value === 'number'));
  assert.ok(out.trials[0]!.value! >= out.trials[1]!.value!, 'trials sorted by the metric');
  assert.deepEqual(out.best, { id: out.trials[0]!.id, name: out.trials[0]!.name, metric: 'test_accuracy', value: out.trials[0]!.value, params: out.trials[0]!.params });
  assert.deepEqual(out.best.params, { 'model.params.max_depth': 3 }, 'the deeper tree wins on iris');
}

describe('runlens sweep', () => {
  const ws = makeWorkspace();
  ws.write('sweep.train.yaml', SWEEP);
  after(() => ws.cleanup());

  test('sweep --json: progress per trial on stderr, one object on stdout', () => {
    const r = runCli(ws.dir, ['sweep', 'sweep.train.yaml', '--json', '--parallel', '2']);
    assert.equal(r.code, 0, r.stderr);
    assertSweepJson(JSON.parse(r.stdout));
    assert.match(r.stderr, /: 2 trials, 2 at a time/);
    assert.match(r.stderr, /^\[1\] \S+-trial-1 started: max_depth=1$/m);
    assert.match(r.stderr, /^\[2\] \S+-trial-2 finished: test_accuracy 0\.\d{4}/m);
  });

  test('train on a config with sweep: runs the sweep', () => {
    const r = runCli(ws.dir, ['train', 'sweep.train.yaml', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as SweepJson;
    assertSweepJson(out);
    const runs = JSON.parse(runCli(ws.dir, ['runs', '--json', '--all', '--filter', `attributes.parent_id = "${out.id}"`]).stdout);
    assert.equal(runs.length, 2, 'two trial runs under the sweep');
  });

  test('the text output is a table sorted by the metric and the best trial', () => {
    const r = runCli(ws.dir, ['sweep', 'sweep.train.yaml', '--parallel', '1']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^sweep \S+ \([0-9a-f]{32}\) finished$/);
    assert.doesNotMatch(r.stderr, /^sweep \S+ finished$/m, 'the finish is said once, by the table on stdout');
    assert.match(lines[1]!, /^rank\s+trial\s+status\s+max_depth\s+test_accuracy$/);
    assert.match(lines[3]!, /^\s*1\s+\S+-trial-2\s+finished\s+3\s+0\.\d+$/);
    assert.match(lines[4]!, /^\s*2\s+\S+-trial-1\s+finished\s+1\s+0\.\d+$/);
    assert.match(lines.at(-1)!, /^best: \S+-trial-2 \([0-9a-f]{32}\) test_accuracy 0\.\d+$/);
  });

  test('a failing trial prints its error and the sweep goes on', () => {
    ws.write('failing.train.yaml', SWEEP.replace('    model.params.max_depth: [1, 3]', '    data.target: [no_such_column, species]'));
    const r = runCli(ws.dir, ['sweep', 'failing.train.yaml', '--json', '--parallel', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^\[1\] \S+-trial-1 failed: .*no_such_column/m);
    const out = JSON.parse(r.stdout) as SweepJson;
    assert.deepEqual(out.trials.map((t) => t.status), ['finished', 'failed']);
    assert.match(out.trials[1]!.error!, /no_such_column/);
  });

  test('--parallel must be a whole number', () => {
    const r = runCli(ws.dir, ['sweep', 'sweep.train.yaml', '--parallel', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--parallel expects a whole number ≥ 1/);
  });
});

describe('runlens sweep rejects bad sweeps before creating a run', () => {
  const ws = makeWorkspace();
  after(() => ws.cleanup());

  test('a param the model does not have: the message names the param, the file and the line', () => {
    ws.write('bad.train.yaml', SWEEP.replace('model.params.max_depth: [1, 3]', 'model.params.max_dept: [1, 3]'));
    for (const command of ['sweep', 'train']) {
      const r = runCli(ws.dir, [command, 'bad.train.yaml']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /bad\.train\.yaml:11:\d+: .*sweep param "model\.params\.max_dept" is not a parameter of decision_tree/);
      assert.match(r.stderr, /max_depth/, 'suggests the real name');
    }
    // No run, not even a store: a read says there is none.
    assert.match(runCli(ws.dir, ['runs', '--json', '--all']).stderr, /^error: no RunLens store at /);
  });
});

describe('runlens sweep cancelled with SIGINT', () => {
  const ws = makeWorkspace();
  after(() => ws.cleanup());

  test('kills the running trials and ends every run killed, exit 130', async () => {
    writeSlowClassificationCsv(join(ws.dir, 'data', 'slow.csv'));
    ws.write('slow.train.yaml', slowConfigYaml('slow', 'sweep:', '  method: grid', '  params: { model.params.seed: [0, 1, 2] }'));
    const child = spawnCli(ws.dir, ['sweep', 'slow.train.yaml', '--parallel', '2', '--json']);
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once two trials are fitting: their runs are running and have logged metrics.
    const reader = RunStore.open(join(ws.dir, '.runlens'));
    try {
      const fitting = () => reader.listRuns({ experiment: 'slow' })
        .filter((r) => r.parentId !== null && r.status === 'running' && reader.getMetricSummaries(r.id).length > 0).length;
      await waitFor(() => fitting() >= 2, `two trials to be fitting:\n${stderr}`, 120_000);
    } finally {
      reader.close();
    }
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    const out = JSON.parse(stdout) as SweepJson;
    assert.equal(out.status, 'killed');
    const store = RunStore.open(join(ws.dir, '.runlens'));
    try {
      const statuses = store.listRuns({ parentId: out.id }).map((r) => r.status);
      assert.deepEqual(statuses, ['killed', 'killed', 'killed']);
      assert.equal(store.getRun(out.id).status, 'killed');
    } finally {
      store.close();
    }
  });
});
