import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../store/runStore';
import { FakeClock, tempDir } from '../store/testing/tempStore';
import { resolveToolsEntry } from '../deploy/childServer';
import { keepAliveLoad } from '../http/testing/keepAliveLoad';
import { TrackingServerProcess } from './trackingServerProcess';

test('starts runlens server as a child, reports its URL and request lines, stops on dispose', async (t) => {
  const storeDir = path.join(tempDir(t), '.runlens');
  const lines: string[] = [];
  const server = new TrackingServerProcess({ storeDir, port: 0, onLine: (l) => lines.push(l) });
  t.after(() => server.dispose());
  const url = await server.url;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${url}/api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"from-editor"}' });
  assert.equal(res.status, 200);
  const store = RunStore.open(storeDir, { readonly: true });
  assert.deepEqual(store.listExperiments().map((e) => e.name), ['from-editor']);
  store.close();
  await server.stop();
  assert.equal(server.running, false);
  assert.ok(lines.some((l) => /POST \/api\/2\.0\/mlflow\/experiments\/create 200/.test(l)), lines.join('\n'));
  assert.ok(lines.includes('server stopped'), 'SIGTERM is a graceful stop');
});

test('the server exits by itself when its parent goes away (IPC channel closed)', async (t) => {
  const entry = resolveToolsEntry();
  const child = fork(entry.path, ['--store', path.join(tempDir(t), '.runlens'), 'server', '--port', '0', '--quiet'], { execArgv: entry.execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  await new Promise<void>((resolve) => child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    if (out.includes('listening on')) resolve();
  }));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.disconnect();
  assert.equal(await exit, 0);
  assert.match(out, /disconnect received/);
});

test('a port in use rejects url with the server\'s own one-line reason', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const port = (blocker.address() as net.AddressInfo).port;
  const server = new TrackingServerProcess({ storeDir: path.join(tempDir(t), '.runlens'), port });
  t.after(() => server.dispose());
  await assert.rejects(server.url, new RegExp(`stopped before it started: port ${port} on 127.0.0.1 is in use; pick another with --port`));
});

test('a run created over REST is still running after the server stops; only its stale heartbeat fails it', async (t) => {
  const storeDir = path.join(tempDir(t), '.runlens');
  const server = new TrackingServerProcess({ storeDir, port: 0 });
  t.after(() => server.dispose());
  const url = await server.url;
  const post = (endpoint: string, body: unknown) => fetch(`${url}/api/2.0/mlflow/${endpoint}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const created = await post('runs/create', { experiment_id: '0' });
  const runId = ((await created.json()) as { run: { info: { run_id: string } } }).run.info.run_id;
  assert.equal((await post('runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: Date.now(), step: 0 })).status, 200);
  await server.stop();
  assert.equal(server.running, false);

  // Opening the store checks for dead runs: the server's process is gone, the client (this test) is not.
  const clock = new FakeClock(Date.now());
  const store = RunStore.open(storeDir, { now: clock.now, staleAfterMs: 60_000 });
  t.after(() => store.close());
  const run = store.getRun(runId);
  assert.equal(run.status, 'running');
  assert.equal(run.pid, null);
  clock.t = run.heartbeatAt! + 60_001;
  assert.deepEqual(store.markStaleRuns(), [runId]);
  assert.equal(store.getRun(runId).status, 'failed');
});

test('keep-alive clients logging in a loop while SIGTERM stops the server: no request is reset', async (t) => {
  const storeDir = path.join(tempDir(t), '.runlens');
  const lines: string[] = [];
  const server = new TrackingServerProcess({ storeDir, port: 0, onLine: (l) => lines.push(l) });
  t.after(() => server.dispose());
  const url = await server.url;
  let stopped: Promise<void> | undefined;
  const r = await keepAliveLoad({
    url,
    request: { method: 'POST', path: '/api/2.0/mlflow/experiments/search', headers: { 'Content-Type': 'application/json' }, body: '{"max_results": 1}' },
    clients: 16,
    maxRequestsPerClient: 2000,
    trigger: { afterResponses: 200, fire: () => (stopped = server.stop()) },
  });
  await stopped;
  assert.ok(stopped, 'SIGTERM was sent');
  // Every client's last answer asked it to close; its next connection found the port closed. None was cut off.
  assert.deepEqual(r.errors, { ECONNREFUSED: 16 });
  assert.deepEqual(Object.keys(r.statuses), ['200']);
  assert.ok(lines.includes('server stopped'), lines.slice(-5).join('\n'));
});
