/**
 * The model registry from the real CLI: train the diabetes example twice,
 * register both runs, move aliases, delete the source run, then serve the
 * model by alias and check the predictions against the ones the run stored
 * at training time (its residuals.json rows), and the deployment record.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, makeWorkspace, runCli, spawnCli } from '../../../test/fixtures/workspace';
import type { CliResult } from '../../../test/fixtures/workspace';
import { main } from '../main';

const ws = makeWorkspace();
after(() => ws.cleanup());

/**
 * The CLI's own entry point in this process: the same parsing, store and
 * error printing as the binary, without paying a process start per command
 * (training, the first registration and serving do run as real processes).
 */
async function cli(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    cwd: ws.dir,
    env: cliEnv(ws.dir),
    interactive: false,
  });
  return { code, stdout, stderr };
}

function ok(r: CliResult): string {
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** Exit code `code`, one line on stderr matching `re`, no stack trace. */
function fails(r: CliResult, code: number, re: RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, re);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
}

interface Residuals { largest: { line: number; predicted: number }[] }

/** The training-time predictions a regression run stored: rows of the CSV (by line) and their predicted values. */
async function residualsOf(runId: string): Promise<Residuals> {
  const show = JSON.parse(ok(await cli(['show', runId, '--json']))) as { artifacts: { path: string; sha256: string }[] };
  const sha = show.artifacts.find((a) => a.path === 'residuals.json')!.sha256;
  return JSON.parse(readFileSync(join(ws.dir, '.runlens', 'artifacts', sha.slice(0, 2), sha), 'utf8')) as Residuals;
}

