/**
 * TrackingApi through the real server (port 0, temp store on a FakeClock):
 * how REST-created runs stay alive, and MLflow's key names (Unicode included).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { API, serveStore } from './testing/trackingServerFixture';

test('a REST-created run records no pid: every logging call is its heartbeat, and only a silent run goes stale', async (t) => {
  const { store, clock, call, createRun } = await serveStore(t, { realClock: false });
  const created = clock.t;
  const { runId } = await createRun();
  const run = store.getRun(runId);
  assert.deepEqual([run.pid, run.host, run.heartbeatAt], [null, null, created], 'the client owns the run, not this server');

  // Each kind of call counts: a param, a tag, a metric, a batch of params only, a rename through runs/update.
  const calls: [string, Record<string, unknown>][] = [
    ['runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' }],
    ['runs/set-tag', { run_id: runId, key: 'stage', value: 'dev' }],
    ['runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: 1, step: 0 }],
    ['runs/log-batch', { run_id: runId, params: [{ key: 'depth', value: '3' }] }],
    ['runs/update', { run_id: runId, run_name: 'renamed' }],
  ];
  for (const [endpoint, body] of calls) {
    clock.advance(50_000);
    const r = await call('POST', `${API}/${endpoint}`, body);
    assert.equal(r.status, 200, r.text);
    assert.equal(store.getRun(runId).heartbeatAt, clock.t, `${endpoint} is a heartbeat`);
  }
  // 250 s after it started, 50 s after its last call: alive (staleAfterMs is 60 s).
  clock.advance(50_000);
  assert.deepEqual(store.markStaleRuns(), []);
  clock.advance(10_001);
  assert.deepEqual(store.markStaleRuns(), [runId]);
  const stale = store.getRun(runId);
  assert.equal(stale.status, 'failed');
  assert.equal(stale.error, `no heartbeat since ${new Date(clock.t - 60_001).toISOString()}`);
});

test('Unicode keys (café, ключ) are accepted as MLflow accepts them, read back, and filterable by runs/search', async (t) => {
  const { store, call, createRun } = await serveStore(t);
  const { runId } = await createRun();
  const batch = await call('POST', `${API}/runs/log-batch`, {
    run_id: runId,
    params: [{ key: 'café', value: 'noir' }, { key: 'ключ', value: 'значение' }],
    metrics: [{ key: 'точность', value: 0.93, timestamp: 1, step: 0 }],
    tags: [{ key: '日本語', value: 'はい' }],
  });
  assert.equal(batch.status, 200, batch.text);
  assert.equal((await call('POST', `${API}/runs/log-parameter`, { run_id: runId, key: 'naïve bayes', value: '1' })).status, 200);
  assert.deepEqual(store.getParams(runId), { café: 'noir', ключ: 'значение', 'naïve bayes': '1' });
  assert.equal(store.getTags(runId)['日本語'], 'はい');
  const got = await call('GET', `${API}/runs/get?run_id=${runId}`);
  const data = (got.body.run as { data: { metrics: { key: string }[] } }).data;
  assert.deepEqual(data.metrics.map((m) => m.key), ['точность']);
  const search = (filter: string) => call('POST', `${API}/runs/search`, { experiment_ids: ['0'], filter });
  for (const filter of ["params.café = 'noir'", "params.`ключ` = 'значение'", 'metrics.точность > 0.9', "params.`naïve bayes` = '1'", "tags.日本語 = 'はい'"]) {
    const r = await search(filter);
    assert.equal(r.status, 200, `${filter}: ${r.text}`);
    assert.deepEqual((r.body.runs as { info: { run_id: string } }[]).map((x) => x.info.run_id), [runId], filter);
  }
  assert.deepEqual((await search("params.café = 'lait'")).body.runs, []);
});

test('keys MLflow refuses are refused with its message, and nothing is written', async (t) => {
  const { store, call, createRun } = await serveStore(t);
  const { runId } = await createRun();
  const r = await call('POST', `${API}/runs/log-batch`, { run_id: runId, params: [{ key: 'ok', value: '1' }, { key: 'a//b', value: '2' }] });
  assert.deepEqual([r.status, r.body], [400, {
    error_code: 'INVALID_PARAMETER_VALUE',
    message: "Invalid parameter name: 'a//b'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a/b'",
  }]);
  const colon = await call('POST', `${API}/runs/log-metric`, { run_id: runId, key: 'a:b', value: 1, timestamp: 1 });
  assert.equal(colon.body.message, "Invalid metric name: 'a:b'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).");
  assert.deepEqual(store.getParams(runId), {});
  assert.deepEqual(store.getMetricSummaries(runId), []);
});
