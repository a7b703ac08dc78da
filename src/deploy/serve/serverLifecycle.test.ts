import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { test } from 'node:test';
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
  const life = serverLifecycle(createServer(() => undefined), { port: 0, host: '127.0.0.1', graceMs: 200 });
  const { port } = await life.listen();
  const outcome = new Promise<string>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, () => resolve('answered'));
    req.on('error', (e) => resolve(`cut: ${(e as NodeJS.ErrnoException).code}`));
    req.end();
  });
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  await life.close();
  const took = Date.now() - t0;
  assert.ok(took >= 150, `closed after ${took} ms, before the grace period`);
  assert.match(await outcome, /^cut: ECONNRESET$/);
});
