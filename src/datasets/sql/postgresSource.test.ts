/**
 * Training from a real PostgreSQL (Debian's server in a temp folder, password
 * auth on 127.0.0.1): a table of 100,000 rows, a run from a query, the table
 * changed, a run with --refresh-data, the diff between the two versions; and
 * the errors a user meets (wrong password, unknown table, syntax error, no
 * rows), each one line naming the source.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { startPostgres } from '../../tracking/testing/postgres';
import type { PostgresServer } from '../../tracking/testing/postgres';
import { runQuery } from './runQuery';
import { DB_PASSWORDS_ENV, queryDatasetName } from './sqlSource';
import { DatasetError } from '../datasetError';
import { trainRun } from '../../worker/trainRun';
import type { WorkerMessage } from '../../worker/protocol';
import { tempStore } from '../../worker/command/commandTesting';
import { diffDatasets } from '../diffDatasets';
import { parseDatasetRef } from '../datasetRef';
import { listDatasetFiles } from '../datasetCatalog';

const PASSWORD = 'pg-test-secret';
const ROWS = 100_000;

describe('PostgreSQL sources', () => {
  const t = tempStore();
  let pg: PostgresServer;
  let admin: Client;
  before(async () => {
    pg = await startPostgres({ password: PASSWORD });
    pg.createDatabase('shop');
    admin = new Client({ host: '127.0.0.1', port: pg.port, user: 'postgres', password: PASSWORD, database: 'shop' });
    await admin.connect();
    await admin.query(`CREATE TABLE sales AS
      SELECT i AS id, (i % 97) * 0.5 AS amount, (i % 13)::float8 AS visits,
             (ARRAY['north', 'south', 'east', 'west'])[1 + i % 4] AS region, (i % 5 = 0) AS vip,
             CASE WHEN (i % 97) * 0.5 + (i % 13) * 2 + (i % 4) * 5 > 45 THEN 'high' ELSE 'low' END AS label
      FROM generate_series(1, ${ROWS}) AS i`);
  });
  after(async () => {
    await admin?.end().catch(() => undefined);
    pg?.stop();
    t.cleanup();
    delete process.env.RUNLENS_TEST_PGPASS;
  });
  const url = () => `postgresql://postgres:\${RUNLENS_TEST_PGPASS}@127.0.0.1:${pg.port}/shop`;
  const shown = () => `postgresql://postgres@127.0.0.1:${pg.port}/shop`;

  test('a query gives typed columns, with the password from ${VAR} or from the editor\'s stored one', async () => {
    const r = await runQuery(url(), 'SELECT id, amount, region, vip FROM sales ORDER BY id LIMIT 5', 'data.sql', { baseDir: t.dir, env: { RUNLENS_TEST_PGPASS: PASSWORD } });
    assert.deepEqual(r.columns.map((c) => [c.name, c.kind]), [['id', 'numeric'], ['amount', 'numeric'], ['region', 'text'], ['vip', 'boolean']]);
    assert.deepEqual(r.columns[0].values, [1, 2, 3, 4, 5]);
    assert.deepEqual(r.columns[3].values, [false, false, false, false, true]);
    const stored = { [DB_PASSWORDS_ENV]: JSON.stringify({ [`postgres@127.0.0.1:${pg.port}/shop`]: PASSWORD }) };
    const viaStore = await runQuery(shown(), 'SELECT count(*)::int AS n FROM sales', 'data.sql', { baseDir: t.dir, env: stored });
    assert.deepEqual(viaStore.columns[0].values, [ROWS]);
  });

  test('wrong password, unknown table, syntax error, no rows, a write: one line naming the source', async () => {
    const env = { RUNLENS_TEST_PGPASS: PASSWORD };
    const fails = async (sql: string, re: RegExp, envOver: NodeJS.ProcessEnv = env) => {
      await assert.rejects(runQuery(url(), sql, 'data.sql', { baseDir: t.dir, env: envOver }), (e: unknown) => {
        assert.ok(e instanceof DatasetError, String(e));
        assert.ok(e.message.startsWith(`data.sql (${shown()}): `), e.message);
        assert.ok(!e.message.includes('\n'));
        assert.ok(!e.message.includes(PASSWORD));
        assert.match(e.message, re);
        return true;
      });
    };
    await fails('SELECT 1', /cannot connect: password authentication failed for user "postgres"$/, { RUNLENS_TEST_PGPASS: 'wrong' });
    await fails('SELECT * FROM nope', /relation "nope" does not exist \(at character 15 of the query\)$/);
    await fails('SELECT * FORM sales', /syntax error at or near "FORM" \(at character 10 of the query\)$/);
    await fails("SELECT * FROM sales WHERE region = 'nowhere'", /the query returned no rows; a model needs data/);
    await fails('DELETE FROM sales WHERE id = 1 RETURNING id', /cannot execute DELETE in a read-only transaction/);
    assert.equal((await admin.query('SELECT count(*)::int AS n FROM sales')).rows[0].n, ROWS);
  });

  test('train from a query of 100,000 rows, change the table, refresh, diff the two versions', async () => {
    process.env.RUNLENS_TEST_PGPASS = PASSWORD;
    const query = 'SELECT id, amount, visits, region, vip, label FROM sales';
    const configPath = join(t.dir, 'sales.train.yaml');
    writeFileSync(configPath, [
      'data:',
      `  sql: { url: "${url()}", query: "${query}" }`,
      '  target: label',
      '  features: { exclude: [id] }',
      'model: { type: decision_tree, params: { max_depth: 4 } }',
    ].join('\n'));
    const train = async (refreshData: boolean) => {
      const messages: WorkerMessage[] = [];
      await trainRun({ store: t.store, request: { storeDir: t.storeDir, configPath, refreshData }, emit: (m) => messages.push(m), signal: new AbortController().signal });
      return messages;
    };
    const finishedRun = (messages: WorkerMessage[]) => {
      const started = messages.find((m) => m.type === 'started');
      assert.ok(started?.type === 'started' && messages.some((m) => m.type === 'finished'), JSON.stringify(messages.filter((m) => m.type !== 'progress')));
      return t.store.datasets.listInputs(started.runId)[0];
    };
    const v1 = finishedRun(await train(false));
    const name = queryDatasetName(url(), query);
    assert.equal(v1.path, name);
    assert.ok(!v1.path.includes(PASSWORD));
    assert.equal(t.store.datasets.getDataset(v1.fingerprint)?.rows, ROWS);

    await admin.query("UPDATE sales SET region = 'central' WHERE id <= 1000");
    await admin.query(`DELETE FROM sales WHERE id > ${ROWS - 500}`);
    const v2 = finishedRun(await train(true));
    assert.notEqual(v2.fingerprint, v1.fingerprint);
    assert.equal(t.store.datasets.getDataset(v2.fingerprint)?.rows, ROWS - 500);

    const side = (text: string) => ({ ref: parseDatasetRef(text), ctx: { store: t.store, root: t.dir } });
    const both = await diffDatasets(side(v1.fingerprint), side(v2.fingerprint), { key: ['id'] });
    try {
      const d = both.fileDiff.diff;
      assert.equal(d.rows.modified, 1000);
      assert.equal(d.rows.removed, 500);
      assert.equal(d.rows.added, 0);
    } finally {
      both.dispose();
    }
    const [entry] = (await listDatasetFiles(t.store, t.dir)).filter((f) => f.path === name);
    assert.equal(entry.state, 'query');
    assert.equal(entry.versions.length, 2);

    // A wrong password fails the run with the same one line.
    process.env.RUNLENS_TEST_PGPASS = 'wrong';
    const failed = (await train(true)).find((m) => m.type === 'failed');
    assert.ok(failed?.type === 'failed');
    assert.equal(failed.error.message, `data.sql (${shown()}): cannot connect: password authentication failed for user "postgres"`);
  });
});
