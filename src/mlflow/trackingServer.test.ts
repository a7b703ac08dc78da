import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { tempStore } from '../store/testing/tempStore';
import type { RunStore } from '../store/runStore';
import { isLoopbackHost } from '../http/hostCheck';
import { createTrackingServer } from './trackingServer';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** A real server on a free port over a temp store. */
async function serve(t: TestContext): Promise<{ store: RunStore; call: (method: string, path: string, body?: unknown) => Promise<Reply>; url: string }> {
  const { store } = tempStore(t, { now: Date.now });
  const server = createTrackingServer(store, { port: 0 });
  const { url } = await server.listen();
  t.after(() => server.close());
  const call = async (method: string, path: string, body?: unknown): Promise<Reply> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return { store, call, url };
}

const API = '/api/2.0/mlflow';

test('the calls of mlflow.set_experiment + start_run + log_* + end_run land in the store', async (t) => {
  const { store, call } = await serve(t);
  // set_experiment("iris"): get-by-name (404), create, get.
  const missing = await call('GET', `${API}/experiments/get-by-name?experiment_name=iris`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'iris'" });
  const created = await call('POST', `${API}/experiments/create`, { name: 'iris' });
  assert.equal(created.status, 200);
  const expId = created.body.experiment_id as string;
  assert.equal(typeof expId, 'string');
  const got = await call('GET', `${API}/experiments/get?experiment_id=${expId}`);
  assert.equal((got.body.experiment as Record<string, unknown>).name, 'iris');
  assert.equal((await call('POST', `${API}/experiments/create`, { name: 'iris' })).body.error_code, 'RESOURCE_ALREADY_EXISTS');

  // start_run(run_name="baseline") → runs/create, as RestStore.create_run sends it.
  const start = 1_700_000_000_000;
  const run = await call('POST', `${API}/runs/create`, {
    experiment_id: expId, user_id: 'alice', start_time: start, run_name: 'baseline',
    tags: [{ key: 'mlflow.user', value: 'alice' }, { key: 'mlflow.source.name', value: 'train.py' }, { key: 'mlflow.source.type', value: 'LOCAL' }],
  });
  assert.equal(run.status, 200);
  const info = (run.body.run as { info: Record<string, unknown> }).info;
  const runId = info.run_id as string;
  assert.match(runId, /^[0-9a-f]{32}$/);
  assert.deepEqual(
    { run_uuid: info.run_uuid, run_name: info.run_name, experiment_id: info.experiment_id, status: info.status, start_time: info.start_time, user_id: info.user_id, lifecycle_stage: info.lifecycle_stage },
    { run_uuid: runId, run_name: 'baseline', experiment_id: expId, status: 'RUNNING', start_time: start, user_id: 'alice', lifecycle_stage: 'active' },
  );
  assert.equal(info.artifact_uri, `mlflow-artifacts:/${expId}/${runId}/artifacts`);

  // log_param, log_metric (twice), log_params/log_metrics/set_tags (log-batch), set_tag.
  assert.deepEqual((await call('POST', `${API}/runs/log-parameter`, { run_id: runId, run_uuid: runId, key: 'lr', value: '0.01' })).body, {});
  for (const [step, value] of [[0, 0.9], [1, 0.4]] as const) {
    const r = await call('POST', `${API}/runs/log-metric`, { run_id: runId, run_uuid: runId, key: 'loss', value, timestamp: start + step, step });
    assert.equal(r.status, 200);
  }
  const batch = await call('POST', `${API}/runs/log-batch`, {
    run_id: runId,
    metrics: [{ key: 'acc', value: 0.95, timestamp: start + 5, step: 1 }, { key: 'nan_metric', value: 'NaN', timestamp: start + 6, step: 0 }],
    params: [{ key: 'max_depth', value: '4' }],
    tags: [{ key: 'team', value: 'ml' }],
  });
  assert.equal(batch.status, 200, JSON.stringify(batch.body));
  await call('POST', `${API}/runs/set-tag`, { run_id: runId, run_uuid: runId, key: 'stage', value: 'dev' });

  // end_run() → runs/update FINISHED.
  const end = await call('POST', `${API}/runs/update`, { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: start + 60_000 });
  assert.equal((end.body.run_info as Record<string, unknown>).status, 'FINISHED');

  const stored = store.getRun(runId);
  assert.deepEqual([stored.experiment, stored.name, stored.status, stored.startedAt, stored.endedAt], ['iris', 'baseline', 'finished', start, start + 60_000]);
  assert.deepEqual(store.getParams(runId), { lr: '0.01', max_depth: '4' });
  const tags = store.getTags(runId);
  assert.deepEqual([tags.team, tags.stage, tags['mlflow.runName'], tags['mlflow.source.name']], ['ml', 'dev', 'baseline', 'train.py']);
  const loss = store.getMetricHistory(runId, 'loss');
  assert.deepEqual([[...loss.steps], [...loss.values], [...loss.timestamps]], [[0, 1], [0.9, 0.4], [start, start + 1]]);
  assert.ok(Number.isNaN(store.getMetricHistory(runId, 'nan_metric').values[0]));

  // runs/get and metrics/get-history as GET with query strings.
  const get = await call('GET', `${API}/runs/get?run_uuid=${runId}&run_id=${runId}`);
  const data = (get.body.run as { data: Record<string, { key: string; value: unknown }[]> }).data;
  assert.deepEqual(data.params, [{ key: 'lr', value: '0.01' }, { key: 'max_depth', value: '4' }]);
  assert.deepEqual(data.metrics!.find((m) => m.key === 'loss'), { key: 'loss', value: 0.4, timestamp: start + 1, step: 1 });
  assert.equal(data.metrics!.find((m) => m.key === 'nan_metric')!.value, 'NaN', 'non-finite doubles in protobuf JSON spelling');
  const history = await call('GET', `${API}/metrics/get-history?run_id=${runId}&run_uuid=${runId}&metric_key=loss`);
  assert.deepEqual(history.body.metrics, [{ key: 'loss', value: 0.9, timestamp: start, step: 0 }, { key: 'loss', value: 0.4, timestamp: start + 1, step: 1 }]);
  const paged = await call('GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=1`);
  assert.equal((paged.body.metrics as unknown[]).length, 1);
  const next = await call('GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=1&page_token=${encodeURIComponent(paged.body.next_page_token as string)}`);
  assert.deepEqual((next.body.metrics as { step: number }[]).map((m) => m.step), [1]);

  // The same API under /ajax-api (the MLflow UI's prefix); runs/search and experiments/search.
  const search = await call('POST', '/ajax-api/2.0/mlflow/runs/search', { experiment_ids: [expId], filter: 'metrics.acc > 0.9', max_results: 10 });
  assert.deepEqual((search.body.runs as { info: { run_id: string } }[]).map((r) => r.info.run_id), [runId]);
  const exps = await call('POST', `${API}/experiments/search`, { max_results: 10, filter: "name = 'iris'" });
  assert.deepEqual((exps.body.experiments as { name: string }[]).map((e) => e.name), ['iris']);
});

test('nested runs, the Default experiment, and run names from tags', async (t) => {
  const { store, call } = await serve(t);
  const parent = await call('POST', `${API}/runs/create`, { experiment_id: '0', start_time: 1, tags: [{ key: 'mlflow.runName', value: 'outer' }] });
  const parentId = ((parent.body.run as { info: { run_id: string } }).info.run_id);
  const child = await call('POST', `${API}/runs/create`, { experiment_id: '0', start_time: 2, tags: [{ key: 'mlflow.parentRunId', value: parentId }] });
  const childId = ((child.body.run as { info: { run_id: string } }).info.run_id);
  assert.equal(store.getRun(parentId).experiment, 'Default');
  assert.equal(store.getRun(parentId).name, 'outer');
  assert.equal(store.getRun(childId).parentId, parentId);
  assert.equal(store.getTags(childId)['mlflow.runName'], store.getRun(childId).name, 'a generated name is also the mlflow.runName tag');
  await call('POST', `${API}/runs/set-tag`, { run_id: childId, key: 'mlflow.runName', value: 'renamed' });
  assert.equal(store.getRun(childId).name, 'renamed');
  const conflict = await call('POST', `${API}/runs/create`, { experiment_id: '0', run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] });
  assert.equal(conflict.status, 400);
  assert.equal(conflict.body.error_code, 'INVALID_PARAMETER_VALUE');
});

test('errors in MLflow format: missing run, param overwrite, batch limits, request size, malformed JSON, bad names', async (t) => {
  const { call } = await serve(t);
  const missingRun = 'ffffffffffffffffffffffffffffffff';
  const r404 = await call('POST', `${API}/runs/log-metric`, { run_id: missingRun, run_uuid: missingRun, key: 'x', value: 1, timestamp: 1, step: 0 });
  assert.deepEqual([r404.status, r404.body], [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run '${missingRun}' not found` }]);
  assert.equal((await call('GET', `${API}/runs/get?run_id=${missingRun}`)).status, 404);
  assert.equal((await call('GET', `${API}/experiments/get?experiment_id=999`)).body.error_code, 'RESOURCE_DOES_NOT_EXIST');

  const run = await call('POST', `${API}/runs/create`, { experiment_id: '0' });
  const runId = (run.body.run as { info: { run_id: string } }).info.run_id;
  await call('POST', `${API}/runs/log-parameter`, { run_id: runId, key: 'lr', value: '0.1' });
  assert.equal((await call('POST', `${API}/runs/log-parameter`, { run_id: runId, key: 'lr', value: '0.1' })).status, 200, 'same value again is fine');
  const overwrite = await call('POST', `${API}/runs/log-parameter`, { run_id: runId, key: 'lr', value: '0.2' });
  assert.equal(overwrite.status, 400);
  assert.equal(overwrite.body.error_code, 'INVALID_PARAMETER_VALUE');
  assert.match(overwrite.body.message as string, /Changing param values is not allowed. Param with key='lr' was already logged with value='0.1'/);

  const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i }));
  const tooMany = await call('POST', `${API}/runs/log-batch`, { run_id: runId, metrics });
  assert.deepEqual([tooMany.status, tooMany.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  assert.match(tooMany.body.message as string, /at most 1000 metrics. Got 1001 metrics/);
  const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: '1' }));
  assert.match((await call('POST', `${API}/runs/log-batch`, { run_id: runId, params })).body.message as string, /at most 100 params. Got 101/);
  const tags = Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: '1' }));
  assert.match((await call('POST', `${API}/runs/log-batch`, { run_id: runId, tags })).body.message as string, /at most 100 tags/);
  const mixed = await call('POST', `${API}/runs/log-batch`, { run_id: runId, metrics: metrics.slice(0, 950), params: params.slice(0, 60) });
  assert.match(mixed.body.message as string, /at most 1000 metrics, params, and tags. Got 1010/);
  const dupes = await call('POST', `${API}/runs/log-batch`, { run_id: runId, params: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] });
  assert.match(dupes.body.message as string, /Duplicate parameter keys/);
  const huge = await call('POST', `${API}/runs/log-batch`, { run_id: runId, tags: [{ key: 'big', value: 'x'.repeat(1_000_001) }] });
  assert.deepEqual([huge.status, huge.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  assert.match(huge.body.message as string, /at most 1000000 bytes/);

  const malformed = await call('POST', `${API}/runs/log-metric`, '{"run_id": ');
  assert.deepEqual([malformed.status, malformed.body.error_code], [400, 'MALFORMED_REQUEST']);
  const badName = await call('POST', `${API}/runs/log-metric`, { run_id: runId, key: '../escape', value: 1, timestamp: 1 });
  assert.deepEqual([badName.status, badName.body.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  const noTs = await call('POST', `${API}/runs/log-metric`, { run_id: runId, key: 'x', value: 1 });
  assert.match(noTs.body.message as string, /required parameter 'timestamp'/);
  const badStatus = await call('POST', `${API}/runs/update`, { run_id: runId, status: 'DONE' });
  assert.equal(badStatus.body.error_code, 'INVALID_PARAMETER_VALUE');
  assert.equal((await call('GET', `${API}/runs/nope`)).body.error_code, 'ENDPOINT_NOT_FOUND');
  assert.equal((await call('GET', `${API}/runs/create`)).status, 405);
});

test('browser cross-site writes are refused: non-JSON content type, and foreign Host headers (DNS rebinding)', async (t) => {
  const { store, url } = await serve(t);
  const plain = await fetch(`${url}${API}/experiments/create`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"name":"csrf"}' });
  assert.equal(plain.status, 400);
  assert.match(((await plain.json()) as { message: string }).message, /Content-Type must be one of \['application\/json'\]/);
  const { port } = new URL(url);
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: `${API}/experiments/create`, method: 'POST', headers: { Host: `evil.example:${port}`, 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('{"name":"rebound"}');
  });
  assert.equal(status, 403);
  assert.deepEqual(store.listExperiments().map((e) => e.name), [], 'nothing was written');
  assert.ok(isLoopbackHost('localhost:5000') && isLoopbackHost('[::1]:5000') && isLoopbackHost('127.0.0.1') && !isLoopbackHost('127.0.0.1.evil.example'));
});

test('artifacts: the mlflow-artifacts upload, download and list endpoints', async (t) => {
  const { store, call, url } = await serve(t);
  const run = await call('POST', `${API}/runs/create`, { experiment_id: '0' });
  const info = (run.body.run as { info: { run_id: string; artifact_uri: string } }).info;
  // HttpArtifactRepository: mlflow-artifacts:/0/<run>/artifacts → PUT {url}/api/2.0/mlflow-artifacts/artifacts/0/<run>/artifacts/<path>
  const base = `${url}/api/2.0/mlflow-artifacts/artifacts/${info.artifact_uri.slice('mlflow-artifacts:/'.length)}`;
  const put = await fetch(`${base}/model/weights.bin`, { method: 'PUT', body: Buffer.from([1, 2, 3, 4]) });
  assert.equal(put.status, 200);
  const [a] = store.listArtifacts(info.run_id);
  assert.equal(a!.path, 'model/weights.bin');
  assert.deepEqual([...fs.readFileSync(store.artifactPath(a!.sha256))], [1, 2, 3, 4]);
  const down = await fetch(`${base}/model/weights.bin`);
  assert.deepEqual([...new Uint8Array(await down.arrayBuffer())], [1, 2, 3, 4]);
  const listed = await call('GET', `/api/2.0/mlflow-artifacts/artifacts?path=0/${info.run_id}/artifacts`);
  assert.deepEqual(listed.body.files, [{ path: 'model', is_dir: true }]);
  const escape = await fetch(`${base}/..%2F..%2Fescape.txt`, { method: 'PUT', body: 'x' });
  assert.equal(escape.status, 400);
});

test('a body over maxBodyBytes, declared or chunked, gets a 413 in MLflow format and nothing is written', async (t) => {
  const { store } = tempStore(t, { now: Date.now });
  const server = createTrackingServer(store, { port: 0, maxBodyBytes: 1024 });
  const { url, port } = await server.listen();
  t.after(() => server.close());
  const body = JSON.stringify({ name: 'x'.repeat(2000) });
  const declared = await fetch(`${url}${API}/experiments/create`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  assert.equal(declared.status, 413);
  assert.deepEqual(await declared.json(), { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'the request body exceeds the limit of 1024 bytes' });
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: `${API}/experiments/create`, method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 500));
    req.end(body.slice(500));
  });
  assert.equal(chunked.status, 413);
  assert.equal(JSON.parse(chunked.body).error_code, 'REQUEST_LIMIT_EXCEEDED');
  const ok = await fetch(`${url}${API}/experiments/create`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"small"}' });
  assert.equal(ok.status, 200);
  assert.deepEqual(store.listExperiments().map((e) => e.name), ['small']);
});
