import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BUSY_TIMEOUT_MS, openConnection } from './connection';
import { StoreError } from './errors';
import { RunStore } from './runStore';
import type { Migration } from './schema';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from './schema';
import { tempDir } from './testing/tempStore';

function rawDb(dir: string): Database.Database {
  return new Database(path.join(dir, 'store.db'));
}

test('a fresh store is created with the current schema, WAL and a .gitignore', (t) => {
  const dir = path.join(tempDir(t), 'nested', '.runlens');
  RunStore.open(dir).close();
  assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), '*\n');
  assert.ok(fs.statSync(path.join(dir, 'artifacts')).isDirectory());
  const db = rawDb(dir);
  t.after(() => db.close());
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
  for (const name of ['experiments', 'runs', 'params', 'tags', 'metric_series', 'metric_points', 'artifacts', 'datasets', 'run_inputs']) {
    assert.ok(tables.includes(name), `missing table ${name}`);
  }
});

test('connections get busy_timeout and foreign keys', (t) => {
  const dir = tempDir(t);
  RunStore.open(dir).close();
  const db = openConnection(path.join(dir, 'store.db'), false);
  t.after(() => db.close());
  assert.equal(db.pragma('busy_timeout', { simple: true }), BUSY_TIMEOUT_MS);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
});

test('re-opening keeps the data and does not migrate again', (t) => {
  const dir = tempDir(t);
  const a = RunStore.open(dir);
  const run = a.createRun({ experiment: 'e', name: 'keep-me' });
  a.close();
  const b = RunStore.open(dir);
  t.after(() => b.close());
  assert.equal(b.getRun(run.id).name, 'keep-me');
  const db = rawDb(dir);
  t.after(() => db.close());
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
});

test('migrate applies the missing steps in order, each exactly once', (t) => {
  const file = path.join(tempDir(t), 'm.db');
  const db = new Database(file);
  t.after(() => db.close());
  const applied: string[] = [];
  const step = (name: string): Migration => (d) => {
    applied.push(name);
    d.exec(`CREATE TABLE ${name} (x)`);
  };
  migrate(db, file, [step('a'), step('b')]);
  assert.deepEqual(applied, ['a', 'b']);
  assert.equal(schemaVersion(db), 2);
  migrate(db, file, [step('a'), step('b')]);
  assert.deepEqual(applied, ['a', 'b']);
  migrate(db, file, [step('a'), step('b'), step('c')]);
  assert.deepEqual(applied, ['a', 'b', 'c']);
  assert.equal(schemaVersion(db), 3);
});

test('a failing migration leaves the store at the previous version', (t) => {
  const file = path.join(tempDir(t), 'm.db');
  const db = new Database(file);
  t.after(() => db.close());
  const ok: Migration = (d) => d.exec('CREATE TABLE a (x)');
  const bad: Migration = (d) => {
    d.exec('CREATE TABLE b (x)');
    throw new Error('boom');
  };
  assert.throws(() => migrate(db, file, [ok, bad]), /boom/);
  assert.equal(schemaVersion(db), 1);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get(), 0);
});

test('a store written by a newer RunLens is refused and left byte-for-byte untouched', (t) => {
  const dir = tempDir(t);
  const s = RunStore.open(dir);
  s.createRun({ experiment: 'e' });
  s.close();
  const db = rawDb(dir);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  const before = fs.readFileSync(path.join(dir, 'store.db'));
  const filesBefore = fs.readdirSync(dir).sort();
  for (const readonly of [false, true]) {
    assert.throws(
      () => RunStore.open(dir, { readonly }),
      (e: unknown) =>
        e instanceof StoreError &&
        e.message.includes(`store.db was written by a newer RunLens (schema ${SCHEMA_VERSION + 1}, this version knows ${SCHEMA_VERSION}); upgrade RunLens`),
    );
  }
  assert.ok(before.equals(fs.readFileSync(path.join(dir, 'store.db'))), 'store.db changed');
  if (!filesBefore.includes('store.db-wal')) {
    // A read-only connection may leave empty -wal/-shm files, never content.
    const wal = path.join(dir, 'store.db-wal');
    assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0);
  }
});

