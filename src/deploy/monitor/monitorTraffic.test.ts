/**
 * Issue #14: `runlens monitor` called drift "overall large" from 2 logged
 * rows. Below `MIN_DRIFT_ROWS` it says there is not enough traffic instead
 * of giving a verdict; at 100 rows the verdict is back. Real CLI: train
 * iris, serve it with a request log, send real requests far off the
 * training data, monitor once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { makeWorkspace, runCli, spawnCli } from '../../../test/fixtures/workspace';
import type { MonitorReport } from './monitorSample';
import { MIN_DRIFT_ROWS } from './inputDrift';

const ws = makeWorkspace();
const LOG = 'requests.jsonl';
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
let server: ChildProcessWithoutNullStreams | undefined;
let url = '';
let runId = '';
after(() => {
  server?.kill('SIGKILL');
  ws.cleanup();
});

before(async () => {
  const trained = runCli(ws.dir, ['train', 'iris.train.yaml', '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  runId = (JSON.parse(trained.stdout) as { id: string }).id;
  server = spawnCli(ws.dir, ['serve', runId, '--port', '0', '--request-log', LOG]);
  let out = '';
  server.stdout.setEncoding('utf8');
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    server!.stdout.on('data', (t: string) => {
      out += t;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
});

/** POSTs to /invocations on a fresh connection: a kept-alive one can be closed by the server while the monitor runs. */
function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/invocations`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `n` rows far from iris (every feature ×10) in one request and waits until the server has logged it. */
async function sendShifted(n: number): Promise<void> {
  const logged = () => (existsSync(join(ws.dir, LOG)) ? readFileSync(join(ws.dir, LOG), 'utf8').split('\n').filter(Boolean).length : 0);
  const before = logged();
  const data = Array.from({ length: n }, (_, i) => [50 + i % 7, 30, 40 + i % 5, 20]);
  assert.equal(await post(JSON.stringify({ dataframe_split: { columns: COLUMNS, data } })), 200);
  for (const end = Date.now() + 15_000; logged() === before && Date.now() < end;) await new Promise((res) => setTimeout(res, 50));
  assert.equal(logged(), before + 1);
}

const monitor = (json: boolean) => runCli(ws.dir, ['monitor', url, '--baseline', runId, '--request-log', LOG, '--once', '--interval', '0.2', ...(json ? ['--json'] : [])]);

test('2 logged rows: not enough traffic to judge drift, no verdict and no drift warnings', async () => {
  await sendShifted(2);
  const text = monitor(false);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^input drift: not enough traffic to judge drift \(2 rows\)$/m);
  assert.doesNotMatch(text.stdout, /overall|warning: .*drift/);
  const json = monitor(true);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as MonitorReport;
  assert.equal(report.drift, null);
  assert.equal(report.driftNote, 'not enough traffic to judge drift (2 rows)');
});

test(`${MIN_DRIFT_ROWS} logged rows: the verdict is back, and it is large`, async () => {
  await sendShifted(MIN_DRIFT_ROWS - 2);
  const r = monitor(true);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as MonitorReport;
  assert.equal(report.drift?.rows, MIN_DRIFT_ROWS, JSON.stringify(report));
  assert.equal(report.drift?.verdict, 'large');
});
