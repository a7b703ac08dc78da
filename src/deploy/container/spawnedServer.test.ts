/**
 * The smoke test's server process, with real child processes: ready on its
 * "at http://…/invocations" line, its whole process group stopped (a
 * grandchild too), an exit or a silence before that reported with the last
 * line it printed, and the clean-up hook run once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pidAlive } from '../../core/util/pidAlive';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSpawnedServer } from './spawnedServer';

/** A node -e script that serves; with a file argument it first starts a grandchild and writes its pid there. */
const SERVER = `
const http = require('http');
const { spawn } = require('child_process');
const pidFile = process.argv[1];
if (pidFile) {
  const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  require('fs').writeFileSync(pidFile, String(g.pid));
}
const s = http.createServer((q, r) => r.end('pong')).listen(0, '127.0.0.1', () => {
  console.error('warming up');
  console.log('serving at http://127.0.0.1:' + s.address().port + '/invocations');
});
`;

/** Alive by the product's rule: a zombie counts as gone. */
const alive = pidAlive;

async function gone(pid: number, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

test('ready on its listening line; stop() ends the server and the process it started, then runs the clean-up once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-spawned-'));
  try {
    const pidFile = join(dir, 'grandchild.pid');
    let cleanups = 0;
    const server = await startSpawnedServer({
      command: process.execPath,
      args: ['-e', SERVER, pidFile],
      display: 'node server.js',
      afterStop: () => {
        cleanups++;
      },
    });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.command, 'node server.js');
    assert.equal(await (await fetch(server.url)).text(), 'pong');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(grandchild));
    await Promise.all([server.stop(), server.stop()]);
    assert.equal(cleanups, 1);
    await assert.rejects(fetch(server.url), 'the server is gone');
    assert.ok(await gone(grandchild), `the grandchild ${grandchild} still runs: the group was not stopped`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a command that exits before it listens is reported with its last line, and cleaned up', async () => {
  let cleanups = 0;
  await assert.rejects(
    startSpawnedServer({ command: process.execPath, args: ['-e', 'console.error("error: the model file is not JSON"); process.exit(3)'], display: 'node serve.js', afterStop: () => void cleanups++ }),
    (e: Error) => e.message === 'the model server exited (code 3) before it listened (node serve.js): error: the model file is not JSON',
  );
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(cleanups, 1);
});

test('a command that never listens times out, is stopped, and the error says how long', async () => {
  const marker = `never-listens-${process.pid}`;
  await assert.rejects(
    startSpawnedServer({ command: process.execPath, args: ['-e', `console.log("loading ${marker}"); setInterval(() => {}, 1000)`], timeoutMs: 4000, killGraceMs: 500 }),
    new RegExp(`did not start within 4 s .*: loading ${marker}$`),
  );
  const end = Date.now() + 15_000;
  while (execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(marker) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.ok(!execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.includes(marker) && !l.includes('ps -eo')), 'the silent server was stopped');
});

test('a command that does not exist is one line naming it', async () => {
  await assert.rejects(startSpawnedServer({ command: '/nonexistent/buildah', args: ['run'] }), /^UserError: could not start \/nonexistent\/buildah: spawn \/nonexistent\/buildah ENOENT$/);
});

test('onLine hears every line, before and after it listens; onExit only for an exit of its own, after the clean-up', async () => {
  const lines: string[] = [];
  let cleanups = 0;
  let exit: [number | null, NodeJS.Signals | null] | undefined;
  const exited = new Promise<void>((resolve) => {
    void startSpawnedServer({
      command: process.execPath,
      args: ['-e', `${SERVER}; setTimeout(() => { console.log('request 1'); console.error('bye'); process.exit(4); }, 300);`],
      onLine: (line, stream) => lines.push(`${stream}: ${line}`),
      afterStop: () => void cleanups++,
      onExit: (code, signal) => {
        exit = [code, signal];
        resolve();
      },
    });
  });
  await exited;
  assert.deepEqual(exit, [4, null]);
  assert.equal(cleanups, 1, 'the clean-up ran before onExit');
  // two pipes: their order between each other is not kept, each one's own order is
  const [out, err] = [lines.filter((l) => l.startsWith('stdout')), lines.filter((l) => l.startsWith('stderr'))];
  assert.match(out[0]!, /^stdout: serving at http:\/\/127\.0\.0\.1:\d+\/invocations$/);
  assert.deepEqual(out.slice(1), ['stdout: request 1']);
  assert.deepEqual(err, ['stderr: warming up', 'stderr: bye']);

  // stopped by stop(): no onExit
  let told = false;
  const server = await startSpawnedServer({ command: process.execPath, args: ['-e', SERVER], onExit: () => void (told = true) });
  await server.stop();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(told, false);
});
