/**
 * The build guard against real processes: the guard bundled by esbuild as
 * esbuild.mjs bundles dist/buildGuard.js (what ships, and it starts in a
 * fraction of the time tsx needs), started as the build runner starts it
 * (`spawnBuildProcess`: detached, a stdin pipe never written to), node
 * scripts standing in for the container CLI. The runner's tests run the
 * TypeScript source through tsx.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { processGone, waitFor } from '../../worker/command/commandTesting';
import { isolatedDir } from './testing/buildFixtures';
import { GUARD_FAILED_EXIT, GUARD_LINE_PREFIX, formatGuardArgs, parseGuardArgs } from './buildGuardProtocol';
import { runContainerBuild } from './buildRunner';
import { guardInvocation, resolveBuildGuard, spawnBuildProcess } from './guardedSpawn';
import type { SpawnedBuild } from './guardedSpawn';

const tmp = isolatedDir('runlens-guard-');
const guardDir = join(tmp.dir, 'dist');
const started: number[] = [];
before(async () => {
  await esbuild.build({ entryPoints: { buildGuard: join(__dirname, 'buildGuard.ts') }, outdir: guardDir, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' });
});
after(() => {
  // Safety net only: every test checks its processes are gone.
  for (const pid of started) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  tmp.cleanup();
});

let n = 0;
/** A node script standing in for the CLI; `PIDS` is a file it may append pids to. */
function cli(body: string): { path: string; pids: string } {
  n++;
  const path = join(tmp.dir, `cli-${n}.js`);
  const pids = join(tmp.dir, `pids-${n}`);
  writeFileSync(path, `const PIDS = ${JSON.stringify(pids)};\nconst note = (pid) => require('fs').appendFileSync(PIDS, pid + '\\n');\n${body}`);
  return { path, pids };
}

const pidsIn = (file: string): number[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map(Number) : []);

