import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../core/util/errors';
import { StoreError } from './errors';
import { RunStore } from './runStore';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from './schema';
import { irisPackage, trainedRun } from './testing/registryRuns';
import { tempDir, tempStore } from './testing/tempStore';

const storeError = (re: RegExp) => (e: unknown) => e instanceof StoreError && re.test(e.message);

test('register gives increasing versions with the run, package and lineage', async (t) => {
  const { store, clock } = tempStore(t);
  const a = await trainedRun(store, { name: 'first' });
  const b = await trainedRun(store, { name: 'second' });
  const v1 = store.registry.registerModel(a.id, 'churn', { description: 'baseline', tags: { team: 'ml' } });
  clock.advance(1000);
  const v2 = store.registry.registerModel(b.id, 'churn', { alias: 'staging' });
  const pkgSha = store.listArtifacts(a.id).find((x) => x.path === 'model/model.json')!.sha256;
  assert.deepEqual(v1, {
    name: 'churn', version: 1, runId: a.id, description: 'baseline', tags: { team: 'ml' }, createdAt: clock.t - 1000,
    aliases: [], packageSha256: pkgSha, runName: 'first', experiment: 'iris', configPath: 'iris.train.yaml',
    gitCommit: '0123456789abcdef0123456789abcdef01234567', gitDirty: true,
    datasets: [{ role: 'train', fingerprint: 'f'.repeat(64), path: 'data/iris.csv' }], runExists: true,
    packageFormat: 'runlens', source: null, stage: 'None', updatedAt: clock.t - 1000,
  });
  assert.equal(v2.version, 2);
  assert.deepEqual(v2.aliases, ['staging']);
  assert.deepEqual(store.registry.listModelVersions('churn').map((v) => v.version), [2, 1]);
  assert.deepEqual(store.registry.listModels(), [{
    name: 'churn', description: null, tags: {}, createdAt: clock.t - 1000, updatedAt: clock.t, latestVersion: 2, aliases: { staging: 2 },
  }]);
  assert.deepEqual(store.registry.listModelVersionsOfRun(b.id).map((v) => `${v.name}:${v.version}`), ['churn:2']);
  // Another name has its own numbering.
  assert.equal(store.registry.registerModel(a.id, 'other').version, 1);
});

test('register refuses runs that are not finished, have no package, or are already registered', async (t) => {
  const { store } = tempStore(t);
  const running = await trainedRun(store, { status: 'running' });
  assert.throws(() => store.registry.registerModel(running.id, 'm'), storeError(new RegExp(`run ${running.name} is running; only a finished run can be registered`)));
  const failed = await trainedRun(store, { status: 'failed' });
  assert.throws(() => store.registry.registerModel(failed.id, 'm'), storeError(/is failed; only a finished run/));
  const sweep = await trainedRun(store, { name: 'sweep-parent', withPackage: false });
  await trainedRun(store, { parentId: sweep.id });
  assert.throws(() => store.registry.registerModel(sweep.id, 'm'), storeError(/run sweep-parent has no model package \(model\/model\.json\); it has 1 child runs .*register one of those/));
  const bogus = store.createRun({ experiment: 'py', name: 'python-run' });
  store.logArtifact(bogus.id, 'model/model.json', '{"not": "ours"}', 'file');
  store.setStatus(bogus.id, 'finished');
  assert.throws(() => store.registry.registerModel(bogus.id, 'm'), storeError(/not a RunLens model package/));
  assert.throws(() => store.registry.registerModel('0'.repeat(32), 'm'), storeError(/no run with id 0{32}/));
  const ok = await trainedRun(store);
  assert.throws(() => store.registry.registerModel(ok.id, 'bad name'), (e: unknown) => e instanceof UserError && /invalid model name "bad name"/.test(e.message));
  assert.throws(() => store.registry.registerModel(ok.id, 'm', { alias: 'latest' }), /reserved/);
  store.registry.registerModel(ok.id, 'm');
  assert.throws(() => store.registry.registerModel(ok.id, 'm'), storeError(new RegExp(`run ${ok.name} is already registered as m version 1`)));
  // Nothing half-written by the refusals.
  assert.deepEqual(store.registry.listModelVersions('m').map((v) => v.version), [1]);
});