async function serverUrl(child: ReturnType<typeof spawnCli>, output: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output()}`)), 60_000);
    const check = () => {
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(output());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', () => reject(new Error(`server exited: ${output()}`)));
  });
}

test('register, alias, show, delete the source run, serve by alias: training-time predictions', async () => {
  const run1 = JSON.parse(ok(runCli(ws.dir, ['train', 'diabetes.train.yaml', '--json']))).id as string;
  const run2 = JSON.parse(ok(runCli(ws.dir, ['train', 'diabetes.train.yaml', '--json', '--set', 'model.params.alpha=200']))).id as string;
  const residuals = await residualsOf(run1);
  const other = await residualsOf(run2);

  assert.match(ok(runCli(ws.dir, ['model', 'register', run1.slice(0, 8), 'diabetes', '--description', 'ridge baseline', '--tag', 'owner=ml', '--alias', 'production'])),
    /^registered run \S+ \([0-9a-f]{8}\) as diabetes version 1 @production\n$/);
  assert.match(ok(await cli(['model', 'register', run2, 'diabetes'])), /as diabetes version 2\n$/);
  fails(await cli(['model', 'register', run2, 'diabetes']), 1, /is already registered as diabetes version 2/);
  fails(await cli(['model', 'register', run2, 'bad;name']), 1, /invalid model name "bad;name": contains ";"/);
  fails(await cli(['model', 'register', 'nosuchrun', 'diabetes']), 1, /no run matches "nosuchrun"/);

  assert.equal(ok(await cli(['model', 'alias', 'diabetes', '2', 'staging'])), 'diabetes@staging → version 2\n');
  assert.equal(ok(await cli(['model', 'alias', 'diabetes', 'v2', 'production'])), 'diabetes@production → version 2 (moved from version 1)\n');
  assert.equal(ok(await cli(['model', 'alias', 'diabetes', '1', 'production'])), 'diabetes@production → version 1 (moved from version 2)\n');
  fails(await cli(['model', 'alias', 'diabetes', '1', 'latest']), 1, /the alias "latest" is reserved/);
  fails(await cli(['model', 'alias', 'diabetes', '5', 'canary']), 1, /diabetes has no version 5 \(versions: 1, 2\)/);
  fails(await cli(['model', 'alias', 'diabetes', 'two', 'canary']), 2, /the version must be a whole number from 1/);
  assert.equal(ok(await cli(['model', 'unalias', 'diabetes', 'staging'])), 'removed diabetes@staging (was version 2)\n');
  assert.equal(ok(await cli(['model', 'update', 'diabetes', '--description', 'disease progression', '--tag', 'team=clinic', '--tag', 'x=1'])), 'diabetes: disease progression  [team=clinic x=1]\n');
  assert.equal(ok(await cli(['model', 'update', 'diabetes', '--untag', 'x'])), 'diabetes: disease progression  [team=clinic]\n');

  const models = JSON.parse(ok(await cli(['models', '--json'])));
  assert.equal(models.length, 1);
  assert.deepEqual(models[0].aliases, { production: 1 });
  assert.equal(models[0].description, 'disease progression');
  assert.deepEqual(models[0].tags, { team: 'clinic' });
  assert.equal(models[0].latestVersion, 2);
  assert.deepEqual(models[0].versions.map((v: { version: number; runId: string }) => [v.version, v.runId]), [[2, run2], [1, run1]]);
  assert.equal(models[0].versions[1].keyMetric.key, 'test_r2');
  assert.match(ok(await cli(['models'])), /diabetes\s+v1\s+@production\s+\S+ \([0-9a-f]{8}\)\s+test_r2=0\.\d{4}/);

  const v1 = JSON.parse(ok(await cli(['model', 'show', 'diabetes@production', '--json'])));
  assert.equal(v1.version, 1);
  assert.equal(v1.description, 'ridge baseline');
  assert.deepEqual(v1.tags, { owner: 'ml' });
  assert.match(v1.configPath, /diabetes\.train\.yaml$/);
  assert.deepEqual(v1.datasets.map((d: { role: string; path: string }) => [d.role, d.path]), [['train', 'data/diabetes.csv']]);
  assert.deepEqual(v1.builds, []);

  // The version outlives its source run: delete the run, collect garbage, serve it anyway.
  ok(await cli(['delete', run1]));
  ok(await cli(['gc']));
  assert.match(ok(await cli(['model', 'show', 'diabetes'])), /diabetes v1 {2}@production\n[\s\S]*source run +\S+ \([0-9a-f]{8}\) \[run deleted\]/);

  const child = spawnCli(ws.dir, ['serve', 'diabetes@production', '--port', '0']);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
  try {
    const url = await serverUrl(child, () => out);
    assert.match(out, /^diabetes v1 \(run \S+\)\n/);
    const lines = readFileSync(join(ws.dir, 'data', 'diabetes.csv'), 'utf8').split('\n');
    const columns = lines[0].split(',').slice(0, 10);
    const rows = residuals.largest.map((r) => lines[r.line - 1].split(',').slice(0, 10).map(Number));
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_split: { columns, data: rows } }) });
    assert.equal(res.status, 200);
    const { predictions } = (await res.json()) as { predictions: number[] };
    assert.equal(predictions.length, residuals.largest.length);
    predictions.forEach((p, i) => assert.ok(Math.abs(p - residuals.largest[i].predicted) < 1e-9, `row ${i}: served ${p}, trained ${residuals.largest[i].predicted}`));
    // And not version 2's model, which predicts differently.
    const v2Rows = other.largest.map((r) => lines[r.line - 1].split(',').slice(0, 10).map(Number));
    const res2 = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_split: { columns, data: v2Rows } }) });
    const served2 = ((await res2.json()) as { predictions: number[] }).predictions;
    assert.ok(served2.some((p, i) => Math.abs(p - other.largest[i].predicted) > 1e-3), 'version 2 would predict otherwise');

    const live = JSON.parse(ok(await cli(['model', 'show', 'diabetes:1', '--json']))).deployments;
    assert.equal(live.length, 1);
    assert.equal(live[0].url, url);
    assert.equal(live[0].pid, child.pid);
    assert.equal(live[0].stoppedAt, null);
    const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await code, 0);
  } finally {
    child.kill('SIGKILL');
  }
  const stopped = JSON.parse(ok(await cli(['model', 'show', 'diabetes:1', '--json']))).deployments;
  assert.ok(stopped[0].stoppedAt >= stopped[0].startedAt, 'the deployment is marked stopped on exit');

  fails(await cli(['serve', 'diabetes:9']), 1, /diabetes has no version 9 \(versions: 1, 2\)/);
  fails(await cli(['serve', 'diabetes@canary']), 1, /diabetes has no alias "canary" \(aliases: production → 1\)/);
  fails(await cli(['model', 'delete', 'diabetes@production']), 2, /model delete needs an explicit version, like diabetes:3 \(diabetes@production is version 1\)/);
  assert.equal(ok(await cli(['model', 'delete', 'diabetes:1'])), 'deleted diabetes version 1 (aliases removed: @production); version numbers are not reused\n');
  fails(await cli(['model', 'delete', 'diabetes:1']), 1, /diabetes has no version 1 \(versions: 2\)/);
  fails(await cli(['model', 'delete', 'diabetes']), 1, /diabetes still has versions 2; delete them first/);
  fails(await cli(['model', 'frobnicate']), 2, /unknown model command "frobnicate" \(commands: register, alias, unalias, show, update, delete\)/);
});
