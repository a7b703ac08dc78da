/**
 * Builds whose process died: a real child records a build and is killed with
 * SIGKILL; listing the builds then shows it failed with the reason, and a
 * writable store records that. Builds that cannot be checked, or that end
 * meanwhile, are left alone.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from './runStore';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from './schema';
import { DEAD_BUILD_ERROR, deadBuildIds, markDeadBuilds } from './staleBuilds';
import { pidAlive } from './staleRuns';
import { trainedRun } from './testing/registryRuns';
import { tempDir, tempStore } from './testing/tempStore';
import type { NewModelBuild } from './types';
import { Sql, openConnection } from './connection';

const BUILD: NewModelBuild = { name: 'churn', version: 1, tag: 'churn:1', cli: 'docker', baseImage: 'node:20-bookworm-slim', contextDir: '/w/.runlens/builds/churn-1' };

/** The pid of a real process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid as number;
  await once(child, 'exit');
  return pid;
}

/** A build row's status and error as stored (not as listed). */
function storedBuild(dir: string, id: number): { status: string; error: string | null; ended_at: number | null } {
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  try {
    return db.prepare('SELECT status, error, ended_at FROM model_builds WHERE id = ?').get(id) as { status: string; error: string | null; ended_at: number | null };
  } finally {
    db.close();
  }
}

test('a build whose process is killed with SIGKILL is listed as failed, with the reason, and stays failed', { timeout: 60_000 }, async (t) => {
  const { store, dir } = tempStore(t, { now: Date.now });
  store.registry.registerModel((await trainedRun(store)).id, 'churn');
  const script = path.join(__dirname, 'testing', 'buildProcess.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir, 'churn', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
  const id = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /^build (\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`the build process exited (${code}) before recording a build:\n${out}`)));
  });

  // While it lives, its build is running and carries its pid.
  const [live] = store.registry.listModelBuilds('churn', 1);
  assert.deepEqual([live!.id, live!.status, live!.pid, live!.error], [id, 'running', child.pid, null]);

  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.equal(pidAlive(child.pid!), false);
  const [dead] = store.registry.listModelBuilds('churn', 1);
  assert.equal(dead!.status, 'failed');
  assert.equal(dead!.error, 'the build process exited without recording a result (killed?)');
  assert.equal(dead!.endedAt, null, 'when it died is unknown');
  assert.equal(dead!.durationMs, null);
  assert.deepEqual(storedBuild(dir, id), { status: 'failed', error: DEAD_BUILD_ERROR, ended_at: null });
  // A late finish from a process thought dead cannot overwrite the record.
  assert.throws(() => store.registry.finishModelBuild(id, { status: 'succeeded' }), /build \d+ already ended \(failed\)/);
});

test('builds that cannot be checked are left running: another host, no pid (recorded before schema 3); a live pid too', async (t) => {
  const { store, dir } = tempStore(t);
  store.registry.registerModel((await trainedRun(store)).id, 'churn');
  const pid = await deadPid();
  const elsewhere = store.registry.addModelBuild({ ...BUILD, pid });
  const old = store.registry.addModelBuild({ ...BUILD, pid });
  const mine = store.registry.addModelBuild(BUILD);
  const raw = new Database(path.join(dir, 'store.db'));
  t.after(() => raw.close());
  raw.prepare(`UPDATE model_builds SET host = 'build-server-7' WHERE id = ?`).run(elsewhere.id);
  raw.prepare('UPDATE model_builds SET pid = NULL, host = NULL WHERE id = ?').run(old.id);
  assert.equal(mine.pid, process.pid);
  const listed = store.registry.listModelBuilds('churn');
  assert.deepEqual(listed.map((b) => [b.id, b.status]), [[mine.id, 'running'], [old.id, 'running'], [elsewhere.id, 'running']]);
});

test('a read-only store reports a dead build as failed without writing; a writable one then records it', async (t) => {
  const { store, dir } = tempStore(t);
  store.registry.registerModel((await trainedRun(store)).id, 'churn');
  const b = store.registry.addModelBuild({ ...BUILD, pid: await deadPid() });
  const ro = RunStore.open(dir, { readonly: true });
  t.after(() => ro.close());
  const [seen] = ro.registry.listModelBuilds('churn');
  assert.deepEqual([seen!.status, seen!.error], ['failed', DEAD_BUILD_ERROR]);
  assert.equal(storedBuild(dir, b.id).status, 'running');
  assert.equal(store.registry.listModelBuilds('churn', 1)[0]!.status, 'failed');
  assert.equal(storedBuild(dir, b.id).status, 'failed');
});

test('a build that finishes between the check and the write keeps its result', async (t) => {
  const { store, dir } = tempStore(t);
  store.registry.registerModel((await trainedRun(store)).id, 'churn');
  const b = store.registry.addModelBuild({ ...BUILD, pid: await deadPid() });
  const sql = new Sql(openConnection(path.join(dir, 'store.db'), false), false);
  t.after(() => sql.db.close());
  assert.deepEqual(deadBuildIds(sql), [b.id]);
  store.registry.finishModelBuild(b.id, { status: 'succeeded', imageId: 'sha256:abc' });
  assert.deepEqual(markDeadBuilds(sql, [b.id]), []);
  assert.deepEqual(storedBuild(dir, b.id), { status: 'succeeded', error: null, ended_at: store.registry.listModelBuilds('churn')[0]!.endedAt });
});

test('a schema-2 store is migrated: its builds keep their rows, with no pid to check', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'store.db');
  const db = new Database(file);
  migrate(db, file, MIGRATIONS.slice(0, 2));
  db.prepare("INSERT INTO models (name, next_version, created_at, updated_at) VALUES ('churn', 2, 0, 0)").run();
  db.prepare(`INSERT INTO model_versions (name, version, run_id, package_sha256, run_name, experiment, created_at)
              VALUES ('churn', 1, ?, ?, 'r', 'iris', 0)`).run('b'.repeat(32), 'a'.repeat(64));
  db.prepare(`INSERT INTO model_builds (name, version, tag, base_image, context_dir, status, started_at)
              VALUES ('churn', 1, 'churn:1', 'node:20', '/c', 'running', 5)`).run();
  assert.equal(schemaVersion(db), 2);
  db.close();

  const store = RunStore.open(dir);
  t.after(() => store.close());
  const [b] = store.registry.listModelBuilds('churn');
  assert.deepEqual([b!.status, b!.pid, b!.startedAt], ['running', null, 5]);
  const raw = new Database(file, { readonly: true });
  t.after(() => raw.close());
  assert.equal(schemaVersion(raw), SCHEMA_VERSION);
  assert.deepEqual((raw.prepare('PRAGMA table_info(model_builds)').all() as { name: string }[]).slice(-2).map((c) => c.name), ['pid', 'host']);
});