test('an alias points at one version at a time; errors name what exists', async (t) => {
  const { store } = tempStore(t);
  const runs = [await trainedRun(store), await trainedRun(store), await trainedRun(store)];
  for (const r of runs) store.registry.registerModel(r.id, 'churn');
  store.registry.setModelAlias('churn', 1, 'production');
  store.registry.setModelAlias('churn', 2, 'staging');
  store.registry.setModelAlias('churn', 3, 'production'); // moves
  assert.deepEqual(store.registry.getModel('churn').aliases, { production: 3, staging: 2 });
  assert.deepEqual(store.registry.getModelVersion('churn', 1).aliases, []);
  assert.deepEqual(store.registry.getModelVersion('churn', 3).aliases, ['production']);
  assert.equal(store.registry.getModelVersionByAlias('churn', 'staging').version, 2);
  assert.equal(store.registry.getLatestModelVersion('churn').version, 3);
  store.registry.deleteModelAlias('churn', 'staging');
  assert.deepEqual(store.registry.getModel('churn').aliases, { production: 3 });
  assert.throws(() => store.registry.getModelVersionByAlias('churn', 'staging'), storeError(/churn has no alias "staging" \(aliases: production → 3\)/));
  assert.throws(() => store.registry.deleteModelAlias('churn', 'staging'), storeError(/churn has no alias "staging"/));
  assert.throws(() => store.registry.setModelAlias('churn', 9, 'x'), storeError(/churn has no version 9 \(versions: 1, 2, 3\)/));
  assert.throws(() => store.registry.getModelVersion('nope', 1), storeError(/no model named "nope" \(models: churn\)/));
  assert.throws(() => store.registry.setModelAlias('churn', 1, 'Latest'), /reserved/);
  assert.throws(() => store.registry.setModelAlias('churn', 1, 'v2'), /looks like a version number/);
});

test('a model has its own description and tags', async (t) => {
  const { store, clock } = tempStore(t);
  store.registry.registerModel((await trainedRun(store)).id, 'churn');
  clock.advance(10);
  const m = store.registry.updateModel('churn', { description: 'who leaves', tags: { team: 'ml', tier: '1' } });
  assert.deepEqual([m.description, m.tags, m.updatedAt], ['who leaves', { team: 'ml', tier: '1' }, clock.t]);
  const n = store.registry.updateModel('churn', { description: null, tags: { tier: null } });
  assert.deepEqual([n.description, n.tags], [null, { team: 'ml' }]);
  assert.throws(() => store.registry.updateModel('nope', {}), storeError(/no model named "nope" \(models: churn\)/));
  assert.throws(() => store.registry.updateModel('churn', { tags: { '': 'x' } }), storeError(/tag keys must not be empty/));
  assert.deepEqual(store.registry.getModel('churn').tags, { team: 'ml' }, 'the refused update changed nothing');
});

test('deleted versions are never reused; the model stays with no versions', async (t) => {
  const { store } = tempStore(t);
  const runs = [await trainedRun(store), await trainedRun(store), await trainedRun(store)];
  store.registry.registerModel(runs[0].id, 'churn');
  store.registry.registerModel(runs[1].id, 'churn', { alias: 'production' });
  store.registry.deleteModelVersion('churn', 2);
  assert.deepEqual(store.registry.getModel('churn').aliases, {}, 'the alias went with its version');
  assert.equal(store.registry.registerModel(runs[2].id, 'churn').version, 3);
  store.registry.deleteModelVersion('churn', 3);
  store.registry.deleteModelVersion('churn', 1);
  assert.equal(store.registry.getModel('churn').latestVersion, null);
  assert.throws(() => store.registry.getLatestModelVersion('churn'), storeError(/churn has no versions left/));
  assert.equal(store.registry.registerModel(runs[1].id, 'churn').version, 4);
  assert.throws(() => store.registry.deleteModel('churn'), storeError(/churn still has versions 4; delete them first \(e\.g\. churn:4\)/));
  store.registry.deleteModelVersion('churn', 4);
  store.registry.deleteModel('churn');
  assert.deepEqual(store.registry.listModels(), []);
});

