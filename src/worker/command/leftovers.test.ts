/**
 * Processes a command leaves behind in its process group: real scripts
 * (Python and Node) that start a long-lived child on the side and exit, run
 * through the command runner against a real store. The child must be gone
 * when the run ends, the run's status must come from the script's own exit,
 * and the log must say what was stopped.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandPlan } from '../../core/commandRun/commandLine';
import { runCommand } from './commandRunner';
import type { CommandRunOptions } from './commandRunner';
import { artifactText, baseEnv, processGone, tempStore, waitFor } from './commandTesting';
import { listGroupMembers, parseProcStat } from './groupMembers';
import { describeLeftovers, stopGroupLeftovers } from './leftovers';

const PYTHON = '/usr/bin/python3';
const hasPython = spawnSync(PYTHON, ['-c', 'import subprocess']).status === 0;
const posix = process.platform !== 'win32';

describe('leftover processes of a command run', { skip: !posix && 'process groups are POSIX' }, () => {
  const t = tempStore();
  after(() => t.cleanup());
  const newRun = () => t.store.createRun({ experiment: 'leftovers', status: 'running', pid: process.pid }).id;
  const plan = (argv: string[]): CommandPlan => ({ argv, cwd: t.dir, env: baseEnv() });
  const run = (runId: string, p: CommandPlan, more: Partial<CommandRunOptions> = {}) => {
    const lines: string[] = [];
    const done = runCommand({ store: t.store, runId, plan: p, onLine: (l) => lines.push(l), ...more });
    return Object.assign(done, { lines });
  };
  const pidFrom = (lines: string[], label: string): number => {
    const line = lines.find((l) => l.startsWith(`${label} `));
    assert.ok(line, `no "${label}" line in ${JSON.stringify(lines)}`);
    return Number(line.slice(label.length + 1));
  };

  test('a Python script that exits 0 leaving `sleep` behind: finished, sleep stopped with SIGTERM, one line in the log', { skip: !hasPython && `no ${PYTHON}` }, async () => {
    const id = newRun();
    const r = run(id, plan([PYTHON, '-c', [
      'import subprocess',
      // Not attached to the run's output: only its process group ties it to the run.
      "p = subprocess.Popen(['sleep', '1000'], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)",
      "print('leftover', p.pid, flush=True)",
      "print('runlens: metric loss=0.25')",
    ].join('\n')]));
    const result = await r;
    const sleepPid = pidFrom(r.lines, 'leftover');
    assert.equal(result.status, 'finished');
    assert.equal(result.exitCode, 0);
    assert.ok(processGone(sleepPid), `sleep ${sleepPid} is gone when the run ends`);
    const note = `[runlens] stopped 1 leftover process (${sleepPid} sleep) that the command left running in its process group, with SIGTERM`;
    assert.equal(r.lines.at(-1), note);
    const stored = t.store.getRun(id);
    assert.equal(stored.status, 'finished');
    assert.equal(stored.error, null);
    assert.equal(t.store.getMetricSummaries(id).find((m) => m.key === 'loss')?.latest, 0.25);
    assert.ok(artifactText(t.store, id, 'logs/output.log')!.endsWith(`${note}\n`));
  });

  test('a leftover that ignores SIGTERM and holds the output pipe: its last words are kept, then SIGKILL after the grace; a failed exit stays failed', async () => {
    const id = newRun();
    const ready = join(t.dir, `ready-${id}`);
    const r = run(id, plan([process.execPath, '-e', `
      const { spawn } = require('child_process');
      const child = spawn(process.execPath, ['-e', ${JSON.stringify(`
        process.on('SIGTERM', () => console.log('worker got SIGTERM, ignoring it'));
        require('fs').writeFileSync(process.argv[1], '');
        setInterval(() => {}, 1000);
      `)}, ${JSON.stringify(ready)}], { stdio: ['ignore', 'inherit', 'inherit'] });
      console.log('leftover ' + child.pid);
      const wait = setInterval(() => {
        if (!require('fs').existsSync(${JSON.stringify(ready)})) return;
        console.error('ValueError: boom');
        process.exit(2);
      }, 10);
    `]), { leftoverGraceMs: 600 });
    const result = await r;
    const worker = pidFrom(r.lines, 'leftover');
    assert.equal(result.status, 'failed', 'the status is the script\'s own exit');
    assert.equal(result.exitCode, 2);
    assert.match(result.error!, /^node exited with code 2: ValueError: boom/);
    assert.ok(processGone(worker), `the leftover ${worker} is gone when the run ends`);
    const log = artifactText(t.store, id, 'logs/output.log')!;
    const lines = log.trimEnd().split('\n');
    assert.ok(lines.includes('worker got SIGTERM, ignoring it'), log);
    assert.match(lines.at(-1)!, new RegExp(`^\\[runlens\\] stopped 1 leftover process \\(${worker} node\\) that the command left running in its process group, with SIGTERM, then SIGKILL for 1 still running after 0\\.[6-9] s$`));
    assert.equal(t.store.getRun(id).status, 'failed');
  });

  test('a script that leaves nothing behind gets no note and ends at once', async () => {
    const id = newRun();
    const r = run(id, plan([process.execPath, '-e', 'console.log("done")']));
    const result = await r;
    assert.equal(result.status, 'finished');
    assert.deepEqual(r.lines.filter((l) => l.startsWith('[runlens]') && !l.startsWith('[runlens] running')), []);
  });

  test('cancel while a leftover has its grace: SIGKILL at once; the run keeps the status of the script\'s exit', async () => {
    const id = newRun();
    const controller = new AbortController();
    const ready = join(t.dir, `ready-${id}`);
    const lines: string[] = [];
    const r = run(id, plan([process.execPath, '-e', `
      const { spawn } = require('child_process');
      const child = spawn(process.execPath, ['-e', "const fs = require('fs'); process.on('SIGTERM', () => fs.writeFileSync(process.argv[1] + '.term', '')); fs.writeFileSync(process.argv[1], ''); setInterval(() => {}, 1000)", ${JSON.stringify(ready)}], { stdio: 'ignore' });
      console.log('leftover ' + child.pid);
      const wait = setInterval(() => require('fs').existsSync(${JSON.stringify(ready)}) && process.exit(0), 10);
    `]), {
      signal: controller.signal,
      leftoverGraceMs: 60_000,
      onLine: (line) => {
        lines.push(line);
        // Cancel once the script has exited and its leftover got (and ignored) SIGTERM.
        if (line.startsWith('leftover ')) void waitFor(() => existsSync(`${ready}.term`), 'the leftover to get SIGTERM', 60_000).then(() => controller.abort());
      },
    });
    const result = await r;
    assert.equal(result.status, 'finished');
    assert.ok(processGone(pidFrom(lines, 'leftover')));
    const m = /^\[runlens\] stopped 1 leftover process \(\d+ node\) .* with SIGTERM, then SIGKILL for 1 still running after (\d+\.\d) s$/.exec(lines.at(-1)!);
    assert.ok(m, lines.at(-1));
    // The SIGKILL came with the cancel, not at the end of the grace (a count, not a speed: the grace is 60 s).
    assert.ok(Number(m[1]) < 60, `SIGKILL after ${m[1]} s, the whole grace`);
  });
});

describe('process group members', { skip: !posix && 'process groups are POSIX' }, () => {
  test('lists a live group with its names; an empty group stops at once', async () => {
    const leader = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      await waitFor(() => listGroupMembers(leader.pid!).length === 1, 'the group to show');
      assert.deepEqual(listGroupMembers(leader.pid!), [{ pid: leader.pid, name: 'sleep' }]);
      const exited = new Promise((resolve) => leader.on('exit', resolve));
      const result = await stopGroupLeftovers(leader.pid!, { graceMs: 1000 });
      assert.deepEqual(result, { stopped: [{ pid: leader.pid, name: 'sleep' }], killed: 0, sigkillAfterMs: 0 });
      await exited;
      assert.deepEqual(await stopGroupLeftovers(leader.pid!), { stopped: [], killed: 0, sigkillAfterMs: 0 });
    } finally {
      leader.kill('SIGKILL');
    }
  });

  test('reads /proc stat lines whose name has spaces and parentheses', () => {
    assert.deepEqual(parseProcStat('4242 (my (odd) name) S 1 4200 4200 0 -1 4194560 120'), { pid: 4242, name: 'my (odd) name', state: 'S', pgid: 4200 });
    assert.equal(parseProcStat('garbage'), undefined);
  });

  test('describes what was stopped, at most five by name', () => {
    const stopped = Array.from({ length: 7 }, (_, i) => ({ pid: 100 + i, name: 'python3' }));
    assert.equal(describeLeftovers({ stopped: [], killed: 0, sigkillAfterMs: 0 }), undefined);
    assert.equal(describeLeftovers({ stopped, killed: 7, sigkillAfterMs: 0 }),
      'stopped 7 leftover processes (100 python3, 101 python3, 102 python3, 103 python3, 104 python3, and 2 more) that the command left running in its process group, with SIGKILL');
  });
});
