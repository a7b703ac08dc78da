/**
 * `runlens pull` against a real `mlflow server` 2.12 on a real PostgreSQL:
 * runs logged by MLflow's own Python client (nested runs, NaN and infinite
 * values, Unicode keys, artifacts with non-ASCII names, dataset inputs, a
 * run still RUNNING) come into an empty store exactly as MLflow's client
 * reads them; a second pull makes no request beyond the searches; what a
 * run logs later arrives once.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import { RunStore } from '../../store/runStore';
import type { PostgresServer } from '../testing/postgres';
import { startPostgres } from '../testing/postgres';
import type { MlflowServer } from '../testing/realMlflow';
import { runMlflowPython, startMlflowServer } from '../testing/realMlflow';
import { pullRuns } from './pullRuns';
import { countRequests, localView, serverView } from './testing/serverView';

const LOG = String.raw`
import json, os, sys, tempfile, mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, Dataset, DatasetInput, InputTag
mlflow.set_tracking_uri(sys.argv[1])
c = MlflowClient(sys.argv[1])
T = 1_750_000_000_000
nan, inf = float("nan"), float("inf")
ids = {}
mlflow.set_experiment("vision ünï")
with mlflow.start_run(run_name="sweep ✓") as parent:
    mlflow.log_params({"model": "tree", "café": "crème brûlée"})
    mlflow.set_tags({"team": "cv", "ключ": "значение"})
    c.log_batch(parent.info.run_id, metrics=[Metric("best/acc", 0.93, T, 0)])
    for i in range(2):
        with mlflow.start_run(run_name=f"trial-{i}", nested=True) as child:
            rid = child.info.run_id
            mlflow.log_param("depth", i + 2)
            pts = [Metric("loss", nan if s == 7 else 1 / (s + 1 + i), T + s, s) for s in range(300)]
            pts += [Metric("ключ/loss", (-inf if s == 3 else s * 0.5), T + 1000 + s, s) for s in range(20)]
            pts += [Metric("café acc", 0.5, T + 5, 1), Metric("café acc", 0.6, T + 4, 1), Metric("café acc", 0.7, T + 9, 0)]
            for k in range(0, len(pts), 1000):
                c.log_batch(rid, metrics=pts[k:k + 1000])
            ids[f"trial-{i}"] = rid
    c.log_text(parent.info.run_id, "résumé du sweep ✓\n", "notes/résumé ✓.txt")
    blob = os.path.join(tempfile.mkdtemp(), "curve.bin")
    with open(blob, "wb") as f:
        f.write(bytes(range(256)) * 400)
    c.log_artifact(parent.info.run_id, blob, "plots/deep/er")
    c.log_inputs(parent.info.run_id, [
        DatasetInput(Dataset(name="iris", digest="d1g357", source_type="local", source=json.dumps({"uri": "data/iris.csv"}),
                             schema=json.dumps({"mlflow_colspec": [{"name": "a", "type": "double"}]}), profile=json.dumps({"num_rows": 150})),
                     [InputTag("mlflow.data.context", "training")]),
        DatasetInput(Dataset(name="iris-test", digest="t357", source_type="local", source=json.dumps({"uri": "data/test.csv"})),
                     [InputTag("mlflow.data.context", "eval")])])
    ids["sweep"] = parent.info.run_id
nlp = c.create_experiment("nlp")
failed = c.create_run(nlp, start_time=T, run_name="failed one", tags={"mlflow.note.content": "went wrong"})
c.log_batch(failed.info.run_id, metrics=[Metric("x", 1.0, T, 0)], params=[Param("lr", "0.1")])
c.set_terminated(failed.info.run_id, "FAILED", end_time=T + 500)
ids["failed"] = failed.info.run_id
live = c.create_run(nlp, start_time=T + 10, run_name="live")
c.log_batch(live.info.run_id, metrics=[Metric("loss", 1 / (s + 1), T + 10 + s, s) for s in range(40)], params=[Param("epochs", "90")])
ids["live"] = live.info.run_id
empty = c.create_run(nlp, start_time=T + 20, run_name="empty")
c.set_terminated(empty.info.run_id, "KILLED", end_time=T + 30)
ids["empty"] = empty.info.run_id
print(json.dumps(ids))
`;

const GROW = String.raw`
import sys, mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric
mlflow.set_tracking_uri(sys.argv[1])
c = MlflowClient(sys.argv[1])
rid, T = sys.argv[2], 1_750_000_000_000
c.log_batch(rid, metrics=[Metric("loss", 1 / (s + 1), T + 10 + s, s) for s in range(40, 90)] + [Metric("val/acc", 0.8, T + 200, 89)])
c.set_tag(rid, "phase", "done")
c.log_text(rid, "the end", "summary/fin.txt")
c.set_terminated(rid, "FINISHED", end_time=T + 999)
`;

function tempStore(t: { after: (fn: () => void) => void }, prefix: string): RunStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const store = RunStore.open(dir);
  t.after(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

describe('runlens pull from MLflow on PostgreSQL', () => {
  let pg: PostgresServer;
  let server: MlflowServer;
  let ids: Record<string, string>;
  let dir: string;
  let store: RunStore;

  before(async () => {
    pg = await startPostgres();
    pg.createDatabase('mlflow');
    server = await startMlflowServer({ backendStoreUri: pg.url('mlflow') });
    const r = await runMlflowPython(LOG, { args: [server.uri] });
    assert.equal(r.code, 0, r.stderr);
    ids = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-pull-'));
    store = RunStore.open(dir);
  });
  after(async () => {
    store?.close();
    await server?.dispose();
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an empty store gets every run under its server id, as MLflow\'s client reads it', async () => {
    const progress: string[] = [];
    const summary = await pullRuns({ store, client: new MlflowClient(server.uri), onRun: (p) => progress.push(`${p.done}/${p.total} ${p.name} ${p.outcome}`) });
    assert.deepEqual(summary.failures, []);
    assert.deepEqual(summary.warnings, []);
    assert.equal(summary.runsNew, 6);
    assert.equal(summary.points, 2 * (300 + 20 + 3) + 1 + 1 + 40);
    assert.equal(summary.artifacts, 2);
    assert.equal(summary.bytes, Buffer.byteLength('résumé du sweep ✓\n') + 256 * 400);
    assert.equal(summary.inputs, 2);
    assert.equal(progress.length, 6);
    assert.ok(progress.findIndex((l) => l.includes('sweep ✓ new')) < progress.findIndex((l) => l.includes('trial-')), `the parent comes first: ${progress.join(', ')}`);
    const remote = await serverView(server);
    assert.deepEqual(Object.keys(remote).sort(), Object.values(ids).sort());
    for (const [id, want] of Object.entries(remote)) assert.deepEqual(localView(store, id), want, `run ${want.name}`);
    assert.equal(store.getRun(ids['trial-0']!).parentId, ids.sweep);
    assert.equal(store.getRun(ids.failed!).note, 'went wrong');
    assert.equal(store.getRun(ids.live!).status, 'running');
    // NaN, -Infinity and the duplicate step survive as such (the view compares them as MLflow prints them).
    assert.ok(Number.isNaN(store.getMetricHistory(ids['trial-0']!, 'loss').values[7]!));
    assert.equal(store.getMetricSummaries(ids['trial-1']!).find((s) => s.key === 'café acc')!.latest, 0.5, 'MLflow\'s latest of a step: its newest timestamp');
  });

  test('the pull\'s copy of a live run stays running: its process is on another machine', () => {
    const later = RunStore.open(dir, { now: () => Date.now() + 3_600_000 });
    try {
      assert.deepEqual(later.markStaleRuns(), []);
      assert.equal(later.getRun(ids.live!).status, 'running');
    } finally {
      later.close();
    }
  });

  test('a second pull fetches nothing: the searches, and no history, listing or download', async () => {
    const client = new MlflowClient(server.uri);
    const requests = countRequests(client);
    const summary = await pullRuns({ store, client });
    assert.deepEqual(summary.failures, []);
    assert.equal(summary.runsUnchanged, 6);
    assert.equal(summary.points + summary.artifacts + summary.params + summary.tags + summary.inputs, 0);
    assert.deepEqual(requests.paths, ['api/2.0/mlflow/experiments/search', 'api/2.0/mlflow/runs/search']);
    assert.equal(summary.requests, 2);
  });

  test('a run that grew on the server brings only its new points, tag, artifact and final status, once', async () => {
    const r = await runMlflowPython(GROW, { args: [server.uri, ids.live!] });
    assert.equal(r.code, 0, r.stderr);
    const client = new MlflowClient(server.uri);
    const requests = countRequests(client);
    const summary = await pullRuns({ store, client });
    assert.deepEqual(summary.failures, []);
    assert.equal(summary.runsUpdated, 1);
    assert.equal(summary.runsUnchanged, 5);
    assert.equal(summary.points, 51);
    assert.equal(summary.tags, 1);
    assert.equal(summary.artifacts, 1);
    const fetched = requests.paths.filter((p) => !p.endsWith('/search'));
    assert.ok(fetched.every((p) => p.includes('get-history') || p.includes('artifacts')), fetched.join(', '));
    const remote = await serverView(server);
    for (const [id, want] of Object.entries(remote)) assert.deepEqual(localView(store, id), want, `run ${want.name}`);
    assert.equal(store.getRun(ids.live!).status, 'finished');
    assert.equal(store.getMetricSummaries(ids.live!).find((s) => s.key === 'loss')!.count, 90);

    const again = await pullRuns({ store, client: new MlflowClient(server.uri) });
    assert.equal(again.runsUnchanged, 6);
    assert.equal(again.points + again.artifacts, 0);
  });

  test('--experiment and --filter: the matching runs with their parents, nested as on the server', async (t) => {
    const other = tempStore(t, 'runlens-pull-filter-');
    const summary = await pullRuns({ store: other, client: new MlflowClient(server.uri), experiment: 'vision ünï', filter: 'params.depth = 3' });
    assert.deepEqual(summary.failures, []);
    assert.equal(summary.runsNew, 2);
    assert.deepEqual(other.listRuns().map((r) => r.id).sort(), [ids['trial-1']!, ids.sweep!].sort());
    assert.equal(other.getRun(ids['trial-1']!).parentId, ids.sweep);
    await assert.rejects(pullRuns({ store: other, client: new MlflowClient(server.uri), experiment: 'nope' }), /no experiment "nope" on http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('a run that cannot be pulled is one line; the others still come', async (t) => {
    const other = tempStore(t, 'runlens-pull-conflict-');
    other.createRunAt({ experiment: 'nlp', id: ids.failed, name: 'mine', status: 'finished', createdAt: 1 });
    other.logParams(ids.failed!, { lr: '0.5' });
    const summary = await pullRuns({ store: other, client: new MlflowClient(server.uri) });
    assert.equal(summary.failures.length, 1);
    assert.equal(summary.failures[0]!.remoteRunId, ids.failed);
    assert.match(summary.failures[0]!.message, /^param lr is "0\.5" here but "0\.1" on http:\/\/127\.0\.0\.1:\d+; params cannot change, so this run is left as it was$/);
    assert.equal(summary.runsNew, 5);
    assert.equal(other.getParams(ids.failed!).lr, '0.5');
  });

  test('a server killed mid-pull: the runs not tried are said once, and the next pull completes them without a duplicate', async (t) => {
    const other = tempStore(t, 'runlens-pull-killed-');
    const flaky = new MlflowClient(server.uri, { sleep: async () => {}, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const history = flaky.getMetricHistory.bind(flaky);
    let calls = 0;
    flaky.getMetricHistory = async (...args) => {
      if (++calls === 3) await server.kill();
      return history(...args);
    };
    const cut = await pullRuns({ store: other, client: flaky });
    assert.equal(cut.failures.length, 1);
    assert.match(cut.failures[0]!.message, /is not reachable/);
    assert.match(cut.warnings.at(-1)!, /^\d+ runs? not tried: http:\/\/127\.0\.0\.1:\d+ stopped answering; pull again to bring them$/);
    await server.restart();
    const resumed = await pullRuns({ store: other, client: new MlflowClient(server.uri) });
    assert.deepEqual(resumed.failures, []);
    const remote = await serverView(server);
    assert.deepEqual(other.listRuns().map((r) => r.id).sort(), Object.keys(remote).sort());
    for (const [id, want] of Object.entries(remote)) assert.deepEqual(localView(other, id), want, `run ${want.name}`);
  });
});
