/**
 * Opening a store refuses what RunLens did not make, before any query on it:
 * lost databases beside old data, folders, foreign objects, unknown versions.
 * Each case also proves that nothing in the store folder was written.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { StoreError } from './errors';
import { RunStore } from './runStore';
import { SCHEMA_VERSION } from './schema';
import { snapshotFolder, storeWithRuns, tamper } from './testing/damagedStores';
import { tempDir } from './testing/tempStore';

function refused(dir: string, message: string, opts: { readonly?: boolean } = {}): void {
  const before = snapshotFolder(dir);
  assert.throws(() => RunStore.open(dir, opts), (e: unknown) => {
    assert.ok(e instanceof StoreError, String(e));
    assert.equal(e.message, message);
    return true;
  });
  assert.deepEqual(snapshotFolder(dir), before, 'the store folder is byte for byte as it was');
}

const lostDbAdvice =
  'RunLens will not start a new store over it: restore store.db from a backup, or run `runlens doctor --repair` to set it aside and start a new store (nothing is deleted)';

test('an emptied store.db beside artifacts is refused, not re-created (issue #12 part 1)', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  storeWithRuns(dir, { runs: 1, points: 10 });
  fs.writeFileSync(path.join(dir, 'store.db'), '');
  refused(dir, `${dir}/store.db is empty (0 bytes) but ${dir} still holds RunLens data (artifacts/${fs.readdirSync(path.join(dir, 'artifacts')).sort()[0]}); ${lostDbAdvice}`);
  refused(dir, `${dir}/store.db is empty (0 bytes); restore it from a backup, or run \`runlens doctor\``, { readonly: true });
});

test('a missing store.db beside artifacts is refused; a brand-new or RunLens-only folder is still created', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  storeWithRuns(dir, { runs: 1, points: 10 });
  fs.rmSync(path.join(dir, 'store.db'));
  assert.throws(() => RunStore.open(dir), /store\.db is missing but .* still holds RunLens data \(artifacts\/[0-9a-f]{2}\)/);
  assert.ok(!fs.existsSync(path.join(dir, 'store.db')));

  const fresh = path.join(tempDir(t), '.runlens');
  fs.mkdirSync(path.join(fresh, 'artifacts', 'tmp'), { recursive: true });
  fs.writeFileSync(path.join(fresh, '.gitignore'), '*\n');
  fs.writeFileSync(path.join(fresh, 'store.db'), '');
  const store = RunStore.open(fresh);
  t.after(() => store.close());
  assert.equal(store.createRun({ experiment: 'e' }).status, 'running');
});

test('a blank SQLite file beside other files is refused like an empty one', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
  const db = new Database(path.join(dir, 'store.db'));
  db.pragma('journal_mode = WAL');
  db.close();
  refused(dir, `${dir}/store.db holds no tables but ${dir} still holds RunLens data (notes.txt); ${lostDbAdvice}`);
});

test('store.db that is a folder, or not a database, is refused naming the file', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  fs.mkdirSync(path.join(dir, 'store.db'), { recursive: true });
  refused(dir, `${dir}/store.db is a folder, not a RunLens store database; move it away, or restore store.db from a backup`);
  fs.rmdirSync(path.join(dir, 'store.db'));
  fs.writeFileSync(path.join(dir, 'store.db'), Buffer.alloc(8192, 0x41));
  refused(dir, `${dir}/store.db is not a SQLite database (file is not a database); restore it from a backup, or run \`runlens doctor\``);
});

test('a view in place of the runs table is refused before any query runs on it (it would never return)', { timeout: 30_000 }, (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  storeWithRuns(dir, { runs: 1, points: 10 });
  tamper(path.join(dir, 'store.db'), `PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON;
    ALTER TABLE runs RENAME TO runs_data;
    CREATE VIEW runs AS WITH RECURSIVE forever(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM forever) SELECT r.* FROM runs_data r, forever;`);
  refused(dir, `${dir}/store.db is not a RunLens store of schema ${SCHEMA_VERSION}: "runs" is a view, RunLens created a table`);
  refused(dir, `${dir}/store.db is not a RunLens store of schema ${SCHEMA_VERSION}: "runs" is a view, RunLens created a table`, { readonly: true });
});

test('an added trigger, a changed table and a missing index are refused by name', (t) => {
  const root = tempDir(t);
  const cases: [string, string][] = [
    ["CREATE TRIGGER spy AFTER INSERT ON runs BEGIN DELETE FROM params; END;", 'it has a trigger "spy" that RunLens did not create'],
    ['ALTER TABLE runs ADD COLUMN extra TEXT;', 'table "runs" does not have the shape RunLens created'],
    ['DROP INDEX runs_by_name;', 'index "runs_by_name" is missing'],
    ['CREATE TABLE mine (x);', 'it has a table "mine" that RunLens did not create'],
  ];
  for (const [i, [sql, finding]] of cases.entries()) {
    const dir = path.join(root, String(i));
    storeWithRuns(dir, { runs: 1, points: 10 });
    tamper(path.join(dir, 'store.db'), sql);
    refused(dir, `${dir}/store.db is not a RunLens store of schema ${SCHEMA_VERSION}: ${finding}`);
  }
});

test('an unknown user_version and a foreign SQLite database are refused untouched', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  storeWithRuns(dir, { runs: 1, points: 10 });
  tamper(path.join(dir, 'store.db'), 'PRAGMA user_version = -3;');
  refused(dir, `${dir}/store.db is not a RunLens store: unknown schema version -3 (PRAGMA user_version)`);
  tamper(path.join(dir, 'store.db'), `PRAGMA user_version = ${SCHEMA_VERSION + 1};`);
  refused(dir, `${dir}/store.db was written by a newer RunLens (schema ${SCHEMA_VERSION + 1}, this version knows ${SCHEMA_VERSION}); upgrade RunLens`);

  const other = path.join(tempDir(t), '.runlens');
  fs.mkdirSync(other);
  tamper(path.join(other, 'store.db'), 'CREATE TABLE notes (body TEXT);');
  refused(other, `${other}/store.db is not a RunLens store: it has a table "notes" that RunLens did not create`);
});

test('a store this process cannot write opens read-only for reading; writes name the file (injected check)', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  const [id] = storeWithRuns(dir, { runs: 1, points: 10 });
  const before = snapshotFolder(dir);
  // Injected: as root, chmod does not deny writes; test/hostile/store.test.ts covers a real immutable file.
  const store = RunStore.open(dir, { writability: () => 'the file is not writable (EACCES)' });
  t.after(() => store.close());
  assert.equal(store.readonly, true);
  assert.equal(store.getRun(id!).status, 'finished');
  assert.throws(() => store.setStar(id!, true), { message: `cannot write to ${dir}/store.db: the file is not writable (EACCES)` });
  store.close();
  assert.deepEqual(snapshotFolder(dir), before);
});
