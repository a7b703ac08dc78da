/**
 * `runlens serve` end to end: train iris with the CLI, serve the run's stored
 * model package from the CLI, score rows over HTTP, stop with SIGTERM; the
 * request log's per-second cap (`--log-rate`) counted on the real file.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { makeWorkspace, runCli, spawnCli } from '../../../test/fixtures/workspace';

const ws = makeWorkspace();
after(() => ws.cleanup());

let trainedRun: string | undefined;
/** The iris run the tests serve, trained once with the CLI. */
function irisRun(): string {
  if (trainedRun) return trainedRun;
  const trained = runCli(ws.dir, ['train', 'iris.train.yaml', '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  trainedRun = JSON.parse(trained.stdout).id as string;
  return trainedRun;
}

/** `runlens serve` in a child process, once it listens. */
async function serve(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; out: () => string }> {
  const child = spawnCli(ws.dir, ['serve', ...args]);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (out += t));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    child.stdout.on('data', () => {
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', () => reject(new Error(`server exited: ${out}`)));
  });
  return { child, url, out: () => out };
}

test('serves the trained model: predictions equal the training-time predictions', async () => {
  const runId = irisRun();
  const { child, url, out } = await serve([runId.slice(0, 8), '--port', '0']);
  try {
    assert.equal((await fetch(`${url}/ping`)).status, 200);
    const rows = readFileSync(join(ws.dir, 'data', 'iris.csv'), 'utf8').trim().split('\n');
    const header = rows[0]!.split(',');
    const data = rows.slice(1, 151).map((r) => r.split(','));
    const body = { dataframe_split: { columns: header.slice(0, 4), data: data.map((r) => r.slice(0, 4).map(Number)) } };
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    const { predictions } = (await res.json()) as { predictions: string[] };
    assert.equal(predictions.length, 150);
    const accuracy = predictions.filter((p, i) => p === data[i]![4]).length / 150;
    assert.ok(accuracy > 0.9, `served accuracy ${accuracy}`);
    const bad = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: [{ sepal_length: 1 }] }) });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /petal_width/);
    const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await code, 0);
    assert.match(out(), /server stopped/);
  } finally {
    child.kill('SIGKILL');
  }
});

test('columns excluded at training and unknown ones are ignored, named in X-RunLens-Ignored-Columns, and said once in the server output', async () => {
  const rows = readFileSync(join(ws.dir, 'data', 'iris.csv'), 'utf8').trim().split('\n');
  ws.write('data/customers.csv', `${rows.map((r, i) => `${i === 0 ? 'customer_id' : `c${i}`},${r}`).join('\n')}\n`);
  ws.write('customers.train.yaml', ['experiment: customers', 'data:', '  path: data/customers.csv', '  target: species',
    '  features: { exclude: [customer_id] }', 'model:', '  type: decision_tree', '  params: { max_depth: 3, seed: 0 }', ''].join('\n'));
  const trained = runCli(ws.dir, ['train', 'customers.train.yaml', '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  const { child, url, out } = await serve([(JSON.parse(trained.stdout) as { id: string }).id, '--port', '0', '--no-request-log']);
  try {
    const header = rows[0]!.split(',').slice(0, 4);
    const records = rows.slice(1, 4).map((r, i) => ({ customer_id: `c${i + 1}`, ...Object.fromEntries(header.map((c, j) => [c, Number(r.split(',')[j])])), note: 'vip' }));
    const post = (body: unknown): Promise<Response> => fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (let i = 0; i < 2; i++) {
      const res = await post({ dataframe_records: records });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-runlens-ignored-columns'), 'customer_id, note');
      assert.deepEqual(Object.keys(await res.json() as object), ['predictions']);
    }
    const plain = await post({ dataframe_records: records.map(({ customer_id: _, note: __, ...r }) => r) });
    assert.equal(plain.headers.get('x-runlens-ignored-columns'), null);
    const said = out().split('\n').filter((l) => l.includes('ignoring'));
    assert.deepEqual(said, ['ignoring columns the model does not take: customer_id, note (said once; each response names them in X-RunLens-Ignored-Columns)']);
    const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await code, 0);
  } finally {
    child.kill('SIGKILL');
  }
});

test('a run without a model package is one clear error', () => {
  const r = runCli(ws.dir, ['serve', 'nosuchrun']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no model or run named "nosuchrun"/);
});

test('--log-rate caps the request log per second; --log-rate 0 logs every request; a bad value is one usage error', async () => {
  const runId = irisRun();
  const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
  const burst = async (url: string, n: number): Promise<void> => {
    const responses = await Promise.all(Array.from({ length: n }, () => fetch(`${url}/invocations`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: [row] }),
    })));
    assert.deepEqual(responses.map((r) => r.status), responses.map(() => 200));
  };
  /** Serves with `flags`, sends `n` requests at once, stops gracefully (which flushes the log) and returns the logged lines' times. */
  const loggedTimes = async (flags: string[], n: number): Promise<{ times: number[]; out: string; seconds: number }> => {
    const file = join(ws.dir, `rate-${flags.join('')}.jsonl`);
    const server = await serve([runId.slice(0, 8), '--port', '0', '--request-log', file, ...flags]);
    // The wall-clock seconds the burst touched (the server stamps its lines with the same clock): the
    // cap allows that many windows, however the burst falls on second boundaries.
    const from = Date.now();
    let to = from;
    try {
      await burst(server.url, n);
      const exited = new Promise((resolve) => server.child.on('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
      to = Date.now();
    } finally {
      server.child.kill('SIGKILL');
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ts: number; status: number });
    assert.ok(lines.every((l) => l.status === 200));
    return { times: lines.map((l) => l.ts), out: server.out(), seconds: Math.floor(to / 1000) - Math.floor(from / 1000) + 1 };
  };

  const capped = await loggedTimes(['--log-rate', '3'], 40);
  assert.match(capped.out, /logging requests to .*rate---log-rate3\.jsonl \(at most 3 requests a second\)/);
  const perSecond = new Map<number, number>();
  for (const ts of capped.times) perSecond.set(Math.floor(ts / 1000), (perSecond.get(Math.floor(ts / 1000)) ?? 0) + 1);
  assert.ok(capped.times.length >= 3, `at least one full second logged: ${capped.times.length}`);
  for (const [second, count] of perSecond) assert.ok(count <= 3, `${count} lines logged in second ${second}`);
  assert.ok(capped.times.length <= 3 * capped.seconds, `${capped.times.length} lines over the ${capped.seconds} s the burst took: at most 3 a second`);

  const all = await loggedTimes(['--log-rate=0'], 300);
  assert.match(all.out, /\(every request\)/);
  assert.equal(all.times.length, 300, 'every request logged, past the default 200 a second');

  // Before the store is opened or a port taken (other bad values: parseLogRate's unit test).
  const bad = runCli(ws.dir, ['serve', 'no-such-model', '--log-rate=-1']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.equal(bad.stderr.trim(), 'error: --log-rate expects a whole number of requests per second (0 logs every request), got "-1"');
});

test('a port in use is one line naming the port and the flag', async () => {
  const runId = irisRun();
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  after(() => blocker.close());
  const port = (blocker.address() as AddressInfo).port;
  const r = runCli(ws.dir, ['serve', runId.slice(0, 8), '--port', String(port), '--no-request-log']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^error: port ${port} on 127\\.0\\.0\\.1 is in use; pick another with --port\\n$`));
});
