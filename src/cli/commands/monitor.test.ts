/**
 * `runlens monitor` end to end: train iris with the CLI, register it, serve
 * it with `runlens serve --request-log`, send real traffic, and read the
 * monitor's figures and input drift from `--once --json`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../worker/command/commandTesting';
import { freePort } from '../../http/testing/freePort';
import { RunStore } from '../../store/runStore';
import { main } from '../main';
import { cliEnv, makeWorkspace, runCli, spawnCli } from '../../../test/fixtures/workspace';
import type { MonitorReport } from '../../deploy/monitor/monitorSample';

const ws = makeWorkspace();
let server: ChildProcessWithoutNullStreams | undefined;
after(() => {
  server?.kill('SIGKILL');
  ws.cleanup();
});

const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const irisRows = (): number[][] => readFileSync(join(ws.dir, 'data', 'iris.csv'), 'utf8').trim().split('\n').slice(1)
  .map((line) => line.split(',').slice(0, 4).map(Number));

function score(url: string, data: number[][]): Promise<number> {
  return fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_split: { columns: COLUMNS, data } }) })
    .then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
}

/** The CLI's entry in this process: the error cases need no child process. */
async function cliInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd: ws.dir, env: cliEnv(ws.dir), interactive: false,
    out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** Runs the CLI without blocking this process (so it can send traffic meanwhile); resolves on exit. */
function cliAsync(args: string[], whileRunning?: () => Promise<void>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(ws.dir, args);
  let stdout = '';
  let stderr = '';
  let done = false;
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    done = true;
    resolve(code);
  }));
  const traffic = (async () => {
    while (whileRunning && !done) await whileRunning();
  })();
  return Promise.all([exited, traffic]).then(([code]) => ({ code, stdout, stderr }));
}

