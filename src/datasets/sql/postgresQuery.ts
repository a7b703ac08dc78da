import type * as Pg from 'pg';
import type { Client, ClientConfig, FieldDef } from 'pg';
import { DatasetError } from '../datasetError';
import type { QueryResult, ResultKind } from './queryResult';
import { toQueryResult } from './queryResult';

/** Seconds to wait for the server to accept a connection. */
const CONNECT_TIMEOUT_MS = 30_000;

/** PostgreSQL type oids and how their values are kept (pg gives int8 and numeric as text to keep their digits). */
const KINDS: ReadonlyMap<number, ResultKind> = new Map([
  [20, 'numeric'], [21, 'numeric'], [23, 'numeric'], [26, 'numeric'], [700, 'numeric'], [701, 'numeric'], [1700, 'numeric'],
  [16, 'boolean'],
]);

/**
 * Runs a query on PostgreSQL in a read-only transaction. `url` is the
 * connection string with its `${VAR}`s already expanded; `password`, when
 * given (the editor's stored one), is used when the URL has none. Errors are
 * one line naming `source`: a wrong password, an unknown table, a syntax
 * error, a server that does not answer.
 */
export async function queryPostgres(url: string, query: string, source: string, password?: string): Promise<QueryResult> {
  // Required on first use: the editor loads this module only when a diff runs a live query.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as typeof Pg;
  const config: ClientConfig = {
    // pg lets the connection string's fields override the config's, so a stored password goes into the string.
    connectionString: password !== undefined ? withPassword(url, password) : url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'runlens',
  };
  const client: Client = new pg.Client(config);
  // A connection dropped later (the server restarted) is reported by the query that fails, not as an uncaught error.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new DatasetError(`${source}: cannot connect: ${pgMessage(e)}`);
  }
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    const result = await client.query({ text: query, rowMode: 'array' });
    await client.query('ROLLBACK');
    const fields: FieldDef[] = result.fields ?? [];
    if (fields.length === 0) throw new DatasetError(`${source}: the query returns no rows to train on (give a SELECT)`);
    return toQueryResult(source, fields.map((f) => f.name), fields.map((f) => KINDS.get(f.dataTypeID) ?? 'text'), result.rows as unknown[][]);
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(`${source}: ${pgMessage(e)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL with `password` when it has none of its own. */
function withPassword(url: string, password: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') return url;
    u.password = encodeURIComponent(password);
    return u.toString();
  } catch {
    return url;
  }
}

/** The server's message with where it points in the query (`at character 15`), on one line. */
function pgMessage(e: unknown): string {
  const err = e as { message?: string; code?: string; position?: string };
  let m = (err.message ?? String(e)).split('\n')[0];
  if (err.position) m += ` (at character ${err.position} of the query)`;
  if (err.code === 'ECONNREFUSED') m = `connection refused (${m.replace(/^connect /, '')}); is the server running?`;
  return m;
}
