import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from '../../core/data/frame';
import { createServer } from './modelServer';
import { DEFAULT_LOG_RATE, parseLogRate, RequestLog } from './requestLog';
import type { RequestLogLine } from './requestLog';
import { expectedPredictions, frameRecords, trainFixture } from './servingFixtures';
import type { TrainedFixture } from './servingFixtures';
import { loadModelForServing } from './servingModel';

const dir = mkdtempSync(join(tmpdir(), 'runlens-reqlog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function readLines(path: string): RequestLogLine[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RequestLogLine);
}

function frameOf(rows: number): Frame {
  return {
    rows,
    columns: [
      { name: 'x', type: 'numeric', values: Float64Array.from({ length: rows }, (_, i) => (i === 1 ? NaN : i)) },
      { name: 'c', type: 'categorical', values: Array.from({ length: rows }, (_, i) => (i === 2 ? null : `k${i % 3}`)) },
      { name: 'b', type: 'boolean', values: Float64Array.from({ length: rows }, (_, i) => i % 2) },
    ],
  };
}

describe('RequestLog', () => {
  it('samples at the given rate with a deterministic random source', async () => {
    const draws = [0.1, 0.9, 0.24, 0.25, 0.5, 0.01];
    const log = new RequestLog({ path: join(dir, 'sample.jsonl'), sampleRate: 0.25, random: () => draws.shift()! });
    assert.deepEqual(Array.from({ length: 6 }, () => log.sample()), [true, false, true, false, false, true]);
    await log.close();
    assert.throws(() => new RequestLog({ path: 'x', sampleRate: 1.5 }), /between 0 and 1, got 1.5/);
  });

  it('caps the logged requests per second whatever the sample rate', () => {
    let now = 5_000;
    const log = new RequestLog({ path: join(dir, 'cap.jsonl'), maxPerSecond: 3, now: () => now });
    assert.deepEqual(Array.from({ length: 5 }, () => log.sample()), [true, true, true, false, false]);
    now += 1000;
    assert.equal(log.sample(), true, 'a new second starts a new allowance');
  });

  it('a log rate of 0 logs every request; a rate that is not a whole number is refused', () => {
    const log = new RequestLog({ path: join(dir, 'nocap.jsonl'), maxPerSecond: 0, now: () => 7_000 });
    assert.equal(Array.from({ length: 1000 }, () => log.sample()).filter(Boolean).length, 1000);
    const capped = new RequestLog({ path: join(dir, 'defaultcap.jsonl'), now: () => 7_000 });
    assert.equal(Array.from({ length: 1000 }, () => capped.sample()).filter(Boolean).length, DEFAULT_LOG_RATE);
    assert.throws(() => new RequestLog({ path: 'x', maxPerSecond: -1 }), /whole number of requests per second \(0 = no limit\), got -1/);
    assert.throws(() => new RequestLog({ path: 'x', maxPerSecond: 2.5 }), /got 2\.5/);
  });

  it('parses --log-rate', () => {
    assert.equal(parseLogRate('0', ''), 0);
    assert.equal(parseLogRate('50', ''), 50);
    for (const bad of ['-1', '2.5', 'abc', '', '1e3', '0x10']) {
      assert.throws(() => parseLogRate(bad, 'usage: x'), (e: Error) => e.message === `--log-rate expects a whole number of requests per second (0 logs every request), got "${bad}"\nusage: x`);
    }
  });

  it('truncates inputs and predictions to the first N rows, missing values as null', async () => {
    const path = join(dir, 'trunc.jsonl');
    const log = new RequestLog({ path, maxRowsPerRequest: 4, now: () => 1234 });
    log.write({ ms: 1.23456, status: 200, rows: 10, frame: frameOf(10), predictions: Array.from({ length: 10 }, (_, i) => i * 10) });
    log.write({ ms: 0.5, status: 400, rows: 0, error: 'MALFORMED_REQUEST' });
    assert.equal(existsSync(path), false, 'write() only buffers; the disk is touched later');
    await log.close();
    const [scored, failed] = readLines(path);
    assert.deepEqual(scored, {
      ts: 1234, ms: 1.235, status: 200, rows: 10, truncated: true,
      inputs: { x: [0, null, 2, 3], c: ['k0', 'k1', null, 'k0'], b: [false, true, false, true] },
      predictions: [0, 10, 20, 30],
    });
    assert.deepEqual(failed, { ts: 1234, ms: 0.5, status: 400, rows: 0, error: 'MALFORMED_REQUEST' });
  });

  it('rotates to <file>.1 past the size limit, keeping one old file', async () => {
    const path = join(dir, 'rotate.jsonl');
    const log = new RequestLog({ path, maxBytes: 600 });
    const lineBytes = (): number => statSync(path).size;
    for (let i = 0; i < 30; i++) {
      log.write({ ms: i, status: 200, rows: 3, frame: frameOf(3), predictions: [i, i, i] });
      await log.flush();
    }
    await log.close();
    assert.ok(lineBytes() <= 600, `current file ${lineBytes()} bytes`);
    assert.ok(statSync(`${path}.1`).size <= 600);
    assert.equal(existsSync(`${path}.2`), false);
    const current = readLines(path);
    const old = readLines(`${path}.1`);
    assert.equal(current[current.length - 1].ms, 29, 'the newest line is in the current file');
    assert.equal(old[old.length - 1].ms + 1, current[0].ms, 'the old file ends where the current one starts');
    assert.ok(current.length + old.length < 30, 'older lines were dropped');
  });

  it('reports an unwritable log once and then drops lines', async () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const errors: string[] = [];
    const log = new RequestLog({ path: join(blocker, 'log.jsonl'), onError: (m) => errors.push(m) });
    for (let i = 0; i < 3; i++) {
      log.write({ ms: 1, status: 200, rows: 1 });
      await log.flush();
    }
    await log.close();
    assert.equal(errors.length, 1);
    assert.match(errors[0], /request log .*not-a-dir\/log\.jsonl cannot be written \(.*\); serving continues without it/);
    assert.equal(log.sample(), false);
  });
});

