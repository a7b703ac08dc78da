/**
 * `runlens runs|show|compare|metrics --server` through the real CLI against a
 * real `mlflow server` 2.12, compared with the same mlflow.db imported into a
 * workspace store by `runlens import mlflow`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../../test/fixtures/workspace';
import type { MlflowCorpus } from '../../tracking/testing/mlflowCorpus';
import { startMlflowCorpus } from '../../tracking/testing/mlflowCorpus';

describe('runlens --server against a real MLflow server', () => {
  let corpus: MlflowCorpus;
  let empty: string;
  let imported: string;

  before(async () => {
    corpus = await startMlflowCorpus();
    empty = mkdtempSync(path.join(tmpdir(), 'runlens-server-cli-'));
    imported = mkdtempSync(path.join(tmpdir(), 'runlens-server-cli-'));
    const r = runCli(imported, ['import', 'mlflow', corpus.dbFile]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    for (const d of [empty, imported]) if (d) rmSync(d, { recursive: true, force: true });
    await corpus?.dispose();
  });

  const ids = (stdout: string) => (JSON.parse(stdout) as { id: string }[]).map((r) => r.id);

  test('runs --server lists what runs lists for the imported store, filtered and sorted alike', () => {
    for (const args of [
      ['--filter', "params.model = 'tree' or tags.team = 'nlp'", '--sort', 'metrics.acc DESC', '--all'],
      ['--filter', "not (params.lr > 0.01 or metrics.loss IS NULL)", '--all'],
      ['--experiment', 'alpha', '--limit', '3'],
      ['--sort', 'params.depth DESC'],
    ]) {
      const remote = runCli(empty, ['runs', '--json', '--server', corpus.server.uri, ...args]);
      const local = runCli(imported, ['runs', '--json', ...args]);
      assert.equal(remote.code, 0, remote.stderr);
      assert.ok(ids(local.stdout).length > 0, args.join(' '));
      assert.deepEqual(ids(remote.stdout), ids(local.stdout), args.join(' '));
    }
    assert.ok(!existsSync(path.join(empty, '.runlens')), 'reading a server creates no store');
    const table = runCli(empty, ['runs', '--server', corpus.server.uri, '--experiment', 'gamma ünï']);
    assert.match(table.stdout, /^id\s+experiment\s+name\s+status\s+model\s+acc\s+started$/m);
    assert.match(table.stdout, /gamma ünï\s+g2\s+killed\s+knn\s+0\.6/);
  });

  test('show, compare and metrics --server; --server env reads $MLFLOW_TRACKING_URI', () => {
    const env = { MLFLOW_TRACKING_URI: corpus.server.uri };
    const show = runCli(empty, ['show', 'a-tree', '--server', 'env'], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`^a-tree  \\(${corpus.ids['a-tree']}\\)\nexperiment  alpha\nstatus      finished\n`));
    assert.match(show.stdout, /^user {8}\S+$/m);
    assert.match(show.stdout, /^acc\s+0\.9100\s+0\.5000\s+0\.9100\s+2$/m, 'min, max and steps from the history');
    assert.match(show.stdout, /^notes\/résumé\.txt\s+file\s+17\s*$/m);
    const json = JSON.parse(runCli(empty, ['show', corpus.ids['élan']!, '--json', '--server', corpus.server.uri]).stdout) as Record<string, unknown>;
    assert.equal(json.gitCommit, 'abc123');
    assert.equal(json.experimentKey, undefined, 'a numeric experiment id needs no key');
    assert.equal(typeof json.user, 'string');

    const cmp = JSON.parse(runCli(empty, ['compare', 'a-tree', 'a-mlp', '--only-changed', '--json', '--server', corpus.server.uri]).stdout) as { params: Record<string, string[]> };
    assert.deepEqual(cmp.params.model, ['tree', 'mlp']);
    const csv = runCli(empty, ['metrics', 'g1', 'acc', '--csv', '--server', corpus.server.uri]);
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split('\n');
    assert.equal(lines.length, 301);
    assert.equal(lines[138], `137,${1_700_000_000_000 + 9000 + 1 + 137},0.937`);
    const missing = runCli(empty, ['metrics', 'a-tree', 'nope', '--server', corpus.server.uri]);
    assert.deepEqual([missing.code, missing.stderr], [1, 'error: run a-tree has no metric "nope" (it has: acc, loss)\n']);
  });

  test('failures are one line: an unreachable server, no $MLFLOW_TRACKING_URI, a field MLflow lacks', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const away = runCli(empty, ['runs', '--server', `http://127.0.0.1:${port}`], { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' });
    assert.deepEqual([away.code, away.stderr], [1, `error: http://127.0.0.1:${port} is not reachable (api/2.0/mlflow/experiments/search): ECONNREFUSED\n`]);
    const noEnv = runCli(empty, ['runs', '--server', 'env'], { MLFLOW_TRACKING_URI: '' });
    assert.deepEqual([noEnv.code, noEnv.stderr], [2, 'error: --server env: MLFLOW_TRACKING_URI is not set (or give the server: --server http://host:5000)\n']);
    const notHttp = runCli(empty, ['show', 'x', '--server', 'file:./mlruns']);
    assert.deepEqual([notHttp.code, notHttp.stderr], [2, 'error: --server: "file:./mlruns" is not an http(s) tracking server URI\n']);
    const rows = runCli(empty, ['runs', '--server', corpus.server.uri, '--filter', 'datasets.rows > 100']);
    assert.equal(rows.code, 1);
    assert.match(rows.stderr, /^error: datasets\.rows cannot be filtered on an MLflow server: MLflow records no row or column counts/);
    const nobody = runCli(empty, ['show', 'nobody', '--server', corpus.server.uri]);
    assert.deepEqual([nobody.code, nobody.stderr], [1, `error: no run on ${corpus.server.uri} matches "nobody" (give a run id, an id prefix of 4+ characters, or a run name)\n`]);
  });
});
