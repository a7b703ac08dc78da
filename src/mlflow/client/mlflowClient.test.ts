/**
 * The REST client against a real `mlflow server` 2.12 (SQLite backend, artifact
 * proxy), with runs written by MLflow's own Python client and read back by it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { MlflowServer } from '../../tracking/testing/realMlflow';
import { runMlflowPython, startMlflowServer } from '../../tracking/testing/realMlflow';
import { MlflowClient } from './mlflowClient';
import type { MlflowRestError } from './mlflowHttp';

const noWait = async (): Promise<void> => {};

/** A port nothing listens on: bound, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('MlflowClient against a real MLflow server', () => {
  let server: MlflowServer;
  let parentId = '';
  let childId = '';

  before(async () => {
    server = await startMlflowServer();
    const r = await runMlflowPython(`
import mlflow, sys
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("client-test")
with mlflow.start_run(run_name="parent") as p:
    mlflow.log_param("lr", "0.1")
    mlflow.set_tag("team", "vision")
    for i in range(300):
        mlflow.log_metric("loss", 1.0 / (i + 1), step=i)
    mlflow.log_metric("weird", float("nan"), step=0)
    mlflow.log_text("hello", "notes/résumé.txt")
    with mlflow.start_run(run_name="child", nested=True) as c:
        mlflow.log_metric("acc", 0.9)
print(p.info.run_id, c.info.run_id)
`, { args: [server.uri] });
    assert.equal(r.code, 0, r.stderr);
    [parentId, childId] = r.stdout.trim().split(/\s+/) as [string, string];
  });
  after(async () => server?.dispose());

  test('reads experiments, runs, params, tags and latest metrics as MLflow wrote them', async () => {
    const c = new MlflowClient(server.uri);
    const exps = await c.listExperiments();
    const exp = exps.find((e) => e.name === 'client-test');
    assert.ok(exp, JSON.stringify(exps));
    const run = await c.getRun(parentId);
    assert.equal(run.info.runName, 'parent');
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.params.lr, '0.1');
    assert.equal(run.tags.team, 'vision');
    assert.equal(run.metrics.find((m) => m.key === 'loss')?.value, 1 / 300);
    assert.ok(Number.isNaN(run.metrics.find((m) => m.key === 'weird')?.value), 'NaN arrives as NaN');
    const child = await c.getRun(childId);
    assert.equal(child.tags['mlflow.parentRunId'], parentId);
  });

  test('searchRuns pages with next_page_token and passes the filter to MLflow', async () => {
    const c = new MlflowClient(server.uri);
    const exp = (await c.getExperimentByName('client-test'))!;
    const first = await c.searchRuns({ experimentIds: [exp.experimentId], maxResults: 1, orderBy: ['attributes.start_time ASC'] });
    assert.equal(first.items.length, 1);
    assert.ok(first.nextPageToken, 'a second page is announced');
    const second = await c.searchRuns({ experimentIds: [exp.experimentId], maxResults: 1, pageToken: first.nextPageToken, orderBy: ['attributes.start_time ASC'] });
    assert.deepEqual([first.items[0]!.info.runId, second.items[0]!.info.runId], [parentId, childId]);
    const filtered = await c.searchRuns({ experimentIds: [exp.experimentId], filter: "params.lr = '0.1'" });
    assert.deepEqual(filtered.items.map((r) => r.info.runId), [parentId]);
    await assert.rejects(c.searchRuns({ experimentIds: [exp.experimentId], filter: 'params.lr >>> 1' }), (e: MlflowRestError) => {
      assert.equal(e.status, 400);
      assert.equal(e.errorCode, 'INVALID_PARAMETER_VALUE');
      assert.match(e.message, /runs\/search answered 400 INVALID_PARAMETER_VALUE/);
      return true;
    });
  });

  test('histories: every point, and the bulk-interval read downsampled on the server', async () => {
    const c = new MlflowClient(server.uri);
    const full = await c.getMetricHistory(parentId, 'loss');
    assert.equal(full.length, 300);
    assert.deepEqual(full.slice(0, 3).map((p) => p.step), [0, 1, 2]);
    const sampled = await c.getMetricHistoryBulkInterval([parentId, childId], 'loss', 50);
    assert.ok(sampled, 'MLflow 2.12 has the bulk-interval route');
    const ofParent = sampled.filter((p) => p.runId === parentId);
    assert.ok(ofParent.length > 0 && ofParent.length <= 51, `${ofParent.length} points`);
    assert.equal(ofParent.at(-1)!.step, 299, 'the last step is always kept');
  });

  test('artifacts: lists folders and downloads a non-ASCII name through the proxy', async () => {
    const c = new MlflowClient(server.uri);
    const run = await c.getRun(parentId);
    const files = await c.listArtifactsDeep(parentId);
    assert.deepEqual(files.map((f) => f.path), ['notes/résumé.txt']);
    assert.equal((await c.downloadArtifact(run.info, 'notes/résumé.txt')).toString(), 'hello');
    // MLflow's proxy answers a missing file with 500 (its download raises); that is retried like any 500, then reported.
    const once = new MlflowClient(server.uri, { sleep: noWait, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    await assert.rejects(once.downloadArtifact(run.info, 'notes/missing.txt'), (e: MlflowRestError) => e.status === 500 && /notes\/missing\.txt answered 500/.test(e.message));
  });

  test('writes: a run created, batch-logged and uploaded by RunLens is what MLflow\'s client reads', async () => {
    const c = new MlflowClient(server.uri);
    const expId = await c.ensureExperiment('written-by-runlens');
    assert.equal(await c.ensureExperiment('written-by-runlens'), expId, 'idempotent');
    const info = await c.createRun({ experimentId: expId, runName: 'pushed', startTime: 1_700_000_000_000, userId: 'ada', tags: { 'mlflow.user': 'ada' } });
    await c.logBatch(info.runId, {
      params: [{ key: 'café', value: 'crème' }],
      metrics: [{ key: 'loss', value: 0.5, step: 0, timestamp: 1_700_000_000_001 }, { key: 'loss', value: Infinity, step: 1, timestamp: 1_700_000_000_002 }],
      tags: [{ key: 'runlens.source', value: 'test' }],
    });
    await c.uploadArtifact(info, 'model/ünïcode.json', Buffer.from('{"a":1}'));
    await c.updateRun(info.runId, { status: 'FINISHED', endTime: 1_700_000_000_100 });
    const r = await runMlflowPython(`
import mlflow, sys, json
from mlflow import MlflowClient
mlflow.set_tracking_uri(sys.argv[1])
c = MlflowClient(sys.argv[1])
run = c.get_run(sys.argv[2])
hist = [(m.step, m.value) for m in c.get_metric_history(sys.argv[2], "loss")]
path = mlflow.artifacts.download_artifacts(run_id=sys.argv[2], artifact_path="model/ünïcode.json", tracking_uri=sys.argv[1])
print(json.dumps({"name": run.info.run_name, "status": run.info.status, "params": run.data.params, "user": run.info.user_id,
  "hist": [[s, str(v)] for s, v in hist], "artifact": open(path).read(), "end": run.info.end_time}))
`, { args: [server.uri, info.runId] });
    assert.equal(r.code, 0, r.stderr);
    const got = JSON.parse(r.stdout) as Record<string, unknown>;
    // MLflow's SQL stores keep +Infinity as the largest double (sqlalchemy_store clamps it): that is MLflow's own behaviour.
    assert.deepEqual(got, { name: 'pushed', status: 'FINISHED', params: { café: 'crème' }, user: 'ada', hist: [[0, '0.5'], [1, '1.7976931348623157e+308']], artifact: '{"a":1}', end: 1_700_000_000_100 });
  });

  test('a server that went away is retried with backoff until it is back', async () => {
    const c = new MlflowClient(server.uri, { sleep: async () => {
      if (!restarted) {
        restarted = true;
        await server.restart();
      }
    }, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    let restarted = false;
    await server.stop();
    const run = await c.getRun(parentId);
    assert.equal(run.info.runId, parentId);
    assert.ok(restarted, 'the first attempt failed and was retried');
  });

  test('a refusal is not retried, and an unreachable server is one line naming it', async () => {
    let sleeps = 0;
    const c = new MlflowClient(server.uri, { sleep: async () => void sleeps++ });
    await assert.rejects(c.getRun('0'.repeat(32)), (e: MlflowRestError) => e.notFound && !e.transient);
    assert.equal(sleeps, 0);
    const port = await closedPort();
    const away = new MlflowClient(`http://127.0.0.1:${port}`, { sleep: noWait, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    await assert.rejects(away.getRun(parentId), { message: `http://127.0.0.1:${port} is not reachable (api/2.0/mlflow/runs/get): ECONNREFUSED` });
  });
});

describe('MlflowClient credentials', () => {
  test('sends MLflow\'s Authorization header: a token as Bearer, else user and password as Basic', async () => {
    const seen: (string | undefined)[] = [];
    const srv = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(req.headers.authorization ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(req.headers.authorization ? '{"experiments":[]}' : '{"error_code":"UNAUTHENTICATED","message":"no"}');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const uri = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
    try {
      await new MlflowClient(uri, { credentials: { token: 't0k' } }).listExperiments();
      await new MlflowClient(uri, { credentials: { username: 'ada', password: 'pw' } }).listExperiments();
      await assert.rejects(new MlflowClient(uri).listExperiments(), /answered 401 UNAUTHENTICATED: no \(check MLFLOW_TRACKING_TOKEN/);
      assert.deepEqual(seen, ['Bearer t0k', `Basic ${Buffer.from('ada:pw').toString('base64')}`, undefined]);
    } finally {
      srv.close();
    }
  });

  test('credentials in the URI are refused: they would land in settings', () => {
    assert.throws(() => new MlflowClient('http://ada:pw@127.0.0.1:5000'), /MLFLOW_TRACKING_USERNAME\/PASSWORD or MLFLOW_TRACKING_TOKEN, not in the URI "127\.0\.0\.1:5000"/);
  });
});
