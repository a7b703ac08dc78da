/**
 * The build runner's side of the guard, with real processes: an install
 * without the guard builds as before and says so once; a guard killed from
 * outside does not leave the CLI running; a CLI the guard could not start
 * reads as it did without the guard.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processGone, waitFor } from '../../worker/command/commandTesting';
import { isolatedDir } from './testing/buildFixtures';
import { runContainerBuild } from './buildRunner';
import { resolveBuildGuard } from './guardedSpawn';

const tmp = isolatedDir('runlens-guarded-');
const cliPids: number[] = [];
after(() => {
  for (const pid of cliPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as the tests expect
    }
  }
  tmp.cleanup();
});

test('the guard is found beside its module (the .ts source under tsx), and not in a folder without it', () => {
  const entry = resolveBuildGuard();
  assert.ok(entry);
  assert.match(entry.path, /buildGuard\.ts$/);
  assert.equal(entry.execArgv[0], '--import');
  assert.equal(resolveBuildGuard(tmp.dir), undefined);
  writeFileSync(join(tmp.dir, 'buildGuard.js'), '');
  assert.deepEqual(resolveBuildGuard(tmp.dir), { path: join(tmp.dir, 'buildGuard.js'), execArgv: [] });
});

test('without the guard the build runs directly, as before, and the log says so in one line', async () => {
  const empty = join(tmp.dir, 'no-guard');
  mkdirSync(empty);
  const lines: string[] = [];
  const r = await runContainerBuild({ command: process.execPath, args: ['-e', 'console.log("parent " + process.ppid)'], guardDir: empty, onLine: (l, s) => lines.push(`${s}:${l}`) });
  assert.equal(r.status, 'succeeded');
  const note = `[runlens] the build runs without its guard (no buildGuard.js beside ${empty}): if RunLens is killed, the container CLI keeps building`;
  assert.deepEqual(lines, [`stderr:${note}`, `stdout:parent ${process.pid}`], 'the CLI is this process\'s own child');
  assert.equal(r.log, `${note}\nparent ${process.pid}\n`);
});

test('with the guard the CLI is the guard\'s child, and the log has only the CLI\'s output', async () => {
  const lines: string[] = [];
  const r = await runContainerBuild({ command: process.execPath, args: ['-e', 'console.log("parent " + process.ppid)'], onLine: (l) => lines.push(l) });
  assert.equal(r.status, 'succeeded');
  assert.equal(lines.length, 1);
  assert.notEqual(lines[0], `parent ${process.pid}`);
  assert.match(lines[0]!, /^parent \d+$/);
});

test('a guard killed from outside: the runner stops what is left of the build and says so', async () => {
  const pidFile = join(tmp.dir, 'cli.pid');
  const script = join(tmp.dir, 'slow.js');
  writeFileSync(script, `
    require('fs').writeFileSync(${JSON.stringify(pidFile)}, process.pid + ' ' + process.ppid);
    console.log('STEP 1/2: RUN sleep');
    setInterval(() => {}, 1000);
  `);
  const lines: string[] = [];
  const build = runContainerBuild({ command: process.execPath, args: [script], onLine: (l) => lines.push(l) });
  // The step line, not only the pid file: killed between the two, the CLI would never write the step the error names.
  await waitFor(() => lines.includes('STEP 1/2: RUN sleep'), 'the CLI to start its first step');
  const [cli, guardPid] = readFileSync(pidFile, 'utf8').split(' ').map(Number) as [number, number];
  cliPids.push(cli);
  process.kill(guardPid, 'SIGKILL');
  const r = await build;
  assert.equal(r.status, 'failed');
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(processGone(cli), 'the CLI does not outlive its guard');
  assert.match(r.log, new RegExp(`^\\[runlens\\] stopped 1 process \\(${cli} node\\) left in the build's process group after it ended by SIGKILL, with SIGTERM$`, 'm'));
  assert.equal(r.error, 'step 1/2 (RUN sleep) failed: ended by SIGKILL');
});

test('a CLI the guard cannot start is a failed build with the reason, as without the guard', async () => {
  const missing = join(tmp.dir, 'no-such-cli');
  const lines: string[] = [];
  const r = await runContainerBuild({ command: missing, args: ['build'], onLine: (l) => lines.push(l) });
  assert.equal(r.status, 'failed');
  assert.equal(r.error, `could not start ${missing}: spawn ${missing} ENOENT`);
  assert.deepEqual(lines, [], 'the guard\'s own line is not build output');
});
