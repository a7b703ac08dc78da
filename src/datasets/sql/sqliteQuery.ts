import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { DatasetError } from '../datasetError';
import type { QueryResult } from './queryResult';
import { toQueryResult } from './queryResult';

/**
 * Runs a query on a SQLite file opened read-only (a query that writes fails:
 * "attempt to write a readonly database"). `url` is `sqlite:path`, relative
 * to `baseDir` (the config's folder). `source` names it in errors.
 */
export function querySqlite(url: string, query: string, baseDir: string, source: string): QueryResult {
  const rel = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  if (rel === '') throw new DatasetError(`${source}: no file after sqlite: (write sqlite:data/shop.db)`);
  const file = isAbsolute(rel) ? rel : resolve(baseDir, rel);
  if (!existsSync(file)) throw new DatasetError(`${source}: no database file at ${file}`);
  let db: Database.Database;
  try {
    // Required on first use, as the store does: a native-module mismatch becomes this source's error.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Driver = require('better-sqlite3') as typeof Database;
    db = new Driver(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new DatasetError(`${source}: cannot open the database (${firstLine(e)})`);
  }
  try {
    let stmt: Database.Statement;
    try {
      stmt = db.prepare(query);
    } catch (e) {
      throw new DatasetError(`${source}: ${firstLine(e)}`);
    }
    if (!stmt.reader) throw new DatasetError(`${source}: the query returns no rows to train on (give a SELECT)`);
    let rows: unknown[][];
    try {
      rows = stmt.raw(true).all() as unknown[][];
    } catch (e) {
      throw new DatasetError(`${source}: ${firstLine(e)}`);
    }
    const names = stmt.columns().map((c) => c.name);
    return toQueryResult(source, names, names.map(() => undefined), rows);
  } finally {
    db.close();
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
