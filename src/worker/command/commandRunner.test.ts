/**
 * The command runner with real child processes (`node -e` scripts) against a
 * real store: how a run ends, what it logs, and that stopping it stops
 * everything it started.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandPlan } from '../../core/commandRun/commandLine';
import { RunStore } from '../../store/runStore';
import { runCommand } from './commandRunner';
import type { CommandRunOptions, OutputStream } from './commandRunner';
import type { Timers } from '../../core/util/timers';
import { artifactText, baseEnv, processGone, tempStore, waitFor } from './commandTesting';

describe('command runner', () => {
  const t = tempStore();
  after(() => t.cleanup());
  const newRun = () => t.store.createRun({ experiment: 'cmd', status: 'running', pid: process.pid }).id;
  const nodePlan = (script: string, extra: Partial<CommandPlan> = {}): CommandPlan => ({ argv: [process.execPath, '-e', script], cwd: t.dir, env: baseEnv(), ...extra });
  const run = (runId: string, plan: CommandPlan, more: Partial<CommandRunOptions> = {}) => {
    const lines: [string, OutputStream][] = [];
    const done = runCommand({ store: t.store, runId, plan, onLine: (l, s) => lines.push([l, s]), ...more });
    return Object.assign(done, { lines });
  };

  test('exit 0: finished; metric, param and tag lines logged; output streamed and saved as logs/output.log', async () => {
    const id = newRun();
    const r = run(id, nodePlan(`
      console.log('starting');
      for (let i = 0; i < 3; i++) console.log('runlens: metric loss=' + (1 / (i + 1)) + ' step=' + i);
      console.log('runlens: metric acc=0.5');
      console.log('runlens: metric acc=0.75');
      console.log('runlens: param lr=0.01 opt=adam');
      console.log('runlens: tag stage=test');
      console.error('a warning on stderr');
      console.log('runlens: metric bad=oops');
      console.log('runlens: metric nan_metric=nan inf_metric=-inf');
      process.stdout.write('runlens: metric last=7');
    `));
    const result = await r;
    assert.equal(result.status, 'finished');
    assert.equal(result.exitCode, 0);
    assert.equal(result.malformedLines, 1);
    const stored = t.store.getRun(id);
    assert.equal(stored.status, 'finished');
    assert.equal(stored.error, null);
    const loss = t.store.getMetricHistory(id, 'loss');
    assert.deepEqual(loss.steps ? [...loss.steps] : [], [0, 1, 2]);
    assert.deepEqual(loss.values ? [...loss.values].map((v) => Number(v.toFixed(4))) : [], [1, 0.5, 0.3333]);
    const summaries = Object.fromEntries(t.store.getMetricSummaries(id).map((m) => [m.key, m]));
    assert.equal(summaries.acc?.count, 2, 'without step=, each line continues the series');
    assert.equal(summaries.acc?.latest, 0.75);
    assert.ok(Number.isNaN(summaries.nan_metric?.latest));
    assert.equal(summaries.inf_metric?.latest, -Infinity);
    assert.equal(summaries.last?.latest, 7, 'a last line without a newline counts');
    assert.equal(summaries.bad, undefined);
    assert.deepEqual(t.store.getParams(id), { lr: '0.01', opt: 'adam' });
    assert.deepEqual(t.store.getTags(id), { stage: 'test', 'runlens.exit_code': '0' });
    assert.ok(r.lines.some(([l, s]) => l === 'a warning on stderr' && s === 'stderr'));
    assert.ok(r.lines.some(([l, s]) => l === 'starting' && s === 'stdout'));
    const log = artifactText(t.store, id, 'logs/output.log')!;
    assert.match(log, /^\[runlens\] running \S+ -e '[\s\S]*' \(cwd .*\)\nstarting\n/);
    assert.match(log, /a warning on stderr\n/);
    assert.match(log, /\[runlens\] ignored stdout line 9: bad=oops is not a number\n/);
  });

  test('a non-zero exit fails the run with the code and the end of stderr', async () => {
    const id = newRun();
    const result = await run(id, nodePlan(`
      console.log('runlens: metric loss=0.5');
      console.error('Traceback (most recent call last):');
      console.error('  File "train.py", line 3, in <module>');
      console.error('ValueError: boom');
      process.exit(3);
    `));
    const expected = 'node exited with code 3: ValueError: boom\nTraceback (most recent call last):\n  File "train.py", line 3, in <module>\nValueError: boom';
    assert.equal(result.status, 'failed');
    assert.equal(result.exitCode, 3);
    assert.equal(result.error, expected);
    const stored = t.store.getRun(id);
    assert.equal(stored.status, 'failed');
    assert.equal(stored.error, expected);
    assert.equal(t.store.getTags(id)['runlens.exit_code'], '3');
    assert.equal(t.store.getMetricSummaries(id).find((m) => m.key === 'loss')?.latest, 0.5);
    assert.match(artifactText(t.store, id, 'logs/output.log')!, /ValueError: boom/);
  });

  test('metrics reach the store while the script runs, and a crash keeps every one logged before it', async () => {
    const id = newRun();
    const go = join(t.dir, `go-${id}`);
    const r = run(id, nodePlan(`
      const fs = require('fs');
      for (let i = 0; i < 5; i++) console.log('runlens: metric loss=' + i + ' step=' + i);
      const wait = setInterval(() => {
        if (!fs.existsSync(${JSON.stringify(go)})) return;
        clearInterval(wait);
        console.log('runlens: metric loss=5 step=5');
        process.kill(process.pid, 'SIGKILL');
      }, 20);
    `));
    // Another connection, as the editor's: the points are there while the process still runs.
    const reader = RunStore.open(t.storeDir);
    try {
      await waitFor(() => (reader.getMetricSummaries(id).find((m) => m.key === 'loss')?.count ?? 0) === 5, 'the first five points in the store');
      assert.equal(reader.getRun(id).status, 'running');
    } finally {
      reader.close();
    }
    writeFileSync(go, '');
    const result = await r;
    assert.equal(result.status, 'failed');
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.error, 'node was killed by SIGKILL');
    assert.equal(t.store.getMetricSummaries(id).find((m) => m.key === 'loss')?.count, 6);
  });

  test('a program that cannot start fails the run naming it and the folder', async () => {
    const id = newRun();
    const result = await run(id, { argv: ['runlens-no-such-program', '--x'], cwd: t.dir, env: baseEnv() });
    assert.equal(result.status, 'failed');
    assert.equal(result.error, `command not found: runlens-no-such-program (cwd ${t.dir})`);
    assert.equal(t.store.getRun(id).error, result.error);

    const id2 = newRun();
    const missing = join(t.dir, 'no-such-folder');
    const result2 = await run(id2, nodePlan('1', { cwd: missing }));
    assert.equal(result2.error, `working directory not found: ${missing} (cwd in the config is relative to the config file)`);
    assert.equal(t.store.getRun(id2).status, 'failed');
  });

  test('cancel stops the whole process group, a grandchild too, with SIGKILL after the grace period', async () => {
    const id = newRun();
    const controller = new AbortController();
    let grandchild = 0;
    // The grace runs out when the test says so: once the script has shown it got SIGTERM (on a loaded machine a
    // real 400 ms could end before the script ran its handler).
    const grace: { fire?: () => void; ms?: number; firedAfterLine?: boolean } = {};
    const timers: Timers = { setTimeout: (fn, ms) => ((grace.fire = fn), (grace.ms = ms)), clearTimeout: () => {} };
    const result = await run(id, nodePlan(`
      const { spawn } = require('child_process');
      process.on('SIGTERM', () => console.log('parent ignores SIGTERM'));
      const g = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
      console.log('grandchild ' + g.pid);
      setInterval(() => {}, 1000);
    `), {
      signal: controller.signal,
      killGraceMs: 400,
      timers,
      onLine: (line) => {
        if (line === 'parent ignores SIGTERM') {
          assert.ok(grace.fire, 'the grace started with the cancel');
          grace.firedAfterLine = true;
          grace.fire();
        }
        const m = /^grandchild (\d+)$/.exec(line);
        if (!m) return;
        grandchild = Number(m[1]);
        controller.abort();
      },
    });
    assert.equal(result.status, 'killed');
    assert.equal(result.error, 'cancelled');
    assert.equal(grace.ms, 400, 'the grace is killGraceMs');
    assert.equal(grace.firedAfterLine, true);
    assert.equal(result.signal, 'SIGKILL', 'the script ignored SIGTERM, so the grace ran out');
    assert.ok(grandchild > 0);
    await waitFor(() => processGone(grandchild), `grandchild ${grandchild} to be gone`, 3000);
    const stored = t.store.getRun(id);
    assert.equal(stored.status, 'killed');
    assert.match(artifactText(t.store, id, 'logs/output.log')!, /parent ignores SIGTERM/);
  });

  test('cancel also stops a grandchild that ignores SIGTERM when the script itself exits at once', async () => {
    const id = newRun();
    const controller = new AbortController();
    const ready = join(t.dir, `ready-${id}`);
    let grandchild = 0;
    const result = await run(id, nodePlan(`
      const { spawn } = require('child_process');
      const g = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); require('fs').writeFileSync(process.argv[1], ''); setInterval(() => {}, 1000)", ${JSON.stringify(ready)}], { stdio: 'ignore' });
      console.log('grandchild ' + g.pid);
      setInterval(() => {}, 1000);
    `), {
      signal: controller.signal,
      killGraceMs: 30_000,
      onLine: (line) => {
        const m = /^grandchild (\d+)$/.exec(line);
        if (!m) return;
        grandchild = Number(m[1]);
        // Once the grandchild ignores SIGTERM.
        void waitFor(() => existsSync(ready), 'the grandchild to be ready').then(() => controller.abort());
      },
    });
    assert.equal(result.status, 'killed');
    assert.equal(result.signal, 'SIGTERM', 'the script ended on SIGTERM, long before the grace period');
    await waitFor(() => processGone(grandchild), `grandchild ${grandchild} to be gone`, 3000);
  });

  test('timeout stops the command and fails the run', async () => {
    const id = newRun();
    const result = await run(id, nodePlan('console.log("runlens: metric x=1"); setInterval(() => {}, 1000)', { timeoutMs: 1500 }));
    assert.equal(result.status, 'failed');
    assert.equal(result.error, 'timed out after 1.5 s (timeout: 1.5)');
    assert.equal(t.store.getRun(id).status, 'failed');
    assert.equal(t.store.getMetricSummaries(id).find((m) => m.key === 'x')?.latest, 1);
  });

  test('a param the script changes is reported, not fatal; many malformed lines are counted once', async () => {
    const id = newRun();
    t.store.logParams(id, { lr: 0.1 });
    const r = run(id, nodePlan(`
      console.log('runlens: param lr=0.2');
      for (let i = 0; i < 8; i++) console.log('runlens: metric loss=x' + i);
      console.log('runlens: metric ok=1');
    `));
    const result = await r;
    assert.equal(result.status, 'finished');
    assert.equal(result.malformedLines, 8);
    const notes = r.lines.filter(([l]) => l.startsWith('[runlens] ') && !l.startsWith('[runlens] running')).map(([l]) => l);
    assert.match(notes[0]!, /could not log: param "lr" of run .* is already "0.1"; cannot change it to "0.2"/);
    assert.equal(notes.filter((n) => n.includes('ignored stdout line')).length, 5);
    assert.equal(notes.at(-1), '[runlens] 8 malformed runlens: lines were ignored in all (the first 5 are shown above)');
    assert.equal(t.store.getMetricSummaries(id).find((m) => m.key === 'ok')?.latest, 1);
  });
});
