import assert from 'node:assert/strict';
import { Agent, createServer, request } from 'node:http';
import { test } from 'node:test';
import { keepAliveLoad } from './testing/keepAliveLoad';
import { serverLifecycle } from './serverLifecycle';

test('listen reports the real port; a port in use rejects; close is idempotent and sets closing', async (t) => {
  const a = serverLifecycle(createServer((_req, res) => res.end('a')), { port: 0, host: '127.0.0.1', graceMs: 1000 });
  const { port, host } = await a.listen();
  t.after(() => a.close());
  assert.ok(port > 0);
  assert.equal(host, '127.0.0.1');
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'a');
  const b = serverLifecycle(createServer(), { port, host: '127.0.0.1', graceMs: 1000 });
  await assert.rejects(b.listen(), { code: 'EADDRINUSE' });
  assert.equal(a.closing, false);
  const first = a.close();
  assert.equal(a.closing, true);
  assert.equal(a.close(), first, 'one close');
  await first;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
  await b.close();
});

test('close cuts a request that outlives the grace period', async () => {
  // A handler that never answers: only the grace period ends its connection.
  let arrived!: () => void;
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  const life = serverLifecycle(createServer(() => arrived()), { port: 0, host: '127.0.0.1', graceMs: 200 });
  const { port } = await life.listen();
  const outcome = new Promise<string>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, () => resolve('answered'));
    req.on('error', (e) => resolve(`cut: ${(e as NodeJS.ErrnoException).code}`));
    req.end();
  });
  // Close once the request is in the handler (a fixed wait could close before it arrives on a busy machine).
  await inFlight;
  const t0 = Date.now();
  await life.close();
  const took = Date.now() - t0;
  assert.ok(took >= 150, `closed after ${took} ms, before the grace period`);
  assert.match(await outcome, /^cut: ECONNRESET$/);
});

/** One request over `agent`; resolves with the status and Connection header, or the error code. */
function get(port: number, agent: Agent): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(`${res.statusCode} ${res.headers.connection}`));
    });
    req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
    req.end();
  });
}

test('a request sent on an idle keep-alive connection just after close() is answered, with Connection: close', async () => {
  const life = serverLifecycle(createServer((_req, res) => res.end('ok')), { port: 0, host: '127.0.0.1', graceMs: 10_000 });
  const { port } = await life.listen();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    assert.equal(await get(port, agent), '200 keep-alive');
    const closed = life.close();
    // The agent hands out the same idle socket: closing it at once (node's server.close()) would reset this request.
    assert.equal(await get(port, agent), '200 close');
    await closed;
    assert.equal(await get(port, agent), 'error ECONNREFUSED');
  } finally {
    agent.destroy();
  }
});

test('keep-alive clients sending in a loop while the server closes: no request is reset', async () => {
  const life = serverLifecycle(createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  }), { port: 0, host: '127.0.0.1', graceMs: 10_000 });
  const { port } = await life.listen();
  let closed: Promise<void> | undefined;
  const r = await keepAliveLoad({
    url: `http://127.0.0.1:${port}`,
    request: { method: 'POST', path: '/', headers: { 'Content-Type': 'application/json' }, body: '{}' },
    clients: 20,
    maxRequestsPerClient: 2000,
    trigger: { afterResponses: 300, fire: () => (closed = life.close()) },
  });
  await closed;
  assert.ok(closed, 'close() was called');
  // Every client ends by finding the port closed after a Connection: close answer; none is cut mid-request.
  assert.deepEqual(r.errors, { ECONNREFUSED: 20 });
  assert.equal(r.closeResponses, 20);
  assert.ok((r.statuses[200] ?? 0) >= 300);
});

test('a keep-alive connection left idle is closed after idleLingerMs, then close() resolves', async () => {
  const life = serverLifecycle(createServer((_req, res) => res.end('ok')), { port: 0, host: '127.0.0.1', graceMs: 10_000, idleLingerMs: 300 });
  const { port } = await life.listen();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    assert.equal(await get(port, agent), '200 keep-alive');
    const socket = Object.values(agent.freeSockets)[0]![0]!;
    const socketClosed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    const t0 = Date.now();
    await life.close();
    const took = (await socketClosed) - t0;
    assert.ok(took >= 250, `the idle connection was closed after ${took} ms, before its linger`);
  } finally {
    agent.destroy();
  }
});
