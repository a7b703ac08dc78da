import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { RUNLENS_VERSION } from '../../core/version';
import { SCORING_PROTOCOL_CHANGE_INFO } from './scoringRequest';
import { columnList, createServer, IGNORED_COLUMNS_HEADER } from './modelServer';
import type { ModelServer } from './modelServer';
import { expectedPredictions, frameRecords, trainFixture } from './servingFixtures';
import type { TrainedFixture } from './servingFixtures';
import { loadModelForServing } from './servingModel';

interface Served { server: ModelServer; base: string; port: number }

async function serve(f: TrainedFixture, maxBodyBytes?: number): Promise<Served> {
  const server = createServer(loadModelForServing(f.pkg), { port: 0, ...(maxBodyBytes ? { maxBodyBytes } : {}) });
  const { port, host } = await server.listen();
  assert.equal(host, '127.0.0.1');
  return { server, port, base: `http://127.0.0.1:${port}` };
}

function postJson(base: string, body: unknown, query = ''): Promise<Response> {
  return fetch(`${base}/invocations${query}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => String(r[c] ?? '')).join(','))].join('\n') + '\n';
}

async function errorOf(res: Response, status: number): Promise<{ error_code: string; message: string } & Record<string, unknown>> {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = await res.json() as { error_code: string; message: string };
  assert.equal(typeof body.error_code, 'string');
  assert.equal(typeof body.message, 'string');
  return body;
}

describe('model server (classification)', () => {
  let iris: TrainedFixture;
  let s: Served;
  let records: Record<string, unknown>[];
  let expected: unknown[];
  let columns: string[];

  before(async () => {
    iris = await trainFixture('iris');
    s = await serve(iris);
    records = frameRecords(iris.data.testFrame, ['species']);
    expected = expectedPredictions(iris);
    columns = [...iris.pkg.inputColumns];
  });
  after(() => s.server.close());

  it('serves the same labels as the model for every MLflow format and CSV', async () => {
    const shuffled = [...columns].reverse(); // columns are matched by name, in any order
    const bodies: [string, unknown][] = [
      ['dataframe_split', { dataframe_split: { columns: shuffled, data: records.map((r) => shuffled.map((c) => r[c])) } }],
      ['dataframe_records', { dataframe_records: records }],
      ['instances objects', { instances: records }],
      ['instances arrays', { instances: records.map((r) => columns.map((c) => r[c])) }],
      ['inputs objects', { inputs: records }],
      ['inputs columnar', { inputs: Object.fromEntries(shuffled.map((c) => [c, records.map((r) => r[c])])) }],
    ];
    for (const [name, body] of bodies) {
      const res = await postJson(s.base, body);
      assert.equal(res.status, 200, name);
      assert.deepEqual(await res.json(), { predictions: expected }, name);
    }
    const csv = await fetch(`${s.base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: toCsv(shuffled, records) });
    assert.equal(csv.status, 200);
    assert.deepEqual(await csv.json(), { predictions: expected });
    assert.ok(expected.includes('setosa') && expected.includes('virginica'));
  });

  it('adds probabilities and classes on request (query or params)', async () => {
    const want = loadModelForServing(iris.pkg).predictProba!(records);
    for (const [body, query] of [[{ dataframe_records: records }, '?probabilities=true'],
      [{ dataframe_records: records, params: { probabilities: true } }, '']] as const) {
      const res = await postJson(s.base, body, query);
      assert.equal(res.status, 200);
      const got = await res.json() as { predictions: unknown[]; probabilities: number[][]; classes: unknown[] };
      assert.deepEqual(got.predictions, expected);
      assert.deepEqual(got.classes, ['setosa', 'versicolor', 'virginica']);
      assert.deepEqual(got.probabilities, want.probabilities);
    }
    const csv = await fetch(`${s.base}/invocations?probabilities=true`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: toCsv(columns, records) });
    assert.deepEqual((await csv.json() as { probabilities: unknown }).probabilities, want.probabilities);
  });

  it('answers 400 naming a missing column; extra columns are ignored, as MLflow does', async () => {
    const missing = await errorOf(await postJson(s.base, { dataframe_records: records.map(({ petal_width: _, ...r }) => r) }), 400);
    assert.equal(missing.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(missing.message, /missing column "petal_width"/);
    assert.deepEqual(missing.missing_columns, ['petal_width']);
    const extra = await postJson(s.base, { instances: records.map((r) => ({ ...r, colour: 'blue' })) });
    assert.equal(extra.status, 200);
    assert.deepEqual(await extra.json(), await (await postJson(s.base, { instances: records })).json());
    const csv = await fetch(`${s.base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' },
      body: toCsv([...columns.filter((c) => c !== 'sepal_length'), 'species'], records.map((r, i) => ({ ...r, species: i }))) });
    const csvErr = await errorOf(csv, 400);
    assert.match(csvErr.message, /^missing column "sepal_length" \(the model needs/);
    assert.deepEqual(csvErr.extra_columns, []);
  });

  it('names the columns it ignored in X-RunLens-Ignored-Columns, and tells its owner once per column; the body keeps MLflow\'s shape', async () => {
    const told: string[][] = [];
    const server = createServer(loadModelForServing(iris.pkg), { port: 0, onIgnoredColumns: (c) => told.push([...c]) });
    const { port } = await server.listen();
    const base = `http://127.0.0.1:${port}`;
    try {
      const plain = await postJson(base, { dataframe_records: records });
      assert.equal(plain.headers.get(IGNORED_COLUMNS_HEADER), null);
      const wide = records.map((r, i) => ({ customer_id: i, ...r, note: 'vip' }));
      const first = await postJson(base, { dataframe_records: wide });
      assert.equal(first.status, 200);
      assert.equal(first.headers.get(IGNORED_COLUMNS_HEADER), 'customer_id, note');
      assert.deepEqual(await first.json(), { predictions: expected });
      const again = await postJson(base, { dataframe_split: { columns: ['note', ...columns, 'species'], data: records.map((r) => ['x', ...columns.map((c) => r[c]), 'setosa']) } });
      assert.equal(again.headers.get(IGNORED_COLUMNS_HEADER), 'note, species');
      const csv = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' },
        body: toCsv(['customer_id', ...columns], records.map((r, i) => ({ ...r, customer_id: i }))) });
      assert.equal(csv.headers.get(IGNORED_COLUMNS_HEADER), 'customer_id');
      assert.deepEqual(await csv.json(), { predictions: expected });
      // Announced the first time each is seen: species was new on the second request, nothing on the third.
      assert.deepEqual(told, [['customer_id', 'note'], ['species']]);
      // A name the header cannot carry as it is (a comma, a line break, non-ASCII) is %-encoded.
      const odd = await postJson(base, { dataframe_records: [{ ...records[0], 'a,b': 1, 'x\ny': 2, 'prénom': 3 }] });
      assert.equal(odd.status, 200);
      assert.equal(odd.headers.get(IGNORED_COLUMNS_HEADER), 'a%2Cb, x%0Ay, pr%C3%A9nom');
    } finally {
      await server.close();
    }
  });

  it('lists at most 32 ignored columns in the header, and says how many more', () => {
    const many = Array.from({ length: 40 }, (_, i) => `c${i}`);
    assert.equal(columnList(many), `${many.slice(0, 32).join(', ')} (+8 more)`);
  });

  it('GET /version answers the RunLens version, as MLflow\'s scoring server answers its own', async () => {
    const r = await fetch(`${s.base}/version`);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), RUNLENS_VERSION);
  });

  it('answers the MLflow 1 content type (format=pandas-split) 415 with MLflow 2\'s explanation', async () => {
    const r = await fetch(`${s.base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json; format=pandas-split' },
      body: JSON.stringify({ columns, data: [] }) });
    const err = await errorOf(r, 415);
    assert.equal(err.error_code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(err.message, `Unrecognized content type parameters: format. ${SCORING_PROTOCOL_CHANGE_INFO}`);
  });

  it('answers 400 to malformed JSON, CSV, formats and values', async () => {
    const bad = await fetch(`${s.base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"instances": [' });
    assert.equal((await errorOf(bad, 400)).error_code, 'BAD_REQUEST');
    assert.match((await errorOf(await postJson(s.base, { rows: [] }), 400)).message, /dataframe_split/);
    assert.match((await errorOf(await postJson(s.base, { instances: [[1, 2]] }), 400)).message, /2 values but there are 4 columns/);
    const notNumber = await errorOf(await postJson(s.base, { dataframe_records: [{ ...records[0], sepal_length: 'tall' }] }), 400);
    assert.match(notNumber.message, /sepal_length.*"tall" is not a number/);
    const emptyCsv = await fetch(`${s.base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: '' });
    assert.equal((await errorOf(emptyCsv, 400)).error_code, 'BAD_REQUEST');
    const text = await fetch(`${s.base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    await errorOf(text, 415);
  });

  it('answers 404 to unknown paths and 405 to wrong methods, as JSON', async () => {
    assert.equal((await errorOf(await fetch(`${s.base}/predict`), 404)).error_code, 'ENDPOINT_NOT_FOUND');
    const get = await fetch(`${s.base}/invocations`);
    assert.equal((await errorOf(get, 405)).error_code, 'METHOD_NOT_ALLOWED');
    assert.equal(get.headers.get('allow'), 'POST');
    await errorOf(await fetch(`${s.base}/ping`, { method: 'POST', body: '{}' }), 405);
  });

  it('answers /ping and /health', async () => {
    assert.equal((await fetch(`${s.base}/ping`)).status, 200);
    const health = await fetch(`${s.base}/health`);
    assert.equal(health.status, 200);
    const h = await health.json() as Record<string, unknown>;
    assert.equal(h.status, 'ok');
    assert.equal(h.run_id, 'run-iris');
    assert.equal(h.task, 'classification');
    assert.deepEqual(h.inputs, columns);
    assert.deepEqual(h.classes, ['setosa', 'versicolor', 'virginica']);
    assert.ok(typeof h.uptime_seconds === 'number' && h.uptime_seconds >= 0);
  });

  it('exposes request, latency, class and feature metrics', async () => {
    const fresh = await serve(iris);
    try {
      const two = records.slice(0, 2);
      await (await postJson(fresh.base, { dataframe_records: two })).json();
      await (await postJson(fresh.base, { dataframe_records: two })).json();
      await (await fetch(`${fresh.base}/nope`)).text();
      const text = await (await fetch(`${fresh.base}/metrics`)).text();
      const value = (line: string): number => {
        const found = text.split('\n').find((l) => l.startsWith(`${line} `));
        assert.ok(found, `metric line ${line} in:\n${text}`);
        return Number(found.slice(line.length + 1));
      };
      assert.equal(value('runlens_serve_requests_total{method="POST",path="/invocations",status="200"}'), 2);
      assert.equal(value('runlens_serve_requests_total{method="GET",path="other",status="404"}'), 1);
      assert.equal(value('runlens_serve_request_duration_seconds_count{path="/invocations"}'), 2);
      assert.equal(value('runlens_serve_request_duration_seconds_bucket{path="/invocations",le="+Inf"}'), 2);
      const p = expected.slice(0, 2);
      for (const c of ['setosa', 'versicolor', 'virginica']) {
        assert.equal(value(`runlens_serve_predictions_total{class="${c}"}`), 2 * p.filter((x) => x === c).length);
      }
      const sl = two.map((r) => r.sepal_length as number);
      assert.equal(value('runlens_serve_feature_values_total{feature="sepal_length"}'), 4);
      assert.ok(Math.abs(value('runlens_serve_feature_sum{feature="sepal_length"}') - 2 * (sl[0] + sl[1])) < 1e-9);
      assert.ok(Math.abs(value('runlens_serve_feature_sum_squares{feature="sepal_length"}') - 2 * (sl[0] ** 2 + sl[1] ** 2)) < 1e-9);
      assert.match(text, /^# TYPE runlens_serve_request_duration_seconds histogram$/m);
    } finally {
      await fresh.server.close();
    }
  });
});

describe('model server (regression)', () => {
  it('serves the same values as the model, a value histogram, and refuses probabilities', async () => {
    const diabetes = await trainFixture('diabetes');
    const s = await serve(diabetes);
    try {
      const records = frameRecords(diabetes.data.testFrame, ['progression']);
      const expected = expectedPredictions(diabetes) as number[];
      const res = await postJson(s.base, { dataframe_split: { columns: Object.keys(records[0]), data: records.map((r) => Object.values(r)) } });
      assert.deepEqual(await res.json(), { predictions: expected });
      await errorOf(await postJson(s.base, { instances: records }, '?probabilities=true'), 400);
      const text = await (await fetch(`${s.base}/metrics`)).text();
      assert.match(text, new RegExp(`^runlens_serve_prediction_value_count ${expected.length}$`, 'm'));
      const le500 = expected.filter((v) => v <= 500).length;
      assert.match(text, new RegExp(`^runlens_serve_prediction_value_bucket\\{le="500"\\} ${le500}$`, 'm'));
    } finally {
      await s.server.close();
    }
  });
});

describe('model server limits and shutdown', () => {
  let iris: TrainedFixture;
  before(async () => {
    iris = await trainFixture('iris');
  });

  it('answers 413 to a body over the limit', async () => {
    const s = await serve(iris, 1024);
    try {
      const records = frameRecords(iris.data.testFrame, ['species']);
      const big = JSON.stringify({ dataframe_records: records });
      assert.ok(big.length > 1024);
      const res = await fetch(`${s.base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big });
      assert.equal((await errorOf(res, 413)).error_code, 'REQUEST_TOO_LARGE');
      const small = await postJson(s.base, { dataframe_records: records.slice(0, 3) });
      assert.equal(small.status, 200);
    } finally {
      await s.server.close();
    }
  });

  it('answers 413 to a chunked body that grows over the limit', async () => {
    const s = await serve(iris, 1024);
    try {
      const got = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: s.port, path: '/invocations', method: 'POST',
          headers: { 'Content-Type': 'application/json' } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        assert.equal(req.getHeader('content-length'), undefined);
        req.write('{"instances": [');
        req.end(`${'[1,2,3,4],'.repeat(200)}[1,2,3,4]]}`);
      });
      assert.equal(got.status, 413);
      assert.equal(JSON.parse(got.body).error_code, 'REQUEST_TOO_LARGE');
    } finally {
      await s.server.close();
    }
  });

  it('close() lets an in-flight request finish, then refuses new connections', async () => {
    const s = await serve(iris);
    const records = frameRecords(iris.data.testFrame, ['species']).slice(0, 5);
    const body = Buffer.from(JSON.stringify({ dataframe_records: records }));
    // Expect: 100-continue: the server's "100 Continue" says it has the request in hand; the body is sent
    // only after close() has started.
    let sendBody!: () => void;
    let inHand!: () => void;
    const received = new Promise<void>((resolve) => (inHand = resolve));
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: s.port, path: '/invocations', method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, Expect: '100-continue' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.on('continue', inHand);
      sendBody = () => req.end(body);
      req.flushHeaders();
    });
    await received;
    let closed = false;
    const closing = s.server.close().then(() => (closed = true));
    await assert.rejects(fetch(`${s.base}/ping`), 'no new connections once closing');
    assert.equal(closed, false, 'close waits for the in-flight request');
    sendBody();
    const got = await answer;
    assert.equal(got.status, 200);
    assert.deepEqual(JSON.parse(got.body), { predictions: expectedPredictions(iris).slice(0, 5) });
    await closing;
    assert.equal(closed, true);
  });
});
