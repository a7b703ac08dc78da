/**
 * Command configs in trainer worker processes, as the CLI and the editor run
 * them: a sweep whose trials are child runs with their params in the command,
 * cancel through a `TrainerProcess` reaching the script's whole group, and a
 * killed worker's script stopped by the host and its run recovered as failed.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SweepRunner } from '../sweepRunner';
import { TrainerProcess } from '../trainerProcess';
import { RunStore } from '../../store/runStore';
import { artifactText, processGone, tempStore, waitFor } from './commandTesting';

describe('command configs in worker processes', () => {
  const t = tempStore();
  after(() => t.cleanup());
  const config = (name: string, yaml: string) => {
    const path = join(t.dir, `${name}.train.yaml`);
    writeFileSync(path, yaml);
    return path;
  };

  test('a sweep runs each trial as a child run with its params in the command', async () => {
    const path = config('sweep', [
      'experiment: sw',
      `command: [${JSON.stringify(process.execPath)}, -e, "const lr = Number(process.argv.find((a) => a.startsWith('--lr=')).slice(5)); console.log('runlens: metric score=' + (lr * 10))", --]`,
      'args: "--{key}={value}"',
      'params: { lr: 1 }',
      'sweep: { method: grid, params: { params.lr: [0.1, 0.3, 0.2] }, metric: score, goal: maximize, parallel: 3 }',
    ].join('\n'));
    const runner = new SweepRunner({ storeDir: t.storeDir, configPath: path, store: t.store });
    const outcome = await runner.run();
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    assert.equal(outcome.trials.length, 3);
    const children = t.store.listRuns({ parentId: outcome.sweepId });
    assert.equal(children.length, 3);
    for (const child of children) {
      assert.equal(child.status, 'finished');
      const lr = Number(child.params.lr);
      assert.ok([0.1, 0.2, 0.3].includes(lr), `trial param lr=${child.params.lr}`);
      assert.equal(child.metrics.score, lr * 10, 'the trial ran with its own value');
      assert.equal(JSON.parse(child.configJson!).params.lr, lr);
    }
    assert.equal(Number(outcome.best?.params['params.lr']), 0.3);
    assert.equal(t.store.getParams(outcome.sweepId).model, undefined, 'no built-in model to record');
  });

  test('cancel through a trainer process stops the script and its grandchild; the worker records killed', async () => {
    const path = config('cancel', [
      `command: [${JSON.stringify(process.execPath)}, -e, "${[
        "const { spawn } = require('child_process');",
        "process.on('SIGTERM', () => console.log('ignoring SIGTERM'));",
        "const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
        "console.log('grandchild ' + g.pid);",
        'setInterval(() => {}, 1000);',
      ].join(' ')}"]`,
    ].join('\n'));
    let grandchild = 0;
    const trainer = new TrainerProcess({ storeDir: t.storeDir, configPath: path }, {
      store: t.store,
      killGraceMs: 2000,
      onOutput: (text) => {
        const m = /grandchild (\d+)/.exec(text);
        if (m) grandchild = Number(m[1]);
      },
    });
    await waitFor(() => grandchild > 0, 'the script to start its grandchild', 20_000);
    trainer.cancel();
    const outcome = await trainer.done;
    trainer.dispose();
    assert.equal(outcome.status, 'killed');
    const run = t.store.getRun(outcome.runId!);
    assert.equal(run.status, 'killed');
    assert.equal(run.error, 'cancelled');
    assert.match(artifactText(t.store, run.id, 'logs/output.log')!, /ignoring SIGTERM/, 'the worker, not the host, recorded the end');
    assert.equal(artifactText(t.store, run.id, 'logs/train.log'), undefined);
    await waitFor(() => processGone(grandchild), `grandchild ${grandchild} to be gone`, 3000);
  });

  test('a worker killed with SIGKILL: the host stops the silent script and its child; the next store open marks the run failed', async () => {
    // The script prints once, then nothing: before the host stopped the group, it ran on for ever.
    const path = config('crash', `command: [${JSON.stringify(process.execPath)}, -e, "${[
      "const { spawn } = require('child_process');",
      "process.on('SIGTERM', () => { console.error('script got SIGTERM'); process.exit(143); });",
      "const g = spawn('sleep', ['1000'], { stdio: 'ignore' });",
      "console.log('pids ' + process.pid + ' ' + g.pid + ' runlens: x');",
      "console.log('runlens: metric m=1 step=0');",
      'setInterval(() => {}, 1000);',
    ].join(' ')}"]\n`);
    let pids: number[] = [];
    let output = '';
    // No store for the host: nothing but stale-run recovery may end this run.
    const trainer = new TrainerProcess({ storeDir: t.storeDir, configPath: path }, {
      onOutput: (text) => {
        output += text;
        const m = /pids (\d+) (\d+) runlens/.exec(text);
        if (m) pids = [Number(m[1]), Number(m[2])];
      },
    });
    await waitFor(() => pids.length === 2 && trainer.currentRunId !== undefined, 'the script to start', 20_000);
    const runId = trainer.currentRunId!;
    await waitFor(() => t.store.getMetricSummaries(runId).some((m) => m.key === 'm'), 'the first metric in the store');
    trainer.kill('SIGKILL');
    const outcome = await trainer.done;
    trainer.dispose();
    assert.equal(outcome.status, 'failed');
    for (const pid of pids) assert.ok(processGone(pid), `process ${pid} of the script's group is gone once done settles`);
    assert.match(output, new RegExp(`\\[runlens\\] stopped 2 processes \\((${pids[0]} node, ${pids[1]} sleep|${pids[1]} sleep, ${pids[0]} node)\\) of the command, as the trainer process ended before the run did, with SIGTERM\n`));
    const reopened = RunStore.open(t.storeDir);
    try {
      const run = reopened.getRun(runId);
      assert.equal(run.status, 'failed');
      assert.match(run.error!, /^process \d+ died without finishing$/);
      assert.equal(reopened.getMetricSummaries(runId).find((m) => m.key === 'm')?.latest, 1, 'its metrics are kept');
    } finally {
      reopened.close();
    }
  });
});
