/**
 * Pushing runs to a real `mlflow server` 2.12 on a real PostgreSQL (the
 * backend teams run), then reading them back with MLflow's own Python client:
 * every param, tag, metric point and artifact hash arrives, once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import { RunStore } from '../../store/runStore';
import type { PostgresServer } from '../testing/postgres';
import { startPostgres } from '../testing/postgres';
import type { MlflowServer } from '../testing/realMlflow';
import { runMlflowPython, startMlflowServer } from '../testing/realMlflow';
import { pushRuns, TAG_RUNLENS_RUN_ID } from './pushRuns';

const noWait = async (): Promise<void> => {};

/** 20 runs: 2 experiments, a parent with 4 children, NaN and large values, text and numeric params, 2 artifacts each. */
function fillStore(store: RunStore): string[] {
  const ids: string[] = [];
  let t = Date.UTC(2026, 0, 1);
  const parent = store.createRun({ experiment: 'vision', name: 'sweep', tags: { team: 'cv' } });
  ids.push(parent.id);
  for (let i = 0; i < 19; i++) {
    const run = store.createRun({ experiment: i % 3 === 0 ? 'nlp' : 'vision', name: `run-${i}`, parentId: i < 4 ? parent.id : null, tags: { 'mlflow.note.content': `note ${i}`, café: 'ünï' } });
    store.logParams(run.id, { lr: 0.01 * (i + 1), model: i % 2 ? 'mlp' : 'tree', layers: `[${i}, ${i + 1}]` });
    const points = [];
    for (let s = 0; s < 120; s++) points.push({ key: 'loss', value: s === 7 ? NaN : 1 / (s + 1 + i), step: s, timestamp: t++ });
    for (let s = 0; s < 30; s++) points.push({ key: 'acc', value: s / 30, step: s * 2, timestamp: t++ });
    store.logMetrics(run.id, points);
    store.logArtifact(run.id, 'model/model.json', JSON.stringify({ run: i }));
    store.logArtifact(run.id, `plots/résumé-${i}.txt`, `plot ${i}\n`.repeat(i + 1));
    store.setStatus(run.id, i === 5 ? 'failed' : 'finished', { error: i === 5 ? 'boom' : null });
    ids.push(run.id);
  }
  store.setStatus(parent.id, 'finished');
  return ids;
}

interface RemoteView {
  runs: Record<string, { name: string; status: string; params: Record<string, string>; tags: Record<string, string>; parent: string | null;
    metrics: Record<string, [number, number, string][]>; artifacts: Record<string, string> }>;
}

/** Everything the server holds, read by MLflow's Python client, keyed by the runlens.runId tag. */
async function readBack(uri: string): Promise<RemoteView> {
  const r = await runMlflowPython(`
import hashlib, json, os, sys, tempfile, mlflow
from mlflow import MlflowClient
mlflow.set_tracking_uri(sys.argv[1])
c = MlflowClient(sys.argv[1])
out = {}
exps = [e.experiment_id for e in c.search_experiments()]
for run in c.search_runs(exps, max_results=1000):
    rid = run.data.tags.get("${TAG_RUNLENS_RUN_ID}")
    metrics = {k: [[m.step, m.timestamp, repr(m.value)] for m in c.get_metric_history(run.info.run_id, k)] for k in run.data.metrics}
    arts = {}
    # A run without artifacts: MLflow's client would take the empty root for a file and fail.
    local = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, dst_path=tempfile.mkdtemp()) if c.list_artifacts(run.info.run_id) else ""
    for root, _, files in (os.walk(local) if local else []):
        for f in files:
            p = os.path.join(root, f)
            arts[os.path.relpath(p, local)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    parent = run.data.tags.get("mlflow.parentRunId")
    out[rid] = {"name": run.info.run_name, "status": run.info.status, "params": run.data.params, "tags": run.data.tags,
                "parent": parent, "metrics": metrics, "artifacts": arts, "remote": run.info.run_id}
print(json.dumps({"runs": out}))
`, { args: [uri] });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as RemoteView;
}

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const pyFloat = (v: number): string => (Number.isNaN(v) ? 'nan' : Number.isInteger(v) ? `${v}.0` : String(v));

