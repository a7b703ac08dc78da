/**
 * `runlens serve` end to end: train iris with the CLI, serve the run's stored
 * model package from the CLI, score rows over HTTP, stop with SIGTERM.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, runCli, spawnCli } from '../../../test/fixtures/workspace';

const ws = makeWorkspace();
after(() => ws.cleanup());

test('serves the trained model: predictions equal the training-time predictions', async () => {
  const trained = runCli(ws.dir, ['train', 'iris.train.yaml', '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  const runId = JSON.parse(trained.stdout).id as string;
  const child = spawnCli(ws.dir, ['serve', runId.slice(0, 8), '--port', '0']);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
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
    assert.match(out, /server stopped/);
  } finally {
    child.kill('SIGKILL');
  }
});

test('a run without a model package is one clear error', () => {
  const r = runCli(ws.dir, ['serve', 'nosuchrun']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no model or run named "nosuchrun"/);
});