test('a version outlives its source run: package blob and lineage kept, gc too', async (t) => {
  const { store } = tempStore(t);
  const run = await trainedRun(store, { name: 'source' });
  const v = store.registry.registerModel(run.id, 'churn');
  const blob = store.artifactPath(v.packageSha256);
  store.deleteRun(run.id);
  store.gc();
  assert.ok(fs.existsSync(blob), 'the package blob survived run deletion and gc');
  const kept = store.registry.getModelVersion('churn', 1);
  assert.equal(kept.runExists, false);
  assert.equal(kept.runName, 'source');
  assert.equal(kept.datasets.length, 1);
  assert.equal(store.datasets.getDataset(kept.datasets[0].fingerprint)?.rows, 150, 'gc kept the dataset row the version refers to');
  assert.equal(JSON.parse(fs.readFileSync(blob, 'utf8')).runId, run.id);
  const freed = store.registry.deleteModelVersion('churn', 1);
  assert.equal(freed.blobsRemoved, 1);
  assert.ok(!fs.existsSync(blob), 'the last reference is gone, so is the blob');
});

test('builds record status, duration and a log blob that gc keeps', async (t) => {
  const { store, clock } = tempStore(t);
  const run = await trainedRun(store);
  store.registry.registerModel(run.id, 'churn');
  const b = store.registry.addModelBuild({ name: 'churn', version: 1, tag: 'churn:1', cli: 'buildah', baseImage: 'node:20-bookworm-slim', contextDir: '/w/.runlens/builds/churn-1' });
  assert.equal(b.status, 'running');
  assert.equal(b.durationMs, null);
  clock.advance(4200);
  const done = store.registry.finishModelBuild(b.id, { status: 'succeeded', imageId: 'sha256:abc', log: 'STEP 1/9: FROM node\n' });
  assert.equal(done.status, 'succeeded');
  assert.equal(done.durationMs, 4200);
  assert.equal(fs.readFileSync(store.artifactPath(done.logSha256!), 'utf8'), 'STEP 1/9: FROM node\n');
  assert.throws(() => store.registry.finishModelBuild(b.id, { status: 'failed' }), storeError(/build \d+ already ended \(succeeded\)/));
  const b2 = store.registry.addModelBuild({ name: 'churn', version: 1, tag: 'x', cli: null, baseImage: 'b', contextDir: 'c' });
  assert.throws(() => store.registry.finishModelBuild(b2.id, { status: 'failed', logSha256: 'a'.repeat(64) }), storeError(/no blob a{64}/));
  const sha = store.registry.putBlob('error: COPY failed\n');
  store.registry.finishModelBuild(b2.id, { status: 'failed', logSha256: sha, error: 'step 5/9 failed' });
  store.gc();
  assert.ok(fs.existsSync(store.artifactPath(sha)));
  assert.ok(fs.existsSync(store.artifactPath(done.logSha256!)));
  assert.deepEqual(store.registry.listModelBuilds('churn').map((x) => [x.id, x.status, x.error]), [[b2.id, 'failed', 'step 5/9 failed'], [b.id, 'succeeded', null]]);
  assert.throws(() => store.registry.addModelBuild({ name: 'churn', version: 7, tag: 't', cli: null, baseImage: 'b', contextDir: 'c' }), storeError(/churn has no version 7/));
  store.registry.deleteModelVersion('churn', 1);
  assert.ok(!fs.existsSync(store.artifactPath(sha)), 'build logs go with their version');
  assert.deepEqual(store.registry.listModelBuilds('churn'), []);
});