test('read-only open reads, refuses writes, and never creates a store', (t) => {
  const dir = tempDir(t);
  const rw = RunStore.open(dir);
  const run = rw.createRun({ experiment: 'e', name: 'r1' });
  rw.logMetrics(run.id, [{ key: 'loss', value: 1 }]);
  rw.close();
  const ro = RunStore.open(dir, { readonly: true });
  t.after(() => ro.close());
  assert.equal(ro.readonly, true);
  assert.equal(ro.getRun('r1').id, run.id);
  assert.equal(ro.listRuns()[0].metrics.loss, 1);
  assert.throws(() => ro.createRun({ experiment: 'e' }), StoreError);
  assert.throws(() => ro.logMetrics(run.id, [{ key: 'loss', value: 2 }]), /read-only/);

  const missing = path.join(tempDir(t), 'none');
  assert.throws(() => RunStore.open(missing, { readonly: true }), /no RunLens store/);
  assert.equal(fs.existsSync(missing), false);
});

test('createIfMissing: false refuses to create a store', (t) => {
  const dir = path.join(tempDir(t), 'x');
  assert.throws(() => RunStore.open(dir, { createIfMissing: false }), StoreError);
  assert.equal(fs.existsSync(dir), false);
});

test('dataVersion changes when another connection commits', (t) => {
  const dir = tempDir(t);
  const a = RunStore.open(dir);
  const b = RunStore.open(dir);
  t.after(() => {
    a.close();
    b.close();
  });
  const v0 = a.dataVersion();
  assert.equal(a.dataVersion(), v0);
  b.createRun({ experiment: 'e' });
  assert.notEqual(a.dataVersion(), v0);
});

test('dispose closes the database; integrity check says ok', (t) => {
  const dir = tempDir(t);
  const s = RunStore.open(dir);
  assert.deepEqual(s.integrityCheck(), ['ok']);
  s.dispose();
  assert.throws(() => s.listRuns(), /not open|closed/i);
  s.close(); // idempotent
});

test('schema 9: a schema-8 store keeps its roll-up blocks and gains metric_blocks.points, NULL (read from the rows)', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'store.db');
  const db = new Database(file);
  migrate(db, file, MIGRATIONS.slice(0, 8));
  db.exec(`
    INSERT INTO experiments (id, name, created_at) VALUES (1, 'e', 0);
    INSERT INTO runs (id, experiment_id, name, status, created_at) VALUES ('${'a'.repeat(32)}', 1, 'r', 'finished', 0);
    INSERT INTO metric_series (id, run_id, key, count, rollup_n) VALUES (1, '${'a'.repeat(32)}', 'loss', 64, 64);
    INSERT INTO metric_blocks (series_id, block, first_step, first_ts, first_value, last_step, last_ts, last_value)
      VALUES (1, 0, 0, 0, 0.5, 63, 0, 63.5);
  `);
  const insert = db.prepare('INSERT INTO metric_points (series_id, step, seq, timestamp, value) VALUES (1, ?, ?, 0, ?)');
  for (let i = 0; i < 64; i++) insert.run(i, i, i + 0.5);
  assert.equal(schemaVersion(db), 8);
  db.close();

  const store = RunStore.open(dir);
  t.after(() => store.close());
  const raw = rawDb(dir);
  t.after(() => raw.close());
  assert.equal(schemaVersion(raw), SCHEMA_VERSION);
  assert.deepEqual(raw.prepare('SELECT block, first_value, last_value, points FROM metric_blocks').raw(true).all(), [[0, 0.5, 63.5, null]]);
  assert.deepEqual([...store.getMetricHistory('a'.repeat(32), 'loss').values], Array.from({ length: 64 }, (_, i) => i + 0.5));
});
