/**
 * "Serve Locally" below the editor: `runlens serve` as a real child process
 * over a real store, real HTTP, the deployment recorded while it runs and
 * marked stopped after SIGTERM, the request log written for the monitor.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registeredIris } from '../../deploy/build/testing/buildFixtures';
import type { RegisteredFixture } from '../../deploy/build/testing/buildFixtures';
import { LocalServeProcess } from './localServeProcess';

let fx: RegisteredFixture;
before(async () => {
  fx = await registeredIris();
});
after(() => fx.cleanup());

test('serves a version on a free loopback port, records the deployment, stops gracefully on stop()', async () => {
  const lines: string[] = [];
  const requestLog = join(fx.dir, 'requests.jsonl');
  const server = new LocalServeProcess({ storeDir: join(fx.dir, '.runlens'), ref: 'iris-classifier@production', port: 0, requestLog, onLine: (l) => lines.push(l) });
  try {
    const { url, deploymentId } = await server.started;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const running = fx.store.registry.listDeployments('iris-classifier', 1);
    assert.equal(running.length, 1);
    assert.equal(running[0]!.id, deploymentId);
    assert.equal(running[0]!.url, url);
    assert.equal(running[0]!.stoppedAt, null);
    assert.equal(running[0]!.pid, server.pid);
    assert.equal(running[0]!.requestLog, requestLog);
    const res = await fetch(`${url}/invocations`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_records: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { predictions: ['setosa'] });
  } finally {
    await server.stop();
  }
  assert.equal(server.running, false);
  const [stopped] = fx.store.registry.listDeployments('iris-classifier', 1);
  assert.notEqual(stopped!.stoppedAt, null, 'the CLI marked its deployment stopped on SIGTERM');
  assert.ok(lines.some((l) => /POST \/invocations 200/.test(l)), lines.join('\n'));
  assert.ok(existsSync(requestLog));
  assert.match(readFileSync(requestLog, 'utf8'), /"predictions":\["setosa"\]/);
});

test('an unknown alias rejects `started` with the CLI\'s one-line error naming what exists', async () => {
  const server = new LocalServeProcess({ storeDir: join(fx.dir, '.runlens'), ref: 'iris-classifier@nope', port: 0, requestLog: join(fx.dir, 'x.jsonl') });
  await assert.rejects(server.started, (e: Error) => /nope/.test(e.message) && /production/.test(e.message) && !e.message.includes('\n'));
  assert.equal(server.running, false);
});

test('requestLogRate (setting runlens.serve.requestLogRate) caps the lines the server logs per second', async () => {
  const lines: string[] = [];
  const requestLog = join(fx.dir, 'rate.jsonl');
  const server = new LocalServeProcess({ storeDir: join(fx.dir, '.runlens'), ref: 'iris-classifier@production', port: 0, requestLog, requestLogRate: 2, onLine: (l) => lines.push(l) });
  // The wall-clock seconds the burst touched (the server stamps its lines with the same clock).
  let from = 0;
  let to = 0;
  try {
    const { url } = await server.started;
    from = Date.now();
    const body = JSON.stringify({ dataframe_records: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] });
    const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.status)));
    assert.deepEqual(statuses, statuses.map(() => 200));
  } finally {
    await server.stop();
    to = Date.now();
  }
  assert.ok(lines.some((l) => l.includes('(at most 2 requests a second)')), lines.join('\n'));
  const times = readFileSync(requestLog, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { ts: number }).ts);
  const seconds = Math.floor(to / 1000) - Math.floor(from / 1000) + 1;
  assert.ok(times.length >= 2 && times.length <= 2 * seconds, `${times.length} lines logged over the ${seconds} s the burst took`);
  const perSecond = new Map<number, number>();
  for (const ts of times) perSecond.set(Math.floor(ts / 1000), (perSecond.get(Math.floor(ts / 1000)) ?? 0) + 1);
  assert.ok([...perSecond.values()].every((n) => n <= 2), JSON.stringify([...perSecond]));
});
