import type Database from 'better-sqlite3';
import { explainSqliteError, isBusyError, StoreError } from './errors';

export type Db = Database.Database;
export type Statement = Database.Statement;

let driver: typeof Database | undefined;

/**
 * Loads the native SQLite driver on first use, not at import: a binary built
 * for another runtime (a VSIX for the wrong platform, Electron vs Node) then
 * becomes a clear StoreError instead of a crash while modules load.
 */
export function loadDriver(): typeof Database {
  if (driver) return driver;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    driver = require('better-sqlite3') as typeof Database;
    return driver;
  } catch (e) {
    const message = (e as Error).message;
    const runtime = process.versions.electron ? `Electron ${process.versions.electron}` : `Node.js ${process.version}`;
    throw new StoreError(
      `RunLens could not load its SQLite module (better-sqlite3) in ${runtime} (ABI ${process.versions.modules}, ${process.platform}-${process.arch}): ` +
        `${message.split('\n')[0]}. Install the RunLens build for this platform, or rebuild it with \`npm rebuild better-sqlite3\`.`,
    );
  }
}

/** How long SQLite waits for another process's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;

/** Opens the SQLite file with the pragmas every connection needs (not journal_mode: see openStore). */
export function openConnection(file: string, readonly: boolean): Db {
  const Driver = loadDriver();
  const db = new Driver(file, { readonly, fileMustExist: readonly });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  // Larger page cache: metric scans and listRuns reread the same pages.
  db.pragma('cache_size = -16000');
  return db;
}

/** The store API is synchronous (better-sqlite3), so a retry backoff must block too. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn`, retrying on SQLITE_BUSY/LOCKED with backoff. busy_timeout covers
 * almost every case; this is the last resort for the few places SQLite returns
 * BUSY without calling the busy handler (e.g. a WAL recovery in progress).
 */
export function withBusyRetry<T>(fn: () => T, attempts = 8): T {
  for (let i = 0; ; i++) {
    try {
      return fn();
    } catch (e) {
      if (!isBusyError(e) || i + 1 >= attempts) throw e;
      sleepSync(Math.min(1000, 20 * 2 ** i) * (0.5 + Math.random()));
    }
  }
}

const MAX_CACHED_STATEMENTS = 256;

const RUNNERS = new Set<PropertyKey>(['get', 'all', 'run', 'iterate']);

/**
 * A statement whose errors about the file (damaged, not a database,
 * read-only) name it: every store query goes through {@link Sql.stmt}, so
 * this is the one place that turns SQLite's anonymous "database disk image
 * is malformed" into a line the user can act on.
 */
function guardStatement(stmt: Statement, file: string): Statement {
  const proxy: Statement = new Proxy(stmt, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (!RUNNERS.has(prop)) {
        // pluck/raw/expand/bind return the statement itself: keep handing out the guarded one.
        return (...args: unknown[]) => {
          const r = (value as (...a: unknown[]) => unknown).apply(target, args);
          return r === target ? proxy : r;
        };
      }
      return (...args: unknown[]) => {
        try {
          const r = (value as (...a: unknown[]) => unknown).apply(target, args);
          return prop === 'iterate' ? guardIterator(r as IterableIterator<unknown>, file) : r;
        } catch (e) {
          throw explainSqliteError(e, file);
        }
      };
    },
  });
  return proxy;
}

function guardIterator<T>(it: IterableIterator<T>, file: string): IterableIterator<T> {
  return {
    next: (...args: [] | [undefined]) => {
      try {
        return it.next(...args);
      } catch (e) {
        throw explainSqliteError(e, file);
      }
    },
    return: (value?: unknown) => it.return?.(value) ?? { done: true, value: undefined },
    [Symbol.iterator]() {
      return this;
    },
  } as IterableIterator<T>;
}

/**
 * A connection plus a cache of prepared statements and a write-transaction
 * helper. Shared by the repositories of one store. `file` is named in errors
 * about the file itself (see errors.ts `explainSqliteError`).
 */
export class Sql {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: Db, readonly readonly: boolean, readonly file: string = db.name) {}

  /** A prepared statement for `sql`, cached (query-built SQL is bounded by an LRU-ish cap). */
  stmt(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      if (this.cache.size >= MAX_CACHED_STATEMENTS) this.cache.clear();
      s = guardStatement(this.explain(() => this.db.prepare(sql)), this.file);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** A pragma's value (`simple`) or rows, with errors about the file naming it. */
  pragma(source: string, simple = true): unknown {
    return this.explain(() => this.db.pragma(source, { simple }));
  }

  /**
   * Runs `fn` in a write transaction started with BEGIN IMMEDIATE, so the write
   * lock is taken up front (a deferred read→write upgrade can fail with BUSY
   * without waiting). Nested calls run in a SAVEPOINT of the outer
   * transaction: still all-or-nothing, and not retried (the outer one owns the lock).
   */
  write<T>(fn: () => T): T {
    const tx = this.db.transaction(fn);
    return this.explain(() => (this.db.inTransaction ? tx() : withBusyRetry(() => tx.immediate())));
  }

  /**
   * {@link write} for a hot path: the transaction wrapper is built once, not
   * per call (better-sqlite3's `db.transaction()` allocates a few closures).
   */
  writer<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T {
    const tx = this.db.transaction(fn);
    return (...args: A) => this.explain(() => (this.db.inTransaction ? tx(...args) : withBusyRetry(() => tx.immediate(...args))));
  }

  /** Runs `fn` in one read transaction, so several queries see one snapshot. */
  read<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.explain(() => this.db.transaction(fn).deferred());
  }

  private explain<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw explainSqliteError(e, this.file);
    }
  }
}
