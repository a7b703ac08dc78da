/**
 * The Deploy panel's Monitor section below the editor: a version whose run
 * recorded iris.csv with its statistics, served by a real `runlens serve`
 * child process; shifted inputs sent over real HTTP; two scrapes of its
 * /metrics and its request log give traffic figures and large drift on the
 * shifted feature, listed first.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { readCsv } from '../../core/data/csvReader';
import { fingerprintFile, fingerprintFrame } from '../../core/data/fingerprint';
import { registeredIris } from '../../deploy/build/testing/buildFixtures';
import type { RegisteredFixture } from '../../deploy/build/testing/buildFixtures';
import type { HostToPage, MonitorView } from '../../protocol/deploy';
import { LocalServeProcess } from './localServeProcess';
import { MonitorSession } from './monitorSession';
import { waitFor } from '../../worker/command/commandTesting';

const IRIS = join(__dirname, '..', '..', '..', 'examples', 'data', 'iris.csv');
let fx: RegisteredFixture;

before(async () => {
  fx = await registeredIris();
  const fp = fingerprintFrame(await readCsv(IRIS), await fingerprintFile(IRIS));
  fx.store.datasets.logInput(fx.resolved.runId, { fingerprint: fp.sha256, path: 'data/iris.csv', rows: fp.rows, columns: fp.columns, schema: fp.schema, stats: fp.stats }, 'train');
  fx.store.registry.registerModel(fx.resolved.runId, 'iris-watch');
});
after(() => fx.cleanup());

test('figures from two scrapes, drift sorted worst first, a note when the version is not served', async () => {
  const posted: HostToPage[] = [];
  let selected = 'iris-watch:1';
  const session = new MonitorSession({
    folder: () => ({ store: fx.store }),
    selected: () => selected,
    active: () => true,
    post: (m) => posted.push(m),
    log: () => undefined,
    intervalMs: 3_600_000,
  });
  const watchLog = join(fx.dir, 'watch.jsonl');
  const server = new LocalServeProcess({ storeDir: join(fx.dir, '.runlens'), ref: 'iris-watch:1', port: 0, requestLog: watchLog });
  try {
    const { url } = await server.started;
    await session.kick();
    assert.equal(session.view, null);
    assert.match(session.note ?? '', /^collecting from http:\/\/127\.0\.0\.1:\d+/);
    // petal_length far beyond anything in iris (max 6.9); the other features as in the data
    const rows = Array.from({ length: 150 }, (_, i) => [5 + (i % 10) / 10, 3 + (i % 5) / 10, 20 + i / 10, 0.2 + (i % 20) / 10]);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${url}/invocations`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_split: { columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], data: rows.slice(i * 50, i * 50 + 50) } }),
      });
      assert.equal(res.status, 200);
    }
    const bad = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nope"' });
    assert.equal(bad.status, 400);
    // The request log is appended off the response path: wait until the four requests are on disk.
    const logged = (): number => (existsSync(watchLog) ? readFileSync(watchLog, 'utf8').split('\n').filter(Boolean).length : 0);
    await waitFor(() => logged() === 4, 'the four requests in the request log', 60_000);
    await session.kick();
    // (read again: the assertion above narrowed the property's type to null)
    const view = session.view as MonitorView | null;
    assert.ok(view, session.note ?? 'no view');
    assert.equal(view.url, url);
    assert.equal(view.totalRequests, 4);
    assert.ok(view.requestsPerSecond > 0);
    assert.equal(view.errorRate, 0.25);
    assert.ok(view.p50 !== null && view.p99 !== null && view.p99 >= view.p50);
    assert.equal(view.drift?.verdict, 'large');
    assert.equal(view.drift?.rows, 150);
    assert.equal(view.drift?.features[0]?.feature, 'petal_length', 'the worst feature first');
    assert.equal(view.drift?.features[0]?.verdict, 'large');
    assert.ok(view.warnings.some((w) => /petal_length: large drift/.test(w)));
    assert.ok(posted.some((m) => m.type === 'monitor' && m.monitor !== null));
  } finally {
    await server.stop();
  }
  await session.kick();
  assert.equal(session.view, null);
  assert.match(session.note ?? '', /iris-watch v1 is not being served/);
  selected = 'iris-classifier:1';
  session.reset();
  await session.kick();
  assert.match(session.note ?? '', /iris-classifier v1 is not being served/);
  session.dispose();
});
