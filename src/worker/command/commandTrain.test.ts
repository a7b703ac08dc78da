/**
 * Command configs through `trainRun` (what the trainer worker runs), in this
 * process against a real store, with real child processes; the Python helper
 * attaching to the run under Debian's python3.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { trainRun } from '../trainRun';
import type { WorkerMessage } from '../protocol';
import { artifactText, tempStore } from './commandTesting';

const PYTHON = '/usr/bin/python3';
const hasPython = spawnSync(PYTHON, ['-c', 'import sqlite3']).status === 0;

describe('command configs', () => {
  const t = tempStore();
  after(() => t.cleanup());
  const config = (name: string, yaml: string) => {
    const path = join(t.dir, `${name}.train.yaml`);
    writeFileSync(path, yaml);
    return path;
  };
  const train = async (configPath: string, overrides: string[] = []) => {
    const messages: WorkerMessage[] = [];
    const lines: string[] = [];
    await trainRun({
      store: t.store, request: { storeDir: t.storeDir, configPath, overrides }, emit: (m) => messages.push(m),
      signal: new AbortController().signal, onCommandOutput: (line) => lines.push(line),
    });
    return { messages, lines };
  };

  test('a command config becomes a run: snapshot, params, templates, args, environment, metrics', async () => {
    writeFileSync(join(t.dir, 'seen.js'), `
      const keys = ['RUNLENS_RUN_ID', 'RUNLENS_STORE', 'RUNLENS_EXPERIMENT', 'RUNLENS_CONFIG', 'RUNLENS_PARAM_LR', 'RUNLENS_PARAM_NAME', 'PYTHONUNBUFFERED', 'PYTHONPATH', 'CUSTOM'];
      require('fs').writeFileSync('seen.json', JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env: Object.fromEntries(keys.map((k) => [k, process.env[k]])) }));
      console.log('runlens: metric score=' + (Number(process.env.RUNLENS_PARAM_LR) * 10) + ' step=0');
    `);
    const path = config('seen', [
      'experiment: envcheck',
      `command: [${JSON.stringify(process.execPath)}, seen.js, "--run={{run_id}}"]`,
      'args: set',
      'params: { lr: 0.25, name: "two words" }',
      'env: { CUSTOM: "lr={{params.lr}}" }',
      'tags: { team: ml }',
    ].join('\n'));
    const { messages } = await train(path);
    const started = messages.find((m) => m.type === 'started');
    const finished = messages.find((m) => m.type === 'finished');
    assert.ok(started?.type === 'started' && finished?.type === 'finished', JSON.stringify(messages));
    assert.equal(finished.status, 'finished');
    assert.deepEqual(finished.metrics, { score: 2.5 });
    const id = started.runId;
    const seen = JSON.parse(readFileSync(join(t.dir, 'seen.json'), 'utf8'));
    assert.deepEqual(seen.argv, [`--run=${id}`, '--set', 'lr=0.25', '--set', 'name=two words']);
    assert.equal(seen.cwd, t.dir);
    assert.deepEqual(seen.env, {
      RUNLENS_RUN_ID: id, RUNLENS_STORE: t.storeDir, RUNLENS_EXPERIMENT: 'envcheck', RUNLENS_CONFIG: path,
      RUNLENS_PARAM_LR: '0.25', RUNLENS_PARAM_NAME: 'two words', PYTHONUNBUFFERED: '1',
      PYTHONPATH: seen.env.PYTHONPATH, CUSTOM: 'lr=0.25',
    });
    assert.ok(existsSync(join(seen.env.PYTHONPATH.split(':')[0], 'runlens.py')), 'the bundled helper is first on PYTHONPATH');
    const run = t.store.getRun(id);
    assert.equal(run.experiment, 'envcheck');
    assert.equal(run.status, 'finished');
    assert.equal(run.configPath, path);
    assert.equal(run.pid, process.pid);
    assert.deepEqual(JSON.parse(run.configJson!).params, { lr: 0.25, name: 'two words' });
    assert.deepEqual(t.store.getParams(id), { lr: '0.25', name: 'two words' });
    const tags = t.store.getTags(id);
    assert.equal(tags.team, 'ml');
    assert.equal(tags['runlens.command'], `${process.execPath} seen.js --run=${id} --set lr=0.25 --set 'name=two words'`);
  });

  test('--set overrides reach the command like config values', async () => {
    const path = config('override', `command: [${JSON.stringify(process.execPath)}, -e, "console.log('runlens: metric lr=' + process.argv[1])", "{{params.lr}}"]\nparams: { lr: 1 }\n`);
    const { messages } = await train(path, ['params.lr=0.125']);
    const finished = messages.find((m) => m.type === 'finished');
    assert.ok(finished?.type === 'finished');
    assert.deepEqual(finished.metrics, { lr: 0.125 });
  });

  test('the Python helper logs into the run RunLens created (one run), and a Python exception fails it', { skip: !hasPython && `${PYTHON} is missing` }, async () => {
    writeFileSync(join(t.dir, 'helper.py'), [
      'import os, sys, runlens',
      'runlens.log_params({"lr": 0.01, "layers": 2})',
      'for step in range(3):',
      '    runlens.log_metric("helper_loss", 1.0 / (step + 1), step=step)',
      'runlens.set_tag("via", "helper")',
      'print("runlens: metric printed=42 step=0")',
      'if os.environ.get("RUNLENS_PARAM_FAIL") == "true":',
      '    raise ValueError("boom from python")',
    ].join('\n'));
    const path = config('helper', `experiment: py\ncommand: ${PYTHON} helper.py\nparams: { lr: 0.01, fail: false }\n`);
    const before = t.store.countRuns();
    const { messages } = await train(path);
    const finished = messages.find((m) => m.type === 'finished');
    assert.ok(finished?.type === 'finished', JSON.stringify(messages));
    assert.equal(t.store.countRuns(), before + 1, 'the helper attached instead of creating a run');
    assert.deepEqual(finished.metrics, { helper_loss: 1 / 3, printed: 42 });
    const id = finished.runId;
    assert.equal(t.store.getRun(id).status, 'finished');
    assert.deepEqual(t.store.getParams(id), { fail: 'false', layers: '2', lr: '0.01' });
    assert.equal(t.store.getTags(id).via, 'helper');
    assert.equal(t.store.getMetricSummaries(id).find((m) => m.key === 'helper_loss')?.count, 3);

    const failing = await train(path, ['params.fail=true']);
    const failed = failing.messages.find((m) => m.type === 'failed');
    assert.ok(failed?.type === 'failed', JSON.stringify(failing.messages));
    assert.match(failed.error.message, /^python3 exited with code 1: ValueError: boom from python\nTraceback/);
    const run = t.store.getRun(failed.runId!);
    assert.equal(run.status, 'failed', 'the exit code decides, not the helper');
    assert.match(run.error!, /ValueError: boom from python/);
    assert.equal(t.store.getMetricSummaries(run.id).find((m) => m.key === 'helper_loss')?.count, 3, 'what the helper logged before the error is kept');
    assert.match(artifactText(t.store, run.id, 'logs/output.log')!, /Traceback \(most recent call last\)/);
  });
});
