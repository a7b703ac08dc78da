/**
 * `runlens train` on a data.sql config through the real CLI (SQLite file):
 * the snapshot is reused after the table changes, --refresh-data queries
 * again, `runlens datasets` lists the query beside a file, `runlens diff`
 * compares the two versions and a version with the live query; and JSON
 * Lines / Parquet files diff like CSV.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeWorkspace, REPO_ROOT, runCli } from '../../../test/fixtures/workspace';

const ws = makeWorkspace();
after(() => ws.cleanup());

test('train from a query, reuse its snapshot, --refresh-data, list and diff the versions', () => {
  const db = new Database(join(ws.dir, 'shop.db'));
  db.exec('CREATE TABLE t (id INTEGER, x REAL, g TEXT, y TEXT)');
  const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
  for (let i = 0; i < 200; i++) ins.run(i, (i % 17) * 1.5, i % 3 === 0 ? 'a' : 'b', (i % 17) * 1.5 + (i % 3) > 12 ? 'yes' : 'no');
  db.close();
  const query = 'SELECT id, x, g, y FROM t';
  ws.write('q.train.yaml', [
    'data:',
    `  sql: { url: "sqlite:shop.db", query: "${query}" }`,
    '  target: y',
    '  features: { exclude: [id] }',
    'model: { type: logistic_regression }',
  ].join('\n'));
  copyFileSync(join(REPO_ROOT, 'examples/data/iris.csv'), join(ws.dir, 'iris.csv'));
  ws.write('iris.train.yaml', 'data: { path: iris.csv, target: species }\nmodel: { type: decision_tree }\n');

  const first = runCli(ws.dir, ['train', 'q.train.yaml', '--json']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(runCli(ws.dir, ['train', 'iris.train.yaml']).code, 0);
  const w = new Database(join(ws.dir, 'shop.db'));
  w.exec("UPDATE t SET g = 'c' WHERE id < 10");
  w.close();
  const again = runCli(ws.dir, ['train', 'q.train.yaml', '--verbose']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout + again.stderr, /data\.sql: reading the snapshot kept on/);
  const fresh = runCli(ws.dir, ['train', 'q.train.yaml', '--refresh-data', '--verbose']);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stdout + fresh.stderr, /data\.sql: running the query/);

  const listed = runCli(ws.dir, ['datasets', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const files = JSON.parse(listed.stdout) as { path: string; state: string; versions: { fingerprint: string }[] }[];
  const name = `sqlite:shop.db :: ${query}`;
  assert.deepEqual(files.map((f) => [f.path, f.state, f.versions.length]), [['iris.csv', 'unchanged', 1], [name, 'query', 2]]);
  const text = runCli(ws.dir, ['datasets']);
  assert.match(text.stdout, /sqlite:shop\.db :: SELECT id, x, g, y FROM t\s+2\s+200×4\s+query \(snapshots\)/);

  const [newer, older] = files[1].versions.map((v) => v.fingerprint);
  const diff = runCli(ws.dir, ['diff', older, newer, '--key', 'id', '--json']);
  assert.equal(diff.code, 1, diff.stderr);
  assert.equal(JSON.parse(diff.stdout).diff.rows.modified, 10);
  const live = runCli(ws.dir, ['diff', newer, name]);
  assert.equal(live.code, 0, live.stderr + live.stdout);
  ws.write('qs.train.yaml', [
    'data:',
    `  sql: { url: "sqlite:shop.db", query: "${query}" }`,
    '  target: y',
    'model: { type: logistic_regression }',
    'sweep: { method: grid, params: { model.params.C: [0.5, 1] }, metric: test_accuracy, goal: maximize }',
  ].join('\n'));
  const sweepRefresh = runCli(ws.dir, ['train', 'qs.train.yaml', '--refresh-data']);
  assert.equal(sweepRefresh.code, 2);
  assert.match(sweepRefresh.stderr, /--refresh-data is for a single training, not a sweep/);
});

test('a JSON Lines file diffs against the CSV of the same values as identical; a change shows', () => {
  writeFileSync(join(ws.dir, 'a.csv'), 'id,v,w\n1,2.5,x\n2,,y\n');
  writeFileSync(join(ws.dir, 'a.jsonl'), '{"id": 1, "v": 2.5, "w": "x"}\n{"id": 2, "v": null, "w": "y"}\n');
  writeFileSync(join(ws.dir, 'b.jsonl'), '{"id": 1, "v": 2.5, "w": "x"}\n{"id": 2, "v": 4, "w": "y"}\n');
  const same = runCli(ws.dir, ['diff', 'a.csv', 'a.jsonl', '--key', 'id']);
  assert.equal(same.code, 0, same.stderr + same.stdout);
  const changed = runCli(ws.dir, ['diff', 'a.jsonl', 'b.jsonl', '--key', 'id', '--json']);
  assert.equal(changed.code, 1, changed.stderr);
  assert.equal(JSON.parse(changed.stdout).diff.rows.modified, 1);
});
