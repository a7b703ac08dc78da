import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keepAliveLoad } from '../../http/testing/keepAliveLoad';
import { parseServeArgs } from './serveMain';
import { expectedPredictions, frameRecords, trainFixture } from './servingFixtures';
import type { TrainedFixture } from './servingFixtures';

describe('parseServeArgs', () => {
  it('reads the path and options', () => {
    assert.deepEqual(parseServeArgs(['m.json', '--port', '9000', '--host=0.0.0.0']), { modelPath: 'm.json', port: 9000, host: '0.0.0.0' });
    assert.deepEqual(parseServeArgs(['--max-body-bytes', '100', 'm.json']), { modelPath: 'm.json', maxBodyBytes: 100 });
  });

  it('rejects bad input with the usage', () => {
    assert.throws(() => parseServeArgs([]), /usage:/);
    assert.throws(() => parseServeArgs(['m.json', '--port', 'x']), /--port: "x" is not a valid number/);
    assert.throws(() => parseServeArgs(['m.json', '--port']), /--port needs a value/);
    assert.throws(() => parseServeArgs(['m.json', '--verbose']), /unknown option --verbose/);
  });

  it('reads the request log options', () => {
    assert.deepEqual(parseServeArgs(['m.json', '--request-log', 'r.jsonl', '--log-sample-rate', '0.5', '--log-max-mb=2']),
      { modelPath: 'm.json', requestLogFile: 'r.jsonl', logSampleRate: 0.5, logMaxBytes: 2 * 1024 * 1024 });
    assert.throws(() => parseServeArgs(['m.json', '--log-sample-rate', '2']), /--log-sample-rate expects a fraction between 0 and 1, got "2"/);
    assert.throws(() => parseServeArgs(['m.json', '--log-max-mb', '-1']), /--log-max-mb expects a positive number of MiB, got "-1"/);
    assert.deepEqual(parseServeArgs(['m.json', '--log-rate', '5']), { modelPath: 'm.json', logRate: 5 });
    assert.deepEqual(parseServeArgs(['m.json', '--log-rate=0']), { modelPath: 'm.json', logRate: 0 });
    assert.throws(() => parseServeArgs(['m.json', '--log-rate', 'many']), /^Error: --log-rate expects a whole number of requests per second \(0 logs every request\), got "many"\nusage:/);
  });
});

describe('serve entry (child process)', () => {
  let dir: string;
  let iris: TrainedFixture;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runlens-'));
    iris = await trainFixture('iris');
    writeFileSync(join(dir, 'model.json'), JSON.stringify(iris.pkg));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a model.json, logs each request and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'serveMain.ts'), join(dir, 'model.json'), '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out);
        if (m) resolve(m[1]);
      });
      void exited.then(() => reject(new Error(`exited early: ${out}${err}`)));
    });
    const records = frameRecords(iris.data.testFrame, ['species']).slice(0, 4);
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ instances: records }) });
    assert.deepEqual(await res.json(), { predictions: expectedPredictions(iris).slice(0, 4) });
    await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /POST \/invocations 200 [\d.]+ms rows=4/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, err);
    assert.match(out, /SIGTERM received/);
    assert.match(out, /server stopped/);
  });

  it('keep-alive clients scoring in a loop while SIGTERM stops it: no request is reset, none is lost from the log', async () => {
    const log = join(dir, 'requests.jsonl');
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'serveMain.ts'), join(dir, 'model.json'), '--port', '0', '--request-log', log, '--log-rate', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out);
        if (m) resolve(m[1]);
      });
      void exited.then(() => reject(new Error(`exited early: ${out}`)));
    });
    const body = JSON.stringify({ dataframe_records: frameRecords(iris.data.testFrame, ['species']).slice(0, 2) });
    const r = await keepAliveLoad({
      url,
      request: { method: 'POST', path: '/invocations', headers: { 'Content-Type': 'application/json' }, body },
      clients: 16,
      maxRequestsPerClient: 2000,
      trigger: { afterResponses: 200, fire: () => child.kill('SIGTERM') },
    });
    assert.equal(await exited, 0, out);
    assert.deepEqual(r.errors, { ECONNREFUSED: 16 }, 'every client found the port closed; none was cut off mid-request');
    assert.deepEqual(Object.keys(r.statuses), ['200']);
    // Every answered request was flushed to the request log before the process exited.
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, r.statuses[200]);
  });

  it('exits 1 with a message for a file that is not a model package', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"format": "other"}');
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'serveMain.ts'), join(dir, 'bad.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(err, /bad\.json: not a RunLens model package/);
  });
});
