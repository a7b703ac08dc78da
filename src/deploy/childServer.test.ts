/**
 * ChildServerProcess with small real scripts as the child: start-up output
 * split across writes, an exit before start, a start that never comes, a
 * child that ignores SIGTERM, and an exit by itself after start. The real
 * servers (`runlens serve`, `runlens server`) are covered by
 * localServeProcess.test.ts and trackingServerProcess.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { tempDir } from '../store/testing/tempStore';
import { ChildServerProcess, resolveToolsEntry } from './childServer';
import type { ChildServerOptions, ToolsEntry } from './childServer';
import type { Timers } from '../core/util/timers';
import { waitFor } from '../worker/command/commandTesting';

function script(t: TestContext, source: string): ToolsEntry {
  const file = path.join(tempDir(t), 'server.mjs');
  writeFileSync(file, source);
  return { path: file, execArgv: [] };
}

function start<T>(t: TestContext, source: string, options: Omit<ChildServerOptions<T>, 'entry' | 'name' | 'args'> & { args?: string[] }): ChildServerProcess<T> {
  const server = new ChildServerProcess<T>({ name: 'test server', args: [], entry: script(t, source), ...options });
  t.after(() => server.stop());
  return server;
}

const listenLine = (stdout: string) => /^listening on (\S+)$/m.exec(stdout)?.[1];

test('resolves once the start-up output is complete, even when it arrives in pieces, and passes every line on', async (t) => {
  const lines: string[] = [];
  const server = start(t, `
    process.stdout.write('booting\\nlisten');
    setTimeout(() => process.stdout.write('ing on http://127.0.0.1:1234\\n'), 50);
    setTimeout(() => process.stdout.write('GET / 200\\n'), 100);
    setTimeout(() => process.stderr.write('a warning\\n'), 200);
    process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });
    setInterval(() => undefined, 1000);
  `, { detectStart: listenLine, onLine: (line, stream) => lines.push(`${stream}: ${line}`) });
  assert.equal(await server.started, 'http://127.0.0.1:1234');
  assert.equal(server.running, true);
  assert.ok(server.pid! > 0);
  await waitFor(() => lines.includes('stderr: a warning'), 'the last line before stop');
  await server.stop();
  assert.equal(server.running, false);
  assert.deepEqual(lines, ['stdout: booting', 'stdout: listening on http://127.0.0.1:1234', 'stdout: GET / 200', 'stderr: a warning', 'stdout: stopping']);
});

test('an exit before start rejects with its last stderr line, without the "error: " prefix, and is no onExit', async (t) => {
  let exits = 0;
  const server = start(t, `
    console.error('some detail');
    console.error('error: port 5000 on 127.0.0.1 is in use; pick another with --port');
    process.exit(2);
  `, { detectStart: listenLine, exitBeforeStartMessage: (reason) => `test server stopped before it started: ${reason}`, onExit: () => exits++ });
  await assert.rejects(server.started, { message: 'test server stopped before it started: port 5000 on 127.0.0.1 is in use; pick another with --port' });
  await server.stop();
  assert.equal(server.running, false);
  assert.equal(exits, 0);
});

test('a silent exit before start names the exit code', async (t) => {
  const server = start(t, 'process.exit(3);', { detectStart: listenLine });
  await assert.rejects(server.started, { message: 'exit code 3' });
});

test('no start-up line within the timeout rejects naming the server and stops it', async (t) => {
  const server = start(t, `
    console.log('still loading');
    setInterval(() => undefined, 1000);
  `, { detectStart: listenLine, startTimeoutMs: 300 });
  await assert.rejects(server.started, { message: 'test server did not start within 0.3 s' });
  await server.stop();
  assert.equal(server.running, false);
});

test('a child that ignores SIGTERM is killed after the grace period', async (t) => {
  // The grace runs out when the test says so: after the child showed it got SIGTERM and ignored it.
  const grace: { fire?: () => void; ms?: number } = {};
  const timers: Timers = { setTimeout: (fn, ms) => ((grace.fire = fn), (grace.ms = ms)), clearTimeout: () => undefined };
  let ignored!: () => void;
  const sawIgnore = new Promise<void>((resolve) => (ignored = resolve));
  const server = start(t, `
    process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
    console.log('listening on x');
    setInterval(() => undefined, 1000);
  `, { detectStart: listenLine, killGraceMs: 300, timers, onLine: (line) => line === 'ignoring SIGTERM' && ignored() });
  assert.equal(await server.started, 'x');
  const stopped = server.stop();
  await sawIgnore;
  assert.equal(grace.ms, 300, 'the grace is killGraceMs');
  assert.equal(server.running, true, 'SIGTERM alone did not stop it');
  grace.fire!();
  await stopped;
  assert.equal(server.running, false);
});

test('onExit fires once when the server exits by itself after it started, not after stop()', async (t) => {
  const exitsAlone: Array<[number | null, string | null]> = [];
  const alone = start(t, `
    console.log('listening on b');
    setTimeout(() => process.exit(7), 50);
  `, { detectStart: listenLine, onExit: (code, signal) => exitsAlone.push([code, signal]) });
  await alone.started;
  await waitFor(() => !alone.running, 'the server to exit by itself');
  assert.deepEqual(exitsAlone, [[7, null]]);

  const exitsStopped: unknown[] = [];
  const stopped = start(t, `
    console.log('listening on c');
    process.on('SIGTERM', () => process.exit(0));
    setInterval(() => undefined, 1000);
  `, { detectStart: listenLine, onExit: (code) => exitsStopped.push(code) });
  await stopped.started;
  await stopped.stop();
  assert.deepEqual(exitsStopped, []);
});

test('the start value comes from all the start-up lines together', async (t) => {
  const server = start<{ url: string; id: number }>(t, `
    console.log('serving at http://127.0.0.1:9/invocations');
    setTimeout(() => console.log('deployment #12 of m'), 80);
    setInterval(() => undefined, 1000);
  `, {
    detectStart: (out) => {
      const url = /at (\S+)\/invocations/.exec(out)?.[1];
      const id = /^deployment #(\d+)/m.exec(out)?.[1];
      return url && id ? { url, id: Number(id) } : undefined;
    },
  });
  assert.deepEqual(await server.started, { url: 'http://127.0.0.1:9', id: 12 });
});

test('from source, resolveToolsEntry runs the editor tools TypeScript through tsx', () => {
  const entry = resolveToolsEntry();
  assert.equal(entry.path, path.join(__dirname, '..', 'cli', 'editorTools.ts'));
  assert.equal(entry.execArgv[0], '--import');
  assert.match(entry.execArgv[1]!, /^file:.*tsx/);
});