describe('runlens monitor', () => {
  let runId: string;
  let url: string;
  const log = join('serving', 'iris-1.jsonl');

  before(async () => {
    const trained = runCli(ws.dir, ['train', 'iris.train.yaml', '--json']);
    assert.equal(trained.code, 0, trained.stderr);
    runId = JSON.parse(trained.stdout).id as string;
    const store = RunStore.open(join(ws.dir, '.runlens'));
    try {
      store.registry.registerModel(runId, 'iris', { alias: 'production' });
    } finally {
      store.close();
    }
    // --log-rate 0: every request is logged, so a test's rows never wait for a fresh second's quota
    // (the cap itself: requestLog.test.ts on an injected clock, serve.test.ts through the flag).
    server = spawnCli(ws.dir, ['serve', runId, '--port', '0', '--request-log', log, '--log-rate', '0']);
    let out = '';
    server.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
      server!.stdout.on('data', () => {
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
  });

  it('--once --json: traffic, latency and no drift for rows from the training data', async () => {
    const rows = irisRows();
    let sent = 0;
    let good = 0;
    const r = await cliAsync(['monitor', url, '--baseline', runId, '--request-log', log, '--once', '--json', '--interval', '1.5', '--window', '150'], async () => {
      // Every fifth request is bad input: it counts as an error. The good ones cycle through the
      // file in thirds (the log keeps 100 rows per request), so any three in a row hold all 150 rows.
      if (sent++ % 5 === 4) {
        assert.equal(await score(url, [[1, 2]]), 400);
      } else {
        const third = good++ % 3;
        assert.equal(await score(url, rows.slice(50 * third, 50 * third + 50)), 200);
      }
    });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as MonitorReport;
    const f = report.figures;
    assert.ok(f.requests > 0 && f.requests <= sent, `${f.requests} requests of ${sent}`);
    assert.ok(Math.abs(f.requestsPerSecond - f.requests / f.seconds) < 1e-9);
    assert.ok(f.seconds >= 1.4, `interval ${f.seconds}: at least the 1.5 s asked for`);
    assert.ok(f.errorRate !== null && f.errorRate > 0 && f.errorRate < 0.5, `error rate ${f.errorRate}`);
    assert.ok(f.latencyMs.p50! > 0 && f.latencyMs.p50! <= f.latencyMs.p95! && f.latencyMs.p95! <= f.latencyMs.p99!);
    assert.equal(f.model?.runId, runId);
    assert.equal(report.baseline.runId, runId);
    assert.equal(report.baseline.dataset, 'data/iris.csv');
    const drift = report.drift!;
    assert.equal(drift.rows, 150);
    assert.deepEqual(drift.features.map((x) => x.feature), COLUMNS);
    // The window is exactly the training file's rows: the same histogram, PSI 0.
    for (const x of drift.features) assert.ok(x.psi!.value < 1e-9 && x.psi!.verdict === 'none', `${x.feature} ${x.psi!.value}`);
    assert.equal(drift.verdict, 'none');
    assert.deepEqual(report.warnings.filter((w) => w.includes('drift')), []);
  });

  it('finds large drift in shifted inputs through an alias and the deployment\'s request log, as a table', async () => {
    const shifted = irisRows().map(([sl, sw, pl, pw]) => [sl! + 3, sw!, pl! * 2, pw!]);
    const lines = () => readFileSync(join(ws.dir, log), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { inputs?: { sepal_length?: number[] } });
    for (let i = 0; i < 150; i += 50) assert.equal(await score(url, shifted.slice(i, i + 50)), 200);
    // The server appends its log off the response path, in the order the responses finished, so the
    // lines of the test before (done before these were sent) come first: the last three are these requests.
    const ours = (): boolean => lines().slice(-3).map((l) => l.inputs?.sepal_length?.[0])
      .every((v, k) => v === shifted[50 * k]![0]);
    await waitFor(ours, 'the three shifted requests to be the last lines of the request log', 60_000);
    const store = RunStore.open(join(ws.dir, '.runlens'));
    try {
      // No --request-log: the monitor finds it on the store's deployment record for this URL.
      store.registry.addDeployment({ name: 'iris', version: 1, kind: 'local', url: `${url}/invocations`, requestLog: join(ws.dir, log) });
    } finally {
      store.close();
    }
    const r = await cliAsync(['monitor', url, '--baseline', 'iris@production', '--once', '--interval', '0.2', '--window', '150']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /baseline iris v1 \(data\/iris\.csv\)/);
    assert.match(r.stdout, /requests\/s\s+error rate\s+p50\s+p95\s+p99/);
    assert.match(r.stdout, /input drift: 150 live rows from 3 requests vs the training data · overall large/);
    assert.match(r.stdout, /^\s+sepal_length\s+numeric\s+150\s+0\s+\d+\.\d{3}\s+large/m);
    assert.match(r.stdout, /^\s+sepal_width\s+numeric\s+150\s+0\s+0\.000\s+none/m);
    assert.match(r.stdout, /^warning: sepal_length: large drift \(PSI \d+\.\d{3} over 150 live values\)$/m);
    assert.match(r.stdout, /^warning: petal_length: large drift/m);
    assert.doesNotMatch(r.stdout, /warning: sepal_width/);
  });

  it('an unknown alias or version is one clear error', async () => {
    const alias = await cliInProcess(['monitor', url, '--baseline', 'iris@staging', '--once']);
    assert.equal(alias.code, 1);
    assert.match(alias.stderr, /^error: .*staging.*production/);
    assert.doesNotMatch(alias.stderr, /\n\s+at /, 'no stack trace');
    const version = await cliInProcess(['monitor', url, '--baseline', 'iris:7', '--once']);
    assert.equal(version.code, 1);
    assert.match(version.stderr, /^error: .*7/);
    assert.match(version.stderr, /\b1\b/, 'names the versions that exist');
  });

  it('an unreachable server or a bad URL is one clear error', async () => {
    const port = await freePort();
    const down = await cliInProcess(['monitor', `http://127.0.0.1:${port}`, '--baseline', runId, '--once', '--interval', '0.1']);
    assert.equal(down.code, 1);
    assert.equal(down.stderr, `error: cannot reach http://127.0.0.1:${port}/metrics: ECONNREFUSED\n`);
    const bad = await cliInProcess(['monitor', 'ftp://x', '--baseline', runId, '--once']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"ftp:\/\/x" is not an http\(s\) URL/);
    const usage = await cliInProcess(['monitor', url]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: runlens monitor <url> --baseline/);
  });
});
