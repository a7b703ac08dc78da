/**
 * Bad input against one real server (port 0): every case is answered with a
 * JSON error body and the right status, and the same server then still
 * answers a good request and /ping (it keeps serving).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer } from './modelServer';
import type { ModelServer } from './modelServer';
import { expectedPredictions, frameRecords, trainFixture } from './servingFixtures';
import type { TrainedFixture } from './servingFixtures';
import { loadModelForServing } from './servingModel';

const LIMIT = 4096;

describe('bad input: a clear JSON error, and the server keeps serving', () => {
  let iris: TrainedFixture;
  let server: ModelServer;
  let base: string;
  let records: Record<string, unknown>[];
  let good: string;

  before(async () => {
    iris = await trainFixture('iris');
    server = createServer(loadModelForServing(iris.pkg), { port: 0, maxBodyBytes: LIMIT });
    base = `http://127.0.0.1:${(await server.listen()).port}`;
    records = frameRecords(iris.data.testFrame, ['species']);
    good = JSON.stringify({ dataframe_records: records.slice(0, 3) });
  });
  after(() => server.close());

  async function post(body: string, contentType = 'application/json'): Promise<Response> {
    return fetch(`${base}/invocations`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  }

  /** Asserts the error body, then that a good request and /ping still work. */
  async function expectError(res: Response, status: number, code: string, message: RegExp): Promise<Record<string, unknown>> {
    assert.equal(res.status, status);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = await res.json() as Record<string, unknown>;
    assert.equal(body.error_code, code);
    assert.match(String(body.message), message);
    const after = await post(good);
    assert.equal(after.status, 200, 'the next good request is served');
    assert.deepEqual(await after.json(), { predictions: expectedPredictions(iris).slice(0, 3) });
    assert.equal((await fetch(`${base}/ping`)).status, 200);
    return body;
  }

  it('malformed JSON: 400 BAD_REQUEST', async () => {
    await expectError(await post('{"dataframe_records": [{"sepal_length": 5.1,'), 400, 'BAD_REQUEST', /the body is not valid JSON/);
  });

  it('a wrong content type: 415 naming the type and what to send', async () => {
    await expectError(await post('sepal_length=5.1', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE',
      /content type "application\/x-www-form-urlencoded" is not supported; send application\/json or text\/csv/);
  });

  it('a body over the limit: 413 naming the limit', async () => {
    const big = JSON.stringify({ dataframe_records: Array.from({ length: 10 }, () => records).flat() });
    assert.ok(big.length > LIMIT);
    await expectError(await post(big), 413, 'REQUEST_TOO_LARGE', new RegExp(`exceeds the limit of ${LIMIT} bytes`));
  });

  it('a bare NaN (as Python\'s json.dumps writes it): 400 saying to send null', async () => {
    const body = good.replace(/("sepal_length":)[^,]+/, '$1NaN');
    assert.match(body, /"sepal_length":NaN/);
    await expectError(await post(body), 400, 'BAD_REQUEST', /NaN is not a JSON value; send null for a missing value/);
  });

  it('Infinity in a numeric feature (1e400 or "inf"): 400 naming row and column', async () => {
    const overflow = JSON.stringify({ dataframe_records: records.slice(0, 2) }).replace(/("petal_width":)[^,}]+/, '$11e400');
    await expectError(await post(overflow), 400, 'INVALID_PARAMETER_VALUE', /row 1, column "petal_width": Infinity is not a finite number/);
    const csv = `sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5.0,-inf,1.4,0.2\n`;
    await expectError(await post(csv, 'text/csv'), 400, 'INVALID_PARAMETER_VALUE', /row 2, column "sepal_width": -Infinity is not a finite number/);
  });

  it('a string in a numeric feature: 400 naming the record, column and value', async () => {
    const body = JSON.stringify({ dataframe_records: [records[0], { ...records[1], sepal_width: 'wide' }] });
    await expectError(await post(body), 400, 'INVALID_PARAMETER_VALUE', /record 2, column "sepal_width": "wide" is not a number/);
  });

  it('null and "NaN" are missing values: imputed as at training, not an error', async () => {
    const res = await post(JSON.stringify({ dataframe_records: [{ ...records[0], sepal_length: null }, { ...records[0], sepal_length: 'NaN' }] }));
    assert.equal(res.status, 200);
    const { predictions } = await res.json() as { predictions: unknown[] };
    const model = loadModelForServing(iris.pkg);
    const want = model.predict([{ ...records[0], sepal_length: null }]);
    assert.deepEqual(predictions, [want[0], want[0]]);
  });

  it('a missing column: 400 listing it', async () => {
    const body = JSON.stringify({ dataframe_split: { columns: ['sepal_length', 'sepal_width', 'petal_length'], data: [[5.1, 3.5, 1.4]] } });
    const err = await expectError(await post(body), 400, 'INVALID_PARAMETER_VALUE', /missing column "petal_width"/);
    assert.deepEqual(err.missing_columns, ['petal_width']);
  });

  it('an extra column is ignored, as MLflow does: the same prediction as without it', async () => {
    const withExtra = await post(JSON.stringify({ dataframe_records: [{ ...records[0], id: 7 }] }));
    const without = await post(JSON.stringify({ dataframe_records: [records[0]] }));
    assert.equal(withExtra.status, 200);
    assert.deepEqual(await withExtra.json(), await without.json());
  });

  it('a JSON body in no scoring format: 400 listing the formats', async () => {
    await expectError(await post('[1, 2, 3]'), 400, 'BAD_REQUEST', /dataframe_split, dataframe_records, instances, inputs/);
  });
});
