/**
 * `runlens pull --models` through the real CLI against a real `mlflow
 * server` 2.12: models registered with MLflow's Python client come into
 * RunLens's registry (a version whose run has a RunLens model package),
 * the others are one skipped line each, aliases follow the server.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../cli/main';
import { RunStore } from '../../store/runStore';
import { irisPackage } from '../../store/testing/registryRuns';
import type { MlflowServer } from '../testing/realMlflow';
import { runMlflowPython, startMlflowServer } from '../testing/realMlflow';
import { sourceFolder } from './pullModels';

const REGISTER = String.raw`
import json, os, sys, mlflow
from mlflow import MlflowClient
mlflow.set_tracking_uri(sys.argv[1])
c = MlflowClient(sys.argv[1])
pkg_dir = sys.argv[2]
exp = c.create_experiment("registry")
hidden = c.create_experiment("hidden")
ids = {}
for name, with_pkg, e in [("a", True, exp), ("b", True, exp), ("c", False, exp), ("d", True, hidden)]:
    r = c.create_run(e, run_name=name)
    if with_pkg:
        c.log_artifact(r.info.run_id, os.path.join(pkg_dir, "model.json"), "model")
    else:
        c.log_text(r.info.run_id, "not a package", "model/notes.txt")
    c.set_terminated(r.info.run_id, "FINISHED")
    ids[name] = r.info.run_id
c.create_registered_model("iris-clf", tags={"team": "cv"}, description="the iris classifier")
for run in ["a", "c", "b"]:
    c.create_model_version("iris-clf", f"runs:/{ids[run]}/model", run_id=ids[run], tags={"from": run}, description=f"from {run}")
c.set_registered_model_alias("iris-clf", "champion", "3")
c.set_registered_model_alias("iris-clf", "old", "1")
c.set_registered_model_alias("iris-clf", "broken", "2")
c.create_registered_model("elsewhere")
c.create_model_version("elsewhere", f"runs:/{ids['d']}/model", run_id=ids["d"])
print(json.dumps(ids))
`;

interface CliResult {
  code: number;
  out: string;
  err: string;
}

async function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, env, interactive: false, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

test('a version\'s source folder: runs:/ and mlflow-artifacts: URIs, and none for another run or scheme', () => {
  assert.equal(sourceFolder({ source: 'runs:/abc/model', runId: 'abc' }), 'model');
  assert.equal(sourceFolder({ source: 'runs:/abc/sub/dir/', runId: 'abc' }), 'sub/dir');
  assert.equal(sourceFolder({ source: 'mlflow-artifacts:/3/abc/artifacts/model', runId: 'abc' }), 'model');
  assert.equal(sourceFolder({ source: 'runs:/other/model', runId: 'abc' }), undefined);
  assert.equal(sourceFolder({ source: 's3://bucket/model', runId: 'abc' }), undefined);
});

describe('runlens pull --models', () => {
  let server: MlflowServer;
  let ids: Record<string, string>;
  let work: string;
  let storeDir: string;

  before(async () => {
    server = await startMlflowServer();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-pull-models-'));
    fs.writeFileSync(path.join(work, 'model.json'), JSON.stringify(await irisPackage()));
    const r = await runMlflowPython(REGISTER, { args: [server.uri, work] });
    assert.equal(r.code, 0, r.stderr);
    ids = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
    // No store yet: pull is one of the commands that create it (a first pull into a new workspace).
    storeDir = path.join(work, '.runlens');
  });
  after(async () => {
    await server?.dispose();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('versions whose run has a RunLens package are registered, the rest skipped in one line each, aliases follow', async () => {
    assert.equal(fs.existsSync(storeDir), false);
    const r = await cli(work, ['--store', storeDir, 'pull', '--experiment', 'registry', '--models'], { MLFLOW_TRACKING_URI: server.uri });
    assert.equal(r.code, 0, r.err);
    assert.ok(fs.existsSync(path.join(storeDir, 'store.db')), 'the pull created the store');
    assert.match(r.out, /^pulled 3 runs from http:\/\/127\.0\.0\.1:\d+ \(3 new, 0 updated, 0 unchanged\): 0 params, \d+ tags, 0 metric points, 3 artifacts \(\d+ bytes\), 0 dataset inputs in \d+ requests\n/);
    assert.match(r.out, /\nmodels: 1 new, 2 versions registered, 0 already here, 2 aliases set, 3 skipped\n$/);
    const lines = r.err.trim().split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('pull ')).map((l) => l.replace(/: new .*/, '')), ['pull 1/3: registry · a', 'pull 2/3: registry · b', 'pull 3/3: registry · c']);
    assert.deepEqual(lines.filter((l) => l.startsWith('skipped: ')).sort(), [
      `skipped: elsewhere version 1: its run ${ids.d} is not in this store; pull it first`,
      `skipped: iris-clf version 2: run ${ids.c} has no RunLens model package (model/model.json)`,
      'skipped: iris-clf@broken: version 2 was not pulled',
    ]);
    const store = RunStore.open(storeDir);
    try {
      const model = store.registry.getModel('iris-clf');
      assert.equal(model.description, 'the iris classifier');
      assert.deepEqual(model.tags, { team: 'cv' });
      const versions = store.registry.listModelVersions('iris-clf').map((v) => ({ version: v.version, run: v.runId, aliases: v.aliases, tags: v.tags, description: v.description }));
      assert.deepEqual(versions, [
        { version: 2, run: ids.b, aliases: ['champion'], tags: { from: 'b' }, description: 'from b' },
        { version: 1, run: ids.a, aliases: ['old'], tags: { from: 'a' }, description: 'from a' },
      ]);
      assert.equal(store.registry.findModel('elsewhere'), undefined);
    } finally {
      store.close();
    }
  });

  test('a second pull registers nothing again; an alias moved on the server moves here', async () => {
    const same = await cli(work, ['--store', storeDir, 'pull', '--from', server.uri, '--experiment', 'registry', '--models', '--json']);
    assert.equal(same.code, 0, same.err);
    const json = JSON.parse(same.out) as { runsUnchanged: number; points: number; requests: number; models: { versionsNew: number; versionsUnchanged: number; aliasesSet: number } };
    assert.equal(json.runsUnchanged, 3);
    assert.equal(json.requests, 2, 'the experiment and the run search');
    assert.deepEqual([json.models.versionsNew, json.models.versionsUnchanged, json.models.aliasesSet], [0, 2, 0]);

    const moved = await runMlflowPython(`import sys, mlflow\nmlflow.MlflowClient(sys.argv[1]).set_registered_model_alias("iris-clf", "champion", "1")`, { args: [server.uri] });
    assert.equal(moved.code, 0, moved.stderr);
    const after = await cli(work, ['--store', storeDir, 'pull', '--from', server.uri, '--experiment', 'registry', '--models']);
    assert.equal(after.code, 0, after.err);
    assert.match(after.out, /: nothing new in 2 requests\nmodels: 0 new, 0 versions registered, 2 already here, 1 alias set, 3 skipped\n$/);
    const store = RunStore.open(storeDir);
    try {
      assert.deepEqual(store.registry.getModelVersionByAlias('iris-clf', 'champion').runId, ids.a);
    } finally {
      store.close();
    }
  });

  test('usage and server errors are one line', async () => {
    const none = await cli(work, ['--store', storeDir, 'pull']);
    assert.equal(none.code, 2);
    assert.equal(none.err, 'error: no tracking server: give --from http://host:port, or set MLFLOW_TRACKING_URI\n');
    const extra = await cli(work, ['--store', storeDir, 'pull', 'abc', '--from', server.uri]);
    assert.equal(extra.code, 2);
    assert.match(extra.err, /^error: unexpected argument "abc"; usage: runlens pull \[--from URI\]/);
    const exp = await cli(work, ['--store', storeDir, 'pull', '--from', server.uri, '--experiment', 'nope']);
    assert.equal(exp.code, 1);
    assert.match(exp.err, /^error: no experiment "nope" on http:\/\/127\.0\.0\.1:\d+\n$/);
    const bad = await cli(work, ['--store', storeDir, 'pull', '--from', server.uri, '--filter', 'metrics.acc >']);
    assert.equal(bad.code, 1);
    const runs = await cli(work, ['--store', storeDir, 'runs', '--filter', 'metrics.acc >']);
    assert.equal(bad.err, runs.err, 'the same message and pointer as runlens runs --filter');
    assert.match(bad.err, /^error: /);
  });
});