describe('runlens push to MLflow on PostgreSQL', () => {
  let pg: PostgresServer;
  let server: MlflowServer;
  let dir: string;
  let store: RunStore;
  let ids: string[];

  before(async () => {
    pg = await startPostgres();
    pg.createDatabase('mlflow');
    server = await startMlflowServer({ backendStoreUri: pg.url('mlflow') });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-push-'));
    store = RunStore.open(dir);
    ids = fillStore(store);
  });
  after(async () => {
    store?.close();
    await server?.dispose();
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('20 runs arrive with every param, tag, metric point and artifact, nested under their parent', async () => {
    const client = new MlflowClient(server.uri);
    const summary = await pushRuns(ids, { source: store, ledger: store.sync, client });
    assert.deepEqual(summary.failures, []);
    assert.equal(summary.runsCreated, 20);
    assert.equal(summary.points, 19 * 150);
    const view = await readBack(server.uri);
    assert.equal(Object.keys(view.runs).length, 20);
    for (const id of ids) {
      const local = store.getRun(id);
      const remote = view.runs[id]!;
      assert.ok(remote, `run ${local.name} arrived`);
      assert.equal(remote.name, local.name);
      assert.equal(remote.status, local.status === 'failed' ? 'FAILED' : 'FINISHED');
      assert.deepEqual(remote.params, store.getParams(id));
      for (const [k, v] of Object.entries(store.getTags(id))) assert.equal(remote.tags[k], v, `tag ${k}`);
      const parentLink = local.parentId ? store.sync.remoteRun(local.parentId, client.server)!.remoteRunId : null;
      assert.equal(remote.parent ?? null, parentLink);
      for (const m of store.getMetricSummaries(id)) {
        const h = store.getMetricHistory(id, m.key);
        const want = Array.from(h.values, (v, i) => [h.steps[i], h.timestamps[i], pyFloat(v)]);
        assert.deepEqual(remote.metrics[m.key], want, `${local.name} ${m.key}: every point once, in order`);
      }
      const arts = Object.fromEntries(store.listArtifacts(id).map((a) => [a.path, sha(store.artifactPath(a.sha256))]));
      assert.deepEqual(remote.artifacts, arts);
    }
  });

  test('a second push sends nothing; a run that grew sends only its new points', async () => {
    const client = new MlflowClient(server.uri);
    const again = await pushRuns(ids, { source: store, ledger: store.sync, client });
    assert.equal(again.runsUnchanged, 20);
    assert.equal(again.points + again.params + again.tags + again.artifacts, 0);
    assert.equal(again.requests, 20, 'one runs/get per run');

    const grown = ids[3]!;
    store.logMetrics(grown, [{ key: 'loss', value: 0.001, step: 120 }, { key: 'extra', value: 5, step: 0 }]);
    const third = await pushRuns([grown], { source: store, ledger: store.sync, client });
    assert.equal(third.points, 2);
    assert.equal(third.runsUpdated, 1, 'the parent is pushed along and is unchanged');
    const hist = await client.getMetricHistory(store.sync.remoteRun(grown, client.server)!.remoteRunId, 'loss');
    assert.equal(hist.length, 121);
  });

  test('a server killed mid-push: the next push completes the run, and no point arrives twice', async () => {
    const run = store.createRun({ experiment: 'long', name: 'long-run' });
    const points = Array.from({ length: 12_000 }, (_, s) => ({ key: 'loss', value: 1 / (s + 1), step: s }));
    store.logMetrics(run.id, points);
    store.setStatus(run.id, 'finished');
    let batches = 0;
    const flaky = new MlflowClient(server.uri, { sleep: noWait, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const logBatch = flaky.logBatch.bind(flaky);
    flaky.logBatch = async (...args) => {
      if (++batches === 5) await server.kill();
      return logBatch(...args);
    };
    const cut = await pushRuns([run.id], { source: store, ledger: store.sync, client: flaky });
    assert.equal(cut.failures.length, 1);
    assert.match(cut.failures[0]!.message, /is not reachable/);
    await server.restart();
    const client = new MlflowClient(server.uri);
    const resumed = await pushRuns([run.id], { source: store, ledger: store.sync, client });
    assert.deepEqual(resumed.failures, []);
    const hist = await client.getMetricHistory(store.sync.remoteRun(run.id, client.server)!.remoteRunId, 'loss');
    assert.equal(hist.length, 12_000, 'every point, once');
    assert.deepEqual(hist.map((p) => p.step).sort((a, b) => a - b), points.map((p) => p.step));
    assert.equal((await client.getRun(store.sync.remoteRun(run.id, client.server)!.remoteRunId)).info.status, 'FINISHED');
  });

  test('a lost ledger finds the server\'s copy by its runlens.runId tag instead of creating a second one', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-push2-'));
    try {
      fs.cpSync(dir, other, { recursive: true });
      const copy = RunStore.open(other);
      try {
        copy.sync.forgetServer(new MlflowClient(server.uri).server);
        const summary = await pushRuns([ids[1]!], { source: copy, ledger: copy.sync, client: new MlflowClient(server.uri) });
        assert.equal(summary.runsCreated, 0);
        const view = await readBack(server.uri);
        assert.equal(Object.values(view.runs).filter((r) => r.name === copy.getRun(ids[1]!).name).length, 1);
      } finally {
        copy.close();
      }
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
  test('two pushes of one new run at once (say the CLI and the editor): one remote run, every point once', async () => {
    const run = store.createRun({ experiment: 'race', name: 'raced' });
    store.logMetrics(run.id, Array.from({ length: 3000 }, (_, s) => ({ key: 'loss', value: s, step: s })));
    store.setStatus(run.id, 'finished');
    // A second connection to the same store, as a second process has; the lease is the store folder's.
    const second = RunStore.open(dir);
    try {
      const [a, b] = await Promise.all([
        pushRuns([run.id], { source: store, ledger: store.sync, client: new MlflowClient(server.uri) }),
        pushRuns([run.id], { source: second, ledger: second.sync, client: new MlflowClient(server.uri) }),
      ]);
      assert.deepEqual([...a.failures, ...b.failures], []);
      assert.equal(a.runsCreated + b.runsCreated, 1, 'created once');
      assert.equal(a.points + b.points, 3000, 'each point sent once');
      const client = new MlflowClient(server.uri);
      const experimentId = await client.ensureExperiment('race');
      const copies = await client.searchRuns({ experimentIds: [experimentId], filter: `tags.\`${TAG_RUNLENS_RUN_ID}\` = '${run.id}'`, viewType: 'ALL', maxResults: 10 });
      assert.equal(copies.items.length, 1);
      assert.equal((await client.getMetricHistory(copies.items[0]!.info.runId, 'loss')).length, 3000);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'locks')), [], 'both leases released');
    } finally {
      second.close();
    }
  });
});
