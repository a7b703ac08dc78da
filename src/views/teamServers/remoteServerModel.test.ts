/**
 * The Runs view's model of a tracking server, against a real `mlflow server`
 * 2.12 with runs logged by MLflow's own Python client: experiments, pages of
 * runs newest first with "load more", nested runs, a filter with `or`, the
 * poll that notices a running run's new metric, a server that goes away and
 * comes back, one that accepts connections but never answers, and one
 * that refuses the credentials.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import { MlflowRunSource } from '../../tracking/mlflowRunSource';
import type { MlflowServer } from '../../tracking/testing/realMlflow';
import { runMlflowPython, startMlflowServer } from '../../tracking/testing/realMlflow';
import type { Timers } from '../../core/util/timers';
import type { Loadable, ModelChange, RunListing } from './remoteServerModel';
import { RemoteServerModel } from './remoteServerModel';

const LOG_RUNS = `
import sys, time, mlflow
from mlflow import MlflowClient
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("vision")
with mlflow.start_run(run_name="sweep"):
    mlflow.log_param("kind", "sweep")
    for i, lr in enumerate([0.1, 0.01]):
        with mlflow.start_run(run_name=f"trial-{i}", nested=True):
            mlflow.log_param("lr", lr)
            for s in range(5):
                mlflow.log_metric("loss", 1.0 / (s + 1 + i), step=s)
            mlflow.log_metric("test_accuracy", 0.8 + i / 10)
for n, acc in [("a", 0.7), ("b", 0.9), ("c", 0.95)]:
    time.sleep(0.01)
    with mlflow.start_run(run_name=n):
        mlflow.log_param("lr", 0.5)
        mlflow.log_metric("test_accuracy", acc)
c = MlflowClient()
live = c.create_run(mlflow.get_experiment_by_name("vision").experiment_id, run_name="live")
c.log_metric(live.info.run_id, "loss", 0.5, step=0)
mlflow.set_experiment("text")
with mlflow.start_run(run_name="bert"):
    mlflow.log_metric("test_accuracy", 0.5)
print(live.info.run_id)
`;

/** Timers the test fires by hand; `next()` resolves when the model schedules its next poll. */
class ManualTimers implements Timers {
  pending: { fn: () => void; ms: number }[] = [];
  private waiting: ((ms: number) => void)[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const t = { fn, ms };
    this.pending.push(t);
    for (const w of this.waiting.splice(0)) w(ms);
    return t;
  }
  clearTimeout(h: unknown): void {
    this.pending = this.pending.filter((t) => t !== h);
  }
  next(): Promise<number> {
    if (this.pending.length > 0) return Promise.resolve(this.pending[0]!.ms);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  /** Runs the scheduled poll (there is one at a time). */
  fire(): void {
    const t = this.pending.shift();
    assert.ok(t, 'a poll is scheduled');
    t.fn();
  }
}

/** Resolves with the model's value once `read` gives a non-loading state, waiting on change events (no sleeps). */
function settled<T>(model: RemoteServerModel, read: () => Loadable<T>): Promise<Loadable<T>> {
  return new Promise((resolve) => {
    const check = () => {
      const v = read();
      if (v.state === 'loading') return false;
      off();
      resolve(v);
      return true;
    };
    const off = model.onDidChange(() => void check());
    check();
  });
}

function nextChange(model: RemoteServerModel, pred: (c: ModelChange) => boolean = () => true): Promise<ModelChange> {
  return new Promise((resolve) => {
    const off = model.onDidChange((c) => {
      if (!pred(c)) return;
      off();
      resolve(c);
    });
  });
}

function ready<T>(v: Loadable<T>): T {
  assert.equal(v.state, 'ready', v.state === 'error' ? v.message : 'still loading');
  return (v as { value: T }).value;
}

const client = (uri: string) => new MlflowClient(uri, { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });

describe('RemoteServerModel on a real MLflow server', () => {
  let server: MlflowServer;
  let liveRunId: string;
  before(async () => {
    server = await startMlflowServer();
    const r = await runMlflowPython(LOG_RUNS, { args: [server.uri] });
    assert.equal(r.code, 0, r.stderr);
    liveRunId = r.stdout.trim().split('\n').pop()!;
  });
  after(async () => server?.dispose());

  const model = (opts: { filter?: string; pageSize?: number; timers?: Timers } = {}) =>
    new RemoteServerModel({
      source: new MlflowRunSource(client(server.uri)),
      timeoutMs: 20_000,
      pageSize: () => opts.pageSize ?? 100,
      query: () => ({ filter: opts.filter ?? '', sort: 'attributes.start_time DESC' }),
      timers: opts.timers ?? new ManualTimers(),
      poll: { minMs: 1000, maxMs: 8000 },
    });

  test('experiments, then top-level runs newest first in pages, then the nested runs of a parent', async (t) => {
    const m = model({ pageSize: 2 });
    t.after(() => m.dispose());
    assert.equal(m.experiments().state, 'loading', 'nothing waits: the first read answers loading');
    const exps = ready(await settled(m, () => m.experiments()));
    assert.deepEqual(exps.map((e) => e.name).sort(), ['Default', 'text', 'vision']);
    assert.equal(m.online, true);
    const scope = { experiment: 'vision', parentId: null };
    const first = ready(await settled(m, () => m.runs(scope)));
    assert.deepEqual(first.rows.map((r) => r.name), ['live', 'c']);
    assert.ok(first.nextPageToken, 'a second page is offered');
    m.loadMore(scope);
    assert.equal(ready(m.runs(scope)).loadingMore, true);
    const second = ready(await settled(m, () => {
      const v = m.runs(scope);
      return v.state === 'ready' && v.value.loadingMore ? { state: 'loading' } : v;
    }));
    assert.deepEqual(second.rows.map((r) => r.name), ['live', 'c', 'b', 'a']);
    let all: RunListing = second;
    while (all.nextPageToken) {
      m.loadMore(scope);
      all = ready(await settled(m, () => {
        const v = m.runs(scope);
        return v.state === 'ready' && v.value.loadingMore ? { state: 'loading' } : v;
      }));
    }
    assert.deepEqual(all.rows.map((r) => r.name), ['live', 'c', 'b', 'a', 'sweep'], 'trials are not top-level runs');
    const sweep = all.rows.find((r) => r.name === 'sweep')!;
    const children = ready(await settled(m, () => m.runs({ experiment: 'vision', parentId: sweep.id })));
    assert.deepEqual(children.rows.map((r) => r.name).sort(), ['trial-0', 'trial-1']);
    assert.ok(children.rows.every((r) => r.parentId === sweep.id));
    const details = ready(await settled(m, () => m.details(children.rows[0]!.id)));
    assert.deepEqual(details.metrics.map((x) => [x.key, x.count]), [['loss', 5], ['test_accuracy', 1]]);
  });

  test('the filter language with `or` runs on the server', async (t) => {
    const m = model({ filter: 'metrics.test_accuracy >= 0.95 or attributes.name = "a"' });
    t.after(() => m.dispose());
    const rows = ready(await settled(m, () => m.runs({ experiment: 'vision', parentId: null }))).rows;
    assert.deepEqual(rows.map((r) => r.name), ['c', 'a']);
  });

  test('the poll notices a running run\'s new metric, reads it again, and backs off while nothing changes', async (t) => {
    const timers = new ManualTimers();
    const m = model({ timers });
    t.after(() => m.dispose());
    ready(await settled(m, () => m.experiments()));
    const rows = ready(await settled(m, () => m.runs({ experiment: 'vision', parentId: null }))).rows;
    assert.equal(rows.find((r) => r.id === liveRunId)?.status, 'running');
    assert.equal(await timers.next(), 1000, 'a running run is polled at the shortest interval');
    timers.fire(); // first token
    assert.equal(await timers.next(), 2000, 'no change yet: the interval doubles');
    const logged = await runMlflowPython('import sys; from mlflow import MlflowClient; MlflowClient(sys.argv[1]).log_metric(sys.argv[2], "loss", 0.25, step=1)', { args: [server.uri, liveRunId] });
    assert.equal(logged.code, 0, logged.stderr);
    const dataChanged = new Promise<void>((resolve) => m.onDidChangeData(resolve));
    timers.fire();
    await dataChanged;
    assert.equal(m.row(liveRunId)?.metrics.loss, 0.25, 'the listing was read again');
    assert.equal(await timers.next(), 1000, 'after a change the interval is the shortest again');
  });

  test('a server that goes away shows offline with the reason, and the poll finds it again', async (t) => {
    const timers = new ManualTimers();
    const m = model({ timers });
    t.after(() => m.dispose());
    ready(await settled(m, () => m.experiments()));
    await server.stop();
    const offline = nextChange(m, (c) => c.kind === 'server');
    m.runs({ experiment: 'text', parentId: null });
    await offline;
    assert.equal(m.online, false);
    assert.match(m.offlineReason ?? '', new RegExp(`${server.uri.replace(/[.:/]/g, '\\$&')} is not reachable .*ECONNREFUSED`));
    const exps = m.experiments();
    assert.equal(exps.state, 'error', 'reads answer at once with the reason');
    await server.restart();
    const back = nextChange(m, (c) => c.kind === 'server');
    timers.fire(); // the poll, still scheduled while offline
    await back;
    assert.equal(m.online, true);
    assert.deepEqual(ready(await settled(m, () => m.runs({ experiment: 'text', parentId: null }))).rows.map((r) => r.name), ['bert']);
  });

  test('a server that accepts but never answers is offline after the time limit', async (t) => {
    const sockets = new Set<Socket>();
    const silent = http.createServer(() => { /* never answers */ });
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      for (const s of sockets) s.destroy();
      silent.close();
    });
    const uri = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const m = new RemoteServerModel({ source: new MlflowRunSource(client(uri)), timeoutMs: 300, pageSize: () => 10, query: () => ({ filter: '', sort: '' }), timers: new ManualTimers() });
    t.after(() => m.dispose());
    const offline = nextChange(m, (c) => c.kind === 'server');
    assert.equal(m.experiments().state, 'loading');
    await offline;
    assert.equal(m.online, false);
    assert.equal(m.offlineReason, `${uri} did not answer within 0.3 s`);
  });

  test('a server that refuses the credentials (401) is offline with how to set them', async (t) => {
    // MLflow's basic-auth app answers so (it needs Flask-WTF, absent here: the e2e test puts a proxy in front of the real server)
    const guarded = http.createServer((_req, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error_code: 'UNAUTHENTICATED', message: 'You are not authenticated.' }));
    });
    await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
    t.after(() => guarded.close());
    const uri = `http://127.0.0.1:${(guarded.address() as { port: number }).port}`;
    const m = new RemoteServerModel({ source: new MlflowRunSource(client(uri)), timeoutMs: 5000, pageSize: () => 10, query: () => ({ filter: '', sort: '' }), timers: new ManualTimers() });
    t.after(() => m.dispose());
    const offline = nextChange(m, (c) => c.kind === 'server');
    assert.equal(m.experiments().state, 'loading');
    await offline;
    assert.equal(m.online, false);
    assert.equal(m.offlineReason, '401 UNAUTHENTICATED: the server wants credentials; set them with "Set Tracking Server Credentials…" (or MLflow\'s MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME/PASSWORD)');
    assert.deepEqual(m.experiments(), { state: 'error', message: m.offlineReason });
  });
});
