/**
 * `runlens.logTo`'s shipper against a real `mlflow server`: a run started
 * before the client is ready is shipped once it is, a run an earlier
 * training left unsent goes along (once), a client that never comes ends
 * the training's shipping with a line in the log, never a rejection; and
 * which runs the editor sends in the background.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import { RunStore } from '../../store/runStore';
import type { MlflowServer } from '../testing/realMlflow';
import { startMlflowServer } from '../testing/realMlflow';
import { TAG_LOG_TO } from './liveShipper';
import { logToBacklog, LogToShipper } from './logToShipper';
import { pushRuns } from './pushRuns';

describe('LogToShipper against a real MLflow server', () => {
  let server: MlflowServer;
  let dir: string;
  let store: RunStore;
  before(async () => {
    server = await startMlflowServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-logto-'));
    store = RunStore.open(dir);
  });
  after(async () => {
    store?.close();
    await server?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const logged = (name: string) => {
    const run = store.createRun({ experiment: 'logto', name });
    store.logParams(run.id, { lr: '0.1' });
    store.logMetrics(run.id, [1, 2, 3].map((step) => ({ key: 'loss', value: 1 / step, step })));
    store.setStatus(run.id, 'finished');
    return run.id;
  };

  test('a run added before the client is ready is shipped once it is; an unsent earlier run goes along, once', async () => {
    const client = new MlflowClient(server.uri);
    // an earlier training meant for this server, which never reached it
    const earlier = logged('earlier');
    store.setTags(earlier, { [TAG_LOG_TO]: client.server });
    let ready!: (c: MlflowClient) => void;
    const lines: string[] = [];
    let finished = 0;
    const shipper = new LogToShipper({
      store, client: new Promise((r) => { ready = r; }), name: 'team',
      info: (l) => lines.push(l), error: (l) => lines.push(`error ${l}`), onFinished: () => finished++,
    });
    const now = logged('now');
    shipper.add(now);
    ready(client);
    await shipper.finish();
    const total = shipper.summary;
    assert.equal(finished, 1);
    assert.ok(total && total.failures.length === 0, JSON.stringify(total));
    assert.equal(total.runsCreated, 2);
    assert.ok(lines.includes(`logTo team: sending 1 earlier run that ${client.server} did not get in full`), lines.join('\n'));
    assert.ok(lines.some((l) => /^logTo team: logged to .*: 6 metric points, 2 params/.test(l)), lines.join('\n'));
    for (const id of [earlier, now]) {
      const link = store.sync.remoteRun(id, client.server);
      assert.ok(link, `run ${id} is linked`);
      assert.equal((await client.getMetricHistory(link.remoteRunId, 'loss')).length, 3);
    }
    // a second training finds no backlog: nothing is sent twice
    const again = new LogToShipper({ store, client: Promise.resolve(client), name: 'team', info: (l) => lines.push(l), error: (l) => lines.push(`error ${l}`) });
    await again.finish();
    assert.equal(again.summary?.requests, 0);
    assert.equal((await client.searchRuns({ experimentIds: [await client.ensureExperiment('logto')], maxResults: 100 })).items.length, 2);
  });

  test('a client that never comes: finish resolves, the reason is logged, the run stays local', async () => {
    const lines: string[] = [];
    let finished = 0;
    const shipper = new LogToShipper({
      store, client: Promise.reject(new Error('secret storage is locked')), name: 'team',
      info: (l) => lines.push(l), error: (l, e) => lines.push(`${l}: ${(e as Error).message}`), onFinished: () => finished++,
    });
    shipper.add(logged('stays-local'));
    await shipper.finish();
    assert.equal(shipper.summary, undefined);
    assert.deepEqual(lines, ['logTo team: shipping failed: secret storage is locked']);
    assert.equal(finished, 1);
  });

  test('the background backlog: finished runs meant for the server, not a running one nor a run pushed by hand', async () => {
    const client = new MlflowClient(server.uri);
    const other = 'http://127.0.0.1:1';
    const meant = logged('meant');
    store.setTags(meant, { [TAG_LOG_TO]: other });
    const running = store.createRun({ experiment: 'logto', name: 'running' });
    store.setTags(running.id, { [TAG_LOG_TO]: other });
    const elsewhere = logged('elsewhere');
    store.setTags(elsewhere, { [TAG_LOG_TO]: 'http://127.0.0.1:2' });
    assert.deepEqual(logToBacklog(store, other), [meant]);
    // pushed by hand, then grown: the next push sends the rest, the background does not
    const byHand = logged('by-hand');
    assert.equal((await pushRuns([byHand], { source: store, ledger: store.sync, client })).runsCreated, 1);
    store.logMetrics(byHand, [{ key: 'loss', value: 0.1, step: 4 }]);
    assert.ok(store.sync.unsentRuns(client.server).includes(byHand));
    assert.ok(!logToBacklog(store, client.server).includes(byHand));
  });
});
