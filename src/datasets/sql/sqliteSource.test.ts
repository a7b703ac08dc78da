/**
 * Queries on a real SQLite file: the reader (types, NULLs, read-only,
 * errors), and training from a query through `trainRun` (what the trainer
 * worker runs) on a real store: the snapshot, its reuse, --refresh-data,
 * the catalog and the diff of two versions.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { runQuery } from './runQuery';
import { queryDatasetName, sqlSourcesOf } from './sqlSource';
import { DatasetError } from '../datasetError';
import { trainRun } from '../../worker/trainRun';
import type { WorkerMessage } from '../../worker/protocol';
import { tempStore } from '../../worker/command/commandTesting';
import { listDatasetFiles } from '../datasetCatalog';
import { diffDatasets } from '../diffDatasets';
import { parseDatasetRef } from '../datasetRef';

describe('SQLite sources', () => {
  const t = tempStore();
  after(() => t.cleanup());
  const db = new Database(join(t.dir, 'shop.db'));
  db.exec(`CREATE TABLE sales (id INTEGER, amount REAL, region TEXT, code TEXT, vip INTEGER, label TEXT);`);
  const insert = db.prepare('INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?)');
  const regions = ['north', 'south', 'east', 'west'];
  db.transaction(() => {
    for (let i = 0; i < 400; i++) {
      const amount = (i % 50) * 2.5;
      insert.run(i, i === 7 ? null : amount, regions[i % 4], `0${i % 9}`, i % 2, amount + (i % 4) * 10 > 70 ? 'high' : 'low');
    }
  })();
  db.close();
  const ctx = { baseDir: t.dir, env: { SHOP_DIR: t.dir } };

  test('a query gives typed columns: numbers, text that looks like numbers stays text, NULL is missing', async () => {
    const r = await runQuery('sqlite:${SHOP_DIR}/shop.db', 'SELECT amount, region, code FROM sales WHERE id < 10 ORDER BY id', 'data.sql', ctx);
    assert.equal(r.rows, 10);
    assert.deepEqual(r.columns.map((c) => [c.name, c.kind]), [['amount', 'numeric'], ['region', 'text'], ['code', 'text']]);
    assert.equal(r.columns[0].values[7], null);
    assert.equal(r.columns[2].values[3], '03');
  });

  test('the file is opened read-only: a query that writes fails, and the table keeps its rows', async () => {
    await assert.rejects(runQuery('sqlite:shop.db', 'DELETE FROM sales RETURNING id', 'data.sql', ctx),
      (e: unknown) => e instanceof DatasetError && e.message === 'data.sql (sqlite:shop.db): attempt to write a readonly database');
    const check = new Database(join(t.dir, 'shop.db'), { readonly: true });
    assert.equal((check.prepare('SELECT count(*) AS n FROM sales').get() as { n: number }).n, 400);
    check.close();
  });

  test('no rows, an unknown table, a syntax error and a missing file are one line naming the source', async () => {
    const fails = (url: string, sql: string, re: RegExp) => assert.rejects(runQuery(url, sql, 'data.sql', ctx), (e: unknown) => {
      assert.ok(e instanceof DatasetError);
      assert.match(e.message, re);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
    await fails('sqlite:shop.db', "SELECT * FROM sales WHERE region = 'nowhere'", /^data\.sql \(sqlite:shop\.db\): the query returned no rows; a model needs data/);
    await fails('sqlite:shop.db', 'SELECT * FROM nope', /^data\.sql \(sqlite:shop\.db\): no such table: nope$/);
    await fails('sqlite:shop.db', 'SELECT * FORM sales', /^data\.sql \(sqlite:shop\.db\): near "FORM": syntax error$/);
    await fails('sqlite:other.db', 'SELECT 1', /^data\.sql \(sqlite:other\.db\): no database file at /);
    await fails('sqlite:${NOPE}/x.db', 'SELECT 1', /^data\.sql\.url refers to \$\{NOPE\}, which is not set in the environment$/);
  });

  test('a password written into a URL is refused; a ${VAR} reference is not', () => {
    assert.throws(() => sqlSourcesOf({ sql: { url: 'postgres://app:hunter2@db/shop', query: 'SELECT 1' } }), /data\.sql\.url holds a password/);
    const [s] = sqlSourcesOf({ sql: { url: 'postgres://app:${PGPASS}@db/shop', query: ' SELECT *\n  FROM sales ' } });
    assert.equal(s.name, 'postgres://app:${PGPASS}@db/shop :: SELECT * FROM sales');
  });

  test('a sqlite path is named from the workspace, wherever the config sits', async () => {
    mkdirSync(join(t.dir, 'configs'), { recursive: true });
    const configPath = join(t.dir, 'configs', 'sub.train.yaml');
    writeFileSync(configPath, 'data:\n  sql: { url: "sqlite:../shop.db", query: "SELECT amount, region, label FROM sales" }\n  target: label\nmodel: { type: decision_tree }\n');
    const messages: WorkerMessage[] = [];
    await trainRun({ store: t.store, request: { storeDir: t.storeDir, configPath }, emit: (m) => messages.push(m), signal: new AbortController().signal });
    const started = messages.find((m) => m.type === 'started');
    assert.ok(started?.type === 'started' && messages.some((m) => m.type === 'finished'), JSON.stringify(messages.filter((m) => m.type !== 'progress')));
    assert.equal(t.store.datasets.listInputs(started.runId)[0].path, 'sqlite:shop.db :: SELECT amount, region, label FROM sales');
  });

  test('training from a query: snapshot recorded, reused on the next run, refreshed on request, versions diffed', async () => {
    const configPath = join(t.dir, 'sales.train.yaml');
    const query = 'SELECT amount, region, vip, label FROM sales';
    writeFileSync(configPath, [
      'data:',
      '  sql: { url: "sqlite:shop.db", query: "' + query + '" }',
      '  target: label',
      'model: { type: decision_tree, params: { max_depth: 3 } }',
    ].join('\n'));
    const train = async (refreshData = false) => {
      const messages: WorkerMessage[] = [];
      const lines: string[] = [];
      await trainRun({ store: t.store, request: { storeDir: t.storeDir, configPath, refreshData }, emit: (m) => messages.push(m), signal: new AbortController().signal, log: (l) => lines.push(l) });
      const started = messages.find((m) => m.type === 'started');
      const end = messages.find((m) => m.type === 'finished' || m.type === 'failed');
      assert.ok(started?.type === 'started' && end?.type === 'finished', JSON.stringify(messages.filter((m) => m.type !== 'progress')));
      return { runId: started.runId, lines, input: t.store.datasets.listInputs(started.runId) };
    };
    const name = queryDatasetName('sqlite:shop.db', query);
    const first = await train();
    assert.equal(first.input.length, 1);
    assert.equal(first.input[0].path, name);
    const v1 = first.input[0].fingerprint;
    assert.ok(t.store.datasets.datasetSnapshotPath(v1), 'the result is kept as a snapshot');
    assert.equal(t.store.datasets.getDataset(v1)?.rows, 400);
    assert.ok(first.lines.some((l) => l.includes('data.sql: running the query')));

    // The table changes; the next run reads the snapshot all the same.
    const w = new Database(join(t.dir, 'shop.db'));
    w.exec("UPDATE sales SET region = 'central' WHERE id < 40; DELETE FROM sales WHERE id >= 380");
    w.close();
    const second = await train();
    assert.equal(second.input[0].fingerprint, v1);
    assert.ok(second.lines.some((l) => l.includes('reading the snapshot kept on')), second.lines.join('\n'));

    const third = await train(true);
    const v2 = third.input[0].fingerprint;
    assert.notEqual(v2, v1);
    assert.equal(t.store.datasets.getDataset(v2)?.rows, 380);

    const [entry] = (await listDatasetFiles(t.store, t.dir)).filter((f) => f.path === name);
    assert.equal(entry.state, 'query');
    assert.deepEqual(entry.versions.map((v) => [v.fingerprint, v.source]), [[v2, 'snapshot'], [v1, 'snapshot']]);

    const side = (text: string) => ({ ref: parseDatasetRef(text), ctx: { store: t.store, root: t.dir } });
    const both = await diffDatasets(side(v1), side(v2));
    try {
      assert.equal(both.fileDiff.diff.identical, false);
      assert.equal(both.fileDiff.diff.rows.removed, 20 + 40);
      assert.equal(both.fileDiff.diff.rows.added, 40);
    } finally {
      both.dispose();
    }
    // The kept snapshot against the query run now: the same rows.
    const live = await diffDatasets(side(v2), side(name));
    try {
      assert.equal(live.fileDiff.diff.identical, true, JSON.stringify(live.fileDiff.diff.rows));
      assert.equal(live.b.fingerprint, v2, 'the same rows give the same snapshot bytes');
    } finally {
      live.dispose();
    }
  });
});
