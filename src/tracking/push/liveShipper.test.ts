/**
 * Shipping while training, against a real `mlflow server`: what is logged
 * arrives while the run goes on, a server that goes away and comes back
 * misses nothing and gets nothing twice, and a run it never saw is sent by
 * the next shipper. Time is the test's: background pushes fire when it says.
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
import type { Timers } from '../../core/util/timers';
import { LiveShipper, TAG_LOG_TO } from './liveShipper';

/** Timers that fire only when the test calls fire(). */
class ManualTimers implements Timers {
  private next: (() => void) | undefined;
  readonly delays: number[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    this.next = fn;
    this.delays.push(ms);
    return fn;
  }
  clearTimeout(handle: unknown): void {
    if (this.next === handle) this.next = undefined;
  }
  fire(): void {
    const fn = this.next;
    this.next = undefined;
    assert.ok(fn, 'a push is scheduled');
    fn();
  }
}

const quick = { sleep: async () => {}, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };

describe('LiveShipper against a real MLflow server', () => {
  let server: MlflowServer;
  let dir: string;
  let store: RunStore;
  before(async () => {
    server = await startMlflowServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-ship-'));
    store = RunStore.open(dir);
  });
  after(async () => {
    store?.close();
    await server?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const remoteHistory = async (runId: string, key: string) => {
    const c = new MlflowClient(server.uri);
    return c.getMetricHistory(store.sync.remoteRun(runId, c.server)!.remoteRunId, key);
  };

  test('points arrive while the run trains; an outage in the middle loses and doubles nothing', async () => {
    const timers = new ManualTimers();
    const lines: string[] = [];
    const shipper = new LiveShipper({ store, client: new MlflowClient(server.uri, quick), log: (l) => lines.push(l), timers, intervalMs: 1000, maxBackoffMs: 8000 });
    const run = store.createRun({ experiment: 'live', name: 'mlp' });
    assert.equal(store.getTags(run.id)[TAG_LOG_TO], undefined);
    shipper.add(run.id);
    assert.equal(store.getTags(run.id)[TAG_LOG_TO], shipper.server);
    let step = 0;
    const epoch = (n: number) => store.logMetrics(run.id, Array.from({ length: n }, () => ({ key: 'loss', value: 1 / ++step, step })));

    epoch(10);
    timers.fire();
    await shipper.settled();
    assert.equal((await remoteHistory(run.id, 'loss')).length, 10, 'the first epochs are on the server while training goes on');

    await server.kill();
    epoch(10);
    timers.fire();
    await shipper.settled();
    epoch(5);
    timers.fire();
    await shipper.settled();
    assert.equal(lines.filter((l) => /unreachable: training goes on/.test(l)).length, 1, `one line for the outage: ${lines.join(' | ')}`);
    assert.deepEqual(timers.delays.slice(-2), [2000, 4000], 'it backs off while the server is away');

    await server.restart();
    epoch(5);
    timers.fire();
    await shipper.settled();
    assert.match(lines.at(-1)!, /answers again/);
    store.setStatus(run.id, 'finished');
    const total = await shipper.finish();
    assert.deepEqual(total.failures, []);
    const hist = await remoteHistory(run.id, 'loss');
    assert.deepEqual(hist.map((p) => p.step), Array.from({ length: 30 }, (_, i) => i + 1), 'every point, once, in order');
    const c = new MlflowClient(server.uri);
    assert.equal((await c.getRun(store.sync.remoteRun(run.id, c.server)!.remoteRunId)).info.status, 'FINISHED');
  });

  test('a run the server never saw is sent by the next shipper to that server', async () => {
    await server.stop();
    const lines: string[] = [];
    const first = new LiveShipper({ store, client: new MlflowClient(server.uri, quick), log: (l) => lines.push(l), timers: new ManualTimers() });
    const run = store.createRun({ experiment: 'live', name: 'offline' });
    first.add(run.id);
    store.logMetrics(run.id, [{ key: 'acc', value: 0.5, step: 0 }, { key: 'acc', value: 0.7, step: 1 }]);
    store.setStatus(run.id, 'finished');
    await first.finish();
    assert.match(lines.at(-1)!, /unreachable: the run is kept locally; `runlens push --to http:\/\/127\.0\.0\.1:\d+` or the next run logging there sends the rest/);
    assert.equal(store.sync.remoteRun(run.id, first.server), undefined);

    await server.restart();
    const next = new LiveShipper({ store, client: new MlflowClient(server.uri), log: () => {}, timers: new ManualTimers() });
    assert.ok(next.addBacklog() >= 1);
    await next.finish();
    assert.equal((await remoteHistory(run.id, 'acc')).length, 2);
    assert.deepEqual(store.sync.unsentRuns(next.server), [], 'nothing left to send');
  });
});
