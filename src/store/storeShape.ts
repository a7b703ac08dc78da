import type { Db } from './connection';
import { loadDriver } from './connection';
import { StoreError } from './errors';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';

/** One row of `sqlite_master`, the SQL with its whitespace collapsed. */
export interface SchemaObject {
  readonly type: string;
  readonly name: string;
  readonly tbl_name: string;
  readonly sql: string | null;
}

/**
 * Tables SQLite itself creates on `ANALYZE` / `PRAGMA optimize`: harmless
 * statistics a store may or may not have, never read by RunLens queries'
 * results (only by the planner).
 */
const OPTIONAL_TABLES = new Set(['sqlite_stat1', 'sqlite_stat4']);

const expectedCache = new Map<number, ReadonlyMap<string, SchemaObject>>();

/** Whitespace-insensitive form of a CREATE statement (the Python helper's copy is indented differently). */
function normalizeSql(sql: string | null): string | null {
  return sql === null ? null : sql.replace(/\s+/g, ' ').trim();
}

/** Every object of sqlite_master, keyed by name. Reading it runs no view or trigger. */
export function readSchemaObjects(db: Db): Map<string, SchemaObject> {
  const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').all() as SchemaObject[];
  return new Map(rows.map((r) => [r.name, { ...r, sql: normalizeSql(r.sql) }]));
}

/**
 * The objects a fresh store of schema `version` has: the migrations applied
 * to an in-memory database (our own SQL, so nothing here can hang), cached.
 */
export function expectedObjects(version: number): ReadonlyMap<string, SchemaObject> {
  let objects = expectedCache.get(version);
  if (!objects) {
    const Driver = loadDriver();
    const db = new Driver(':memory:');
    try {
      for (const step of MIGRATIONS.slice(0, version)) step(db);
      objects = readSchemaObjects(db);
    } finally {
      db.close();
    }
    expectedCache.set(version, objects);
  }
  return objects;
}

/** What the shape check found: the schema version, and whether the file holds no objects at all (a blank database). */
export interface StoreShape {
  readonly version: number;
  readonly blank: boolean;
}

/**
 * Checks that a store holds exactly what RunLens creates for its
 * `user_version`: every object a table, index or trigger of the expected
 * name and SQL, none missing, no view or trigger or table it did not create.
 * Run before any other query: a foreign object (a recursive view in place of
 * `runs`, a trigger doing work on every insert) could otherwise hang or
 * mislead whoever reads the store. Throws a one-line StoreError naming the
 * file and the first offending object.
 */
export function checkStoreShape(db: Db, file: string, known: number = SCHEMA_VERSION): StoreShape {
  const version = db.pragma('user_version', { simple: true }) as number;
  const actual = readSchemaObjects(db);
  if (version > known) {
    throw new StoreError(`${file} was written by a newer RunLens (schema ${version}, this version knows ${known}); upgrade RunLens`);
  }
  if (version < 0) throw new StoreError(`${file} is not a RunLens store: unknown schema version ${version} (PRAGMA user_version)`);
  const expected = expectedObjects(version);
  for (const [name, want] of expected) {
    const obj = actual.get(name);
    if (!obj) throw new StoreError(`${file} is not a RunLens store of schema ${version}: ${want.type} "${name}" is missing`);
    if (want.type !== obj.type) {
      throw new StoreError(`${file} is not a RunLens store of schema ${version}: "${name}" is a ${obj.type}, RunLens created a ${want.type}`);
    }
    if (want.tbl_name !== obj.tbl_name || want.sql !== obj.sql) {
      throw new StoreError(`${file} is not a RunLens store of schema ${version}: ${obj.type} "${name}" does not have the shape RunLens created`);
    }
  }
  for (const [name, obj] of actual) {
    if (expected.has(name) || (obj.type === 'table' && OPTIONAL_TABLES.has(name))) continue;
    throw new StoreError(`${file} is not a RunLens store${version === 0 ? '' : ` of schema ${version}`}: it has a ${obj.type} "${name}" that RunLens did not create`);
  }
  return { version, blank: actual.size === 0 };
}
