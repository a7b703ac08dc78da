/**
 * `runlens import mlflow`, `export mlflow` and `server` from the CLI: the
 * commands in process through main() (fast), and the server end to end as a
 * real child process stopped with SIGTERM.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { spawnCli } from '../../../test/fixtures/workspace';
import { PARENT_ID, writeFileStoreFixture } from '../../mlflow/testing/mlflowFixtures';
import { RunStore } from '../../store/runStore';
import { tempDir } from '../../store/testing/tempStore';
import { main } from '../main';

async function cli(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, env: {}, interactive: false, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('import mlflow: summary line, idempotent second run, one-line errors', async (t) => {
  const dir = tempDir(t);
  writeFileStoreFixture(path.join(dir, 'mlruns'));
  const store = path.join(dir, '.runlens');
  const first = await cli(dir, ['--store', store, 'import', 'mlflow', 'mlruns']);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /^imported 3 runs from MLflow file store .*mlruns \(9 metric points, 3 artifacts\); skipped 0 already in the store, 1 deleted \(use --include-deleted\)\n$/);
  assert.match(first.err, /importing 4\/4: /, 'a final progress line');
  const second = await cli(dir, ['--store', store, 'import', 'mlflow', 'mlruns', '--json']);
  assert.deepEqual(
    (({ imported, skipped }) => ({ imported, skipped }))(JSON.parse(second.out) as { imported: number; skipped: number }),
    { imported: 0, skipped: 3 },
  );
  const s = RunStore.open(store, { readonly: true });
  assert.equal(s.getRun(PARENT_ID).name, 'sweep-parent');
  s.close();

  fs.writeFileSync(path.join(dir, 'mlruns', '1', PARENT_ID, 'meta.yaml'), 'run_id: x\nstatus: [\n');
  const bad = await cli(dir, ['--store', path.join(dir, 'other'), 'import', 'mlflow', 'mlruns']);
  assert.equal(bad.code, 1);
  const lastLine = bad.err.trimEnd().split('\n').pop()!;
  assert.match(lastLine, new RegExp(`^error: .*${PARENT_ID}/meta.yaml:\\d+:\\d+: malformed meta.yaml: .+$`));
  assert.ok(!bad.err.includes('    at '), 'no stack trace');
  const usage = await cli(dir, ['import', 'wandb', 'x']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /usage: runlens import mlflow/);
});

test('export mlflow writes a file store and says how to open it', async (t) => {
  const dir = tempDir(t);
  writeFileStoreFixture(path.join(dir, 'mlruns'));
  const store = path.join(dir, '.runlens');
  assert.equal((await cli(dir, ['--store', store, 'import', 'mlflow', 'mlruns'])).code, 0);
  const r = await cli(dir, ['--store', store, 'export', 'mlflow', 'out', '--experiment', 'iris']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^exported 2 runs in 1 experiment \(8 metric points, 2 artifacts\) to .*out\nopen it with: mlflow ui --backend-store-uri .*out\n$/);
  const expDir = fs.readdirSync(path.join(dir, 'out')).find((d) => fs.existsSync(path.join(dir, 'out', d, PARENT_ID)))!;
  assert.equal(fs.readFileSync(path.join(dir, 'out', expDir, PARENT_ID, 'metrics', 'loss'), 'utf8').split('\n')[0], '1700000000001 0.9 0');
  const bad = await cli(dir, ['--store', store, 'export', 'mlflow', 'out2', '--filter', 'metrics.loss >']);
  assert.equal(bad.code, 1);
  assert.ok(!bad.err.includes('    at '), 'no stack trace');
});

test('runlens server: a child process serving the tracking API, stopped by SIGTERM', async (t) => {
  const dir = tempDir(t);
  const store = path.join(dir, '.runlens');
  const child = spawnCli(dir, ['--store', store, 'server', '--port', '0']);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  t.after(() => {
    child.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const post = async (p: string, body: unknown) =>
    (await fetch(`${url}/api/2.0/mlflow/${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
  const exp = await post('experiments/create', { name: 'cli-exp' });
  const run = await post('runs/create', { experiment_id: exp.experiment_id, start_time: 5, run_name: 'from-client' });
  const runId = (run.run as { info: { run_id: string } }).info.run_id;
  await post('runs/log-metric', { run_id: runId, run_uuid: runId, key: 'loss', value: 0.5, timestamp: 6, step: 0 });
  await post('runs/update', { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: 7 });
  // Another process (the explorer, the CLI) sees the run while the server runs.
  const reader = RunStore.open(store, { readonly: true });
  const seen = reader.getRun(runId);
  assert.deepEqual([seen.experiment, seen.name, seen.status], ['cli-exp', 'from-client', 'finished']);
  assert.equal(reader.getMetricSummaries(runId)[0]!.latest, 0.5);
  reader.close();
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  assert.equal(await exit, 0);
  assert.match(out, /POST \/api\/2\.0\/mlflow\/runs\/create 200/);
  assert.match(out, /server stopped/);
});