interface Guarded extends SpawnedBuild {
  readonly out: string[];
  readonly err: string[];
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function guard(script: string, options: { orphanGraceMs?: number; env?: NodeJS.ProcessEnv } = {}): Guarded {
  const spawned = spawnBuildProcess(process.execPath, [script], { env: options.env ?? process.env, orphanGraceMs: options.orphanGraceMs, guardDir });
  assert.equal(spawned.guarded, true, 'the bundled guard is found');
  started.push(spawned.child.pid!);
  const out: string[] = [];
  const err: string[] = [];
  spawned.child.stdout.setEncoding('utf8').on('data', (s: string) => out.push(s));
  spawned.child.stderr.setEncoding('utf8').on('data', (s: string) => err.push(s));
  const ended = once(spawned.child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return { ...spawned, out, err, ended };
}

test('the guard exits with the exit code of the CLI', async () => {
  const g = guard(cli('process.exit(3)').path);
  assert.deepEqual(await g.ended, { code: 3, signal: null });
  assert.deepEqual(g.err, []);
});

for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
  test(`a CLI ended by ${signal} ends the guard by ${signal}`, async () => {
    const g = guard(cli(`process.kill(process.pid, '${signal}'); setTimeout(() => {}, 10000);`).path);
    assert.deepEqual(await g.ended, { code: null, signal });
  });
}

test('stdout and stderr reach the owner as the CLI writes them, in order and as they come', async () => {
  const go = join(tmp.dir, 'go');
  const c = cli(`
    process.stdout.write('STEP 1/2: FROM base\\nSTEP 2/2: CO');
    process.stderr.write('warning: one\\n');
    const wait = setInterval(() => {
      if (!require('fs').existsSync(${JSON.stringify(go)})) return;
      clearInterval(wait);
      process.stdout.write('PY a /a\\n');
      process.stderr.write('warning: two\\nno newline at the end');
      process.stdout.write('COMMIT ünïcode ✓\\n');
    }, 10);
  `);
  const g = guard(c.path);
  // The first lines arrive while the CLI still runs: nothing is held back until it exits.
  await waitFor(() => g.out.join('').includes('STEP 2/2: CO') && g.err.join('').includes('one'), 'the first output');
  writeFileSync(go, '');
  assert.deepEqual(await g.ended, { code: 0, signal: null });
  assert.equal(g.out.join(''), 'STEP 1/2: FROM base\nSTEP 2/2: COPY a /a\nCOMMIT ünïcode ✓\n');
  assert.equal(g.err.join(''), 'warning: one\nwarning: two\nno newline at the end');
});

test('SIGTERM to the group (Cancel) stops the CLI and its grandchild; the guard reports SIGTERM', async () => {
  const c = cli(`
    const g = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    note(process.pid); note(g.pid);
    console.log('ready');
    setInterval(() => {}, 1000);
  `);
  const g = guard(c.path);
  await waitFor(() => g.out.join('').includes('ready'), 'the CLI to start');
  const [cliPid, grandchild] = pidsIn(c.pids);
  process.kill(-g.child.pid!, 'SIGTERM');
  assert.deepEqual(await g.ended, { code: null, signal: 'SIGTERM' });
  // SIGTERM alone stops them: nothing here sends SIGKILL (the bound only ends the wait; speed is not asserted)
  await waitFor(() => processGone(cliPid!) && processGone(grandchild!), 'the CLI and its grandchild to stop', 10_000);
});

test('a CLI that cleans up on SIGTERM: the guard outlives the signal, waits for it and reports its exit code', async () => {
  const c = cli(`
    process.on('SIGTERM', () => setTimeout(() => { console.log('cleaned up'); process.exit(143); }, 300));
    console.log('ready');
    setInterval(() => {}, 1000);
  `);
  const g = guard(c.path);
  await waitFor(() => g.out.join('').includes('ready'), 'the CLI to start');
  process.kill(-g.child.pid!, 'SIGTERM');
  assert.deepEqual(await g.ended, { code: 143, signal: null });
  assert.equal(g.out.join(''), 'ready\ncleaned up\n');
});

test('a CLI that traps SIGTERM gets SIGKILL once the runner\'s cancel grace is over', async () => {
  const c = cli(`
    process.on('SIGTERM', () => console.log('SIGTERM trapped'));
    note(process.pid);
    console.log('STEP 1/1: RUN sleep');
    setInterval(() => {}, 1000);
  `);
  // The grace's timer is the test's: it fires once the CLI has shown it got SIGTERM (on a loaded machine
  // a real 600 ms grace could end before the CLI was even scheduled to run its handler).
  let grace: { fn: () => void; ms: number } | undefined;
  const timers = { setTimeout: (fn: () => void, ms: number) => (grace = { fn, ms }), clearTimeout: () => undefined };
  const controller = new AbortController();
  const lines: string[] = [];
  const build = runContainerBuild({ command: process.execPath, args: [c.path], guardDir, signal: controller.signal, killGraceMs: 600, timers, onLine: (l) => lines.push(l), onStep: () => controller.abort() });
  await waitFor(() => lines.includes('SIGTERM trapped'), 'the CLI to get SIGTERM first');
  assert.equal(grace?.ms, 600, 'SIGKILL waits for the grace');
  const [pid] = pidsIn(c.pids);
  assert.ok(!processGone(pid!), 'a trapped SIGTERM leaves the CLI running until the grace is over');
  grace!.fn();
  const r = await build;
  assert.equal(r.status, 'cancelled');
  assert.equal(r.signal, 'SIGKILL');
  // The build returns when the guard is gone; the CLI got the same SIGKILL and may need a moment more to exit.
  await waitFor(() => processGone(pid!), 'the CLI to be gone after SIGKILL');
});

test('end of the guard\'s stdin (its owner gone): SIGTERM to the group, SIGKILL after the grace, grandchildren included', async () => {
  // The CLI stops at SIGTERM; its grandchild traps it and has to be killed.
  // 'ready' only once the grandchild says its trap is set: on a loaded machine a fixed delay let SIGTERM
  // arrive before the trap existed, and the grandchild died at once (a failure of the test, not the guard).
  const c = cli(`
    const g = require('child_process').spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('trapped'); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'pipe', 'ignore'] });
    note(process.pid); note(g.pid);
    g.stdout.once('data', () => console.log('ready'));
    setInterval(() => {}, 1000);
  `);
  const g = guard(c.path, { orphanGraceMs: 700 });
  await waitFor(() => g.out.join('').includes('ready'), 'the CLI to start');
  const [cliPid, grandchild] = pidsIn(c.pids);
  const t0 = Date.now();
  g.child.stdin!.end();
  await waitFor(() => processGone(cliPid!), 'the CLI to stop at SIGTERM', 10_000);
  await waitFor(() => processGone(grandchild!), 'the grandchild to be killed', 10_000);
  // the grandchild that traps SIGTERM got its grace: SIGKILL came only after it (a lower bound; speed is not asserted)
  const took = Date.now() - t0;
  assert.ok(took >= 650, `killed before the grace was over (${took} ms)`);
  await g.ended;
});

test('a guard whose owner is killed with SIGKILL stops the CLI', async () => {
  const c = cli(`note(process.pid); setInterval(() => {}, 1000);`);
  const run = guardInvocation(resolveBuildGuard(guardDir)!, process.execPath, [c.path], { env: process.env });
  // The owner: a plain node process starting the guard as spawnBuildProcess does, then killed.
  const owner = spawn(process.execPath, ['-e', `
    const { spawn } = require('child_process');
    const run = ${JSON.stringify({ file: run.file, args: run.args })};
    const g = spawn(run.file, run.args, { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    console.log(g.pid);
    setInterval(() => {}, 1000);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [first] = (await once(owner.stdout!, 'data')) as [Buffer];
  const guardPid = Number(first.toString());
  started.push(guardPid);
  await waitFor(() => pidsIn(c.pids).length === 1, 'the CLI to start');
  owner.kill('SIGKILL');
  // (the bound only ends the wait for a guard that never acts; how fast is not asserted on a shared CI machine)
  await waitFor(() => processGone(pidsIn(c.pids)[0]!) && processGone(guardPid), 'the CLI and the guard to stop', 15_000);
});

test('a guard that is not a process group leader refuses to run, and starts nothing', async () => {
  const c = cli('note(process.pid);');
  const run = guardInvocation(resolveBuildGuard(guardDir)!, process.execPath, [c.path], { env: process.env });
  // Not detached: its group is this test's, which it must never signal.
  const child = spawn(run.file, run.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const [code] = (await once(child, 'close')) as [number];
  assert.equal(code, GUARD_FAILED_EXIT);
  assert.equal(err, `${GUARD_LINE_PREFIX}not a process group leader: start the guard detached\n`);
  assert.deepEqual(pidsIn(c.pids), []);
});

test('inside Electron the guard runs as Node, and the CLI does not inherit ELECTRON_RUN_AS_NODE', async () => {
  const entry = resolveBuildGuard(guardDir)!;
  const env = { PATH: process.env.PATH, KEEP: 'kept' };
  const electron = guardInvocation(entry, '/usr/bin/docker', ['build', '.'], { env }, true);
  assert.deepEqual(electron.env, { ...env, ELECTRON_RUN_AS_NODE: '1' });
  assert.deepEqual(electron.args.slice(-6), ['--unset-env', 'ELECTRON_RUN_AS_NODE', '--', '/usr/bin/docker', 'build', '.']);
  // An owner that already runs with the variable passes it on untouched, as without the guard.
  const already = guardInvocation(entry, '/usr/bin/docker', [], { env: { ...env, ELECTRON_RUN_AS_NODE: '1' } }, true);
  assert.ok(!already.args.includes('--unset-env'));
  assert.equal(guardInvocation(entry, '/usr/bin/docker', [], { env }, false).env, env);

  // The guard really removes it (plain Node ignores the variable, so this runs anywhere).
  const c = cli(`console.log(JSON.stringify([process.env.ELECTRON_RUN_AS_NODE ?? null, process.env.KEEP]))`);
  const spawned = spawn(electron.file, [...entry.execArgv, entry.path, ...formatGuardArgs({ command: process.execPath, args: [c.path], unsetEnv: ['ELECTRON_RUN_AS_NODE'] })], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', KEEP: 'kept' },
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
  started.push(spawned.pid!);
  let out = '';
  spawned.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  await once(spawned, 'close');
  assert.equal(out, '[null,"kept"]\n');
});

test('guard arguments: everything after -- is the CLI\'s, bad ones are named', () => {
  const args = formatGuardArgs({ command: 'docker', args: ['build', '--', '--unset-env', 'x'], orphanGraceMs: 250, unsetEnv: ['A'] });
  assert.deepEqual(args, ['--orphan-grace-ms', '250', '--unset-env', 'A', '--', 'docker', 'build', '--', '--unset-env', 'x']);
  assert.deepEqual(parseGuardArgs(args), { command: 'docker', args: ['build', '--', '--unset-env', 'x'], orphanGraceMs: 250, unsetEnv: ['A'] });
  assert.match(parseGuardArgs(['--orphan-grace-ms', 'soon', '--', 'docker']) as string, /^bad argument "--orphan-grace-ms" "soon"; usage:/);
  assert.match(parseGuardArgs(['docker', 'build']) as string, /^bad argument "docker" "build"/);
  assert.match(parseGuardArgs(['--']) as string, /^no command after --/);
  assert.match(parseGuardArgs([]) as string, /^no -- before the command/);
});
