/**
 * The Python helper and the store schema: it refuses a newer store, creates
 * or upgrades one to exactly the TS schema, and finds the store like the CLI.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from './runStore';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './schema';
import { tempDir } from './testing/tempStore';
import { printedId, runPy, tsStore } from './testing/pythonHelperProcess';

test('a store of a newer schema is refused untouched, naming both versions', (t) => {
  const root = tempDir(t);
  const dir = tsStore(root);
  const file = path.join(dir, 'store.db');
  const db = new Database(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  const before = fs.readFileSync(file);
  const r = runPy(`import runlens\nrunlens.start_run(experiment="x")`, root);
  assert.notEqual(r.code, 0);
  assert.ok(
    r.stderr.includes(`store.db was written by a newer RunLens (schema ${SCHEMA_VERSION + 1}, this Python helper knows ${SCHEMA_VERSION})`),
    r.stderr,
  );
  assert.deepEqual(fs.readFileSync(file), before);
});

test('Python creates a missing store with exactly the TS schema, and TS then opens it', (t) => {
  const root = tempDir(t);
  const id = printedId(runPy(`import runlens\nwith runlens.start_run(experiment="fresh") as r:\n    runlens.log_metric("m", 1)\nprint(r.id)`, root));
  const pyDir = path.join(root, '.runlens');
  assert.equal(fs.readFileSync(path.join(pyDir, '.gitignore'), 'utf8'), '*\n');
  const tsDir = tsStore(tempDir(t));
  const schemaOf = (dir: string) => {
    const db = new Database(path.join(dir, 'store.db'), { readonly: true });
    try {
      const rows = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as { sql: string | null }[];
      return {
        version: db.pragma('user_version', { simple: true }),
        journal: db.pragma('journal_mode', { simple: true }),
        rows: rows.map((r) => ({ ...r, sql: r.sql?.replace(/\s+/g, ' ') })),
      };
    } finally {
      db.close();
    }
  };
  assert.deepEqual(schemaOf(pyDir), schemaOf(tsDir));
  const store = RunStore.open(pyDir);
  t.after(() => store.close());
  assert.equal(store.getRun(id).status, 'finished');
  assert.equal(store.getMetricSummaries(id)[0].count, 1);
});

test('Python upgrades a schema-1 store to the TS schema, keeping its runs', (t) => {
  const root = tempDir(t);
  const dir = path.join(root, '.runlens');
  fs.mkdirSync(dir);
  const file = path.join(dir, 'store.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  migrate(db, file, MIGRATIONS.slice(0, 1));
  db.prepare('INSERT INTO experiments (id, name, created_at) VALUES (1, ?, 0)').run('old');
  db.prepare("INSERT INTO runs (id, experiment_id, name, status, created_at) VALUES (?, 1, 'v1-run', 'finished', 0)").run('a'.repeat(32));
  db.close();
  const id = printedId(runPy(`import runlens\nwith runlens.start_run(experiment="new") as r:\n    runlens.log_metric("m", 1)\nprint(r.id)`, root));
  const tsDir = tsStore(tempDir(t));
  const schema = (d: string) => {
    const c = new Database(path.join(d, 'store.db'), { readonly: true });
    try {
      const rows = c.prepare("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string | null }[];
      return { version: c.pragma('user_version', { simple: true }), rows: rows.map((r) => ({ ...r, sql: r.sql?.replace(/\s+/g, ' ') })) };
    } finally {
      c.close();
    }
  };
  assert.deepEqual(schema(dir), schema(tsDir));
  const store = RunStore.open(dir);
  t.after(() => store.close());
  assert.equal(store.getRun('a'.repeat(32)).name, 'v1-run');
  assert.equal(store.getRun(id).experiment, 'new');
  assert.deepEqual(store.registry.listModels(), []);
});

test('the store is found upward from the working directory, or named by RUNLENS_STORE', (t) => {
  const root = tempDir(t);
  const dir = tsStore(root);
  const sub = path.join(root, 'a', 'b');
  fs.mkdirSync(sub, { recursive: true });
  const up = printedId(runPy(`import runlens\nwith runlens.start_run() as r: pass\nprint(r.id)`, sub));
  const other = path.join(root, 'elsewhere');
  const named = printedId(runPy(`import runlens\nwith runlens.start_run() as r: pass\nprint(r.id)`, sub, { RUNLENS_STORE: other }));
  const store = RunStore.open(dir);
  t.after(() => store.close());
  assert.equal(store.getRun(up).status, 'finished');
  assert.equal(store.findRun(named), undefined);
  const o = RunStore.open(other);
  t.after(() => o.close());
  assert.equal(o.getRun(named).status, 'finished');
});

test('the upward search stops at the workspace root: a stray store above a project is not used, as in the CLI', (t) => {
  const shared = tempDir(t);
  const stray = tsStore(shared);
  const project = path.join(shared, 'project');
  fs.mkdirSync(path.join(project, '.git'), { recursive: true });
  const sub = path.join(project, 'scripts');
  fs.mkdirSync(sub);
  const id = printedId(runPy(`import runlens\nwith runlens.start_run() as r: pass\nprint(r.id)`, sub));
  const mine = RunStore.open(path.join(sub, '.runlens'));
  t.after(() => mine.close());
  assert.equal(mine.getRun(id).status, 'finished', 'a new store where the script ran');
  const other = RunStore.open(stray);
  t.after(() => other.close());
  assert.equal(other.findRun(id), undefined, 'the stray store above the project root got nothing');
});