test('deployments: stop is idempotent; a dead local server shows as stopped', async (t) => {
  const { store, clock } = tempStore(t);
  const run = await trainedRun(store);
  store.registry.registerModel(run.id, 'churn');
  const live = store.registry.addDeployment({ name: 'churn', version: 1, kind: 'local', url: 'http://127.0.0.1:8080', pid: process.pid, requestLog: '/tmp/r.jsonl' });
  const exited = spawn(process.execPath, ['-e', '']); // a real process, then gone
  await new Promise((resolve) => exited.on('exit', resolve));
  const dead = store.registry.addDeployment({ name: 'churn', version: 1, kind: 'local', url: 'http://127.0.0.1:8081', pid: exited.pid! });
  const container = store.registry.addDeployment({ name: 'churn', version: 1, kind: 'container', url: 'http://127.0.0.1:9000', image: 'churn:1' });
  clock.advance(5000);
  const list = store.registry.listDeployments('churn', 1);
  assert.deepEqual(list.map((d) => [d.id, d.stoppedAt]), [[container.id, null], [dead.id, clock.t], [live.id, null]]);
  assert.equal(list[2].requestLog, '/tmp/r.jsonl');
  store.registry.stopDeployment(live.id);
  store.registry.stopDeployment(live.id);
  assert.equal(store.registry.listDeployments().find((d) => d.id === live.id)?.stoppedAt, clock.t);
  store.registry.deleteModelVersion('churn', 1);
  store.registry.stopDeployment(container.id); // its version is gone: nothing to do, no error
  assert.deepEqual(store.registry.listDeployments(), []);
  assert.throws(() => store.registry.addDeployment({ name: 'churn', version: 1, kind: 'local', url: 'u' }), storeError(/churn has no version 1/));
});

test('a schema-1 store with runs is migrated on open, then registers', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'store.db');
  const pkg = JSON.stringify({ ...(await irisPackage()), runId: 'b'.repeat(32) });
  const sha = (await import('node:crypto')).createHash('sha256').update(pkg).digest('hex');
  fs.mkdirSync(path.join(dir, 'artifacts', sha.slice(0, 2)), { recursive: true });
  fs.writeFileSync(path.join(dir, 'artifacts', sha.slice(0, 2), sha), pkg);
  const db = new Database(file);
  migrate(db, file, MIGRATIONS.slice(0, 1));
  db.prepare("INSERT INTO experiments (id, name, created_at) VALUES (1, 'iris', 0)").run();
  db.prepare("INSERT INTO runs (id, experiment_id, name, status, created_at, git_commit) VALUES (?, 1, 'old-run', 'finished', 0, 'abc')").run('b'.repeat(32));
  db.prepare("INSERT INTO artifacts (run_id, path, sha256, size, kind, created_at) VALUES (?, 'model/model.json', ?, ?, 'model', 0)").run('b'.repeat(32), sha, pkg.length);
  assert.equal(schemaVersion(db), 1);
  db.close();

  const store = RunStore.open(dir);
  t.after(() => store.close());
  const v = store.registry.registerModel(store.getRun('old-run').id, 'legacy', { alias: 'production' });
  assert.equal(v.version, 1);
  assert.equal(v.gitCommit, 'abc');
  assert.equal(v.packageSha256, sha);
  assert.deepEqual(store.integrityCheck(), ['ok']);
  const raw = new Database(file, { readonly: true });
  t.after(() => raw.close());
  assert.equal(schemaVersion(raw), SCHEMA_VERSION);
  assert.deepEqual(raw.pragma('foreign_key_check'), []);
});

test('two processes registering the same name at once get versions 1 and 2', { timeout: 60_000 }, async (t) => {
  const { store, dir } = tempStore(t);
  const runs = [await trainedRun(store), await trainedRun(store)];
  const script = path.join(import.meta.dirname ?? __dirname, 'testing', 'registerWriter.ts');
  const children = runs.map((r) => {
    const child = fork(script, [dir, r.id, 'churn'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const ready = new Promise<void>((resolve) => child.on('message', (m) => m === 'ready' && resolve()));
    const version = new Promise<number>((resolve, reject) => {
      child.on('message', (m: { version?: number }) => m.version !== undefined && resolve(m.version));
      child.on('exit', (code) => code !== 0 && reject(new Error(`register child failed (${code}):\n${stderr}`)));
    });
    return { child, ready, version };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.send('go');
  const versions = await Promise.all(children.map((c) => c.version));
  assert.deepEqual([...versions].sort(), [1, 2]);
  const byRun = Object.fromEntries(store.registry.listModelVersions('churn').map((v) => [v.runId, v.version]));
  assert.deepEqual(runs.map((r) => byRun[r.id]), versions, 'each process got the version it reported');
});