describe('request logging in the model server', () => {
  let iris: TrainedFixture;
  before(async () => {
    iris = await trainFixture('iris');
  });

  async function post(base: string, body: string): Promise<number> {
    const res = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    await res.arrayBuffer();
    return res.status;
  }

  it('logs each scored request with its inputs and predictions, and failed ones with their error code', async () => {
    const path = join(dir, 'serve', 'iris-1.jsonl');
    const log = new RequestLog({ path });
    const server = createServer(loadModelForServing(iris.pkg), { port: 0, requestLog: log });
    const { port } = await server.listen();
    const base = `http://127.0.0.1:${port}`;
    const records = frameRecords(iris.data.testFrame, ['species']);
    try {
      assert.equal(await post(base, JSON.stringify({ dataframe_records: records.slice(0, 5) })), 200);
      assert.equal(await post(base, '{"instances": ['), 400);
      assert.equal(await post(base, JSON.stringify({ dataframe_records: records.slice(5, 7) })), 200);
      await (await fetch(`${base}/metrics`)).text(); // not an /invocations request: not logged
    } finally {
      await server.close();
      await log.close();
    }
    const lines = readLines(path);
    assert.deepEqual(lines.map((l) => [l.status, l.rows, l.error]), [[200, 5, undefined], [400, 0, 'BAD_REQUEST'], [200, 2, undefined]]);
    const expected = expectedPredictions(iris);
    assert.deepEqual(lines[0].predictions, expected.slice(0, 5));
    assert.deepEqual(lines[2].predictions, expected.slice(5, 7));
    for (const c of iris.pkg.inputColumns) assert.deepEqual(lines[0].inputs![c], records.slice(0, 5).map((r) => r[c]));
    assert.equal(lines[1].inputs, undefined);
    assert.ok(lines.every((l) => l.ms > 0 && l.ts > 0));
  });

  it('refused requests (foreign Host, no or wrong Content-Type, wrong method) answer their error and are not logged', async () => {
    const path = join(dir, 'serve', 'refused.jsonl');
    const log = new RequestLog({ path });
    const server = createServer(loadModelForServing(iris.pkg), { port: 0, requestLog: log });
    const { port } = await server.listen();
    const good = JSON.stringify({ dataframe_records: frameRecords(iris.data.testFrame, ['species']).slice(0, 1) });
    const send = (method: string, headers: Record<string, string>, body?: string) => new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/invocations', method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as unknown }));
      });
      req.on('error', reject);
      req.end(body);
    });
    try {
      assert.deepEqual(await send('POST', { Host: `rebound.example:${port}`, 'Content-Type': 'application/json' }, good), { status: 403, body: {
        error_code: 'PERMISSION_DENIED', message: `Host "rebound.example:${port}" is not allowed; runlens serve on a loopback address answers localhost, 127.0.0.1 and [::1]`,
      } });
      // A page's no-cors POST: no Content-Type (a Blob body), or text/plain.
      assert.deepEqual(await send('POST', {}, good), { status: 415, body: {
        error_code: 'UNSUPPORTED_MEDIA_TYPE', message: 'the request has no Content-Type; send application/json or text/csv',
      } });
      assert.deepEqual(await send('POST', { 'Content-Type': 'text/plain;charset=UTF-8' }, good), { status: 415, body: {
        error_code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content type "text/plain" is not supported; send application/json or text/csv',
      } });
      assert.deepEqual(await send('POST', { 'Content-Type': 'application/json; charset=latin-1' }, good), { status: 415, body: {
        error_code: 'UNSUPPORTED_MEDIA_TYPE', message: 'charset "latin-1" is not supported; send UTF-8',
      } });
      assert.equal((await send('GET', {})).status, 405);
      assert.equal((await send('POST', { 'Content-Type': 'application/json; charset=utf-8' }, good)).status, 200);
    } finally {
      await server.close();
      await log.close();
    }
    assert.deepEqual(readLines(path).map((l) => [l.status, l.rows]), [[200, 1]], 'only the scored request');
  });

  it('keeps serving when the log cannot be written', async () => {
    const blocker = join(dir, 'blocker-file');
    writeFileSync(blocker, 'x');
    const errors: string[] = [];
    const log = new RequestLog({ path: join(blocker, 'log.jsonl'), flushMs: 1, onError: (m) => errors.push(m) });
    const server = createServer(loadModelForServing(iris.pkg), { port: 0, requestLog: log });
    const { port } = await server.listen();
    const body = JSON.stringify({ dataframe_records: frameRecords(iris.data.testFrame, ['species']).slice(0, 2) });
    try {
      for (let i = 0; i < 5; i++) {
        assert.equal(await post(`http://127.0.0.1:${port}`, body), 200);
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      await server.close();
      await log.close();
    }
    assert.equal(errors.length, 1, errors.join('\n'));
  });
});
