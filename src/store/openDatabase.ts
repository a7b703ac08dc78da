import fs from 'node:fs';
import os from 'node:os';
import type { Db } from './connection';
import { openConnection, withBusyRetry } from './connection';
import { StoreError, explainSqliteError } from './errors';
import type { IntegrityCheckMode } from './integrity';
import { checkIntegrityOnOpen, recordChecked } from './integrity';
import type { StorePaths } from './location';
import { ensureStoreDir } from './location';
import { SCHEMA_VERSION, migrate } from './schema';
import type { WritabilityCheck } from './storeAccess';
import { canReadInPlace, snapshotCopy, storeWritability } from './storeAccess';
import { assertMayCreateStore, storeFileState } from './storeFolder';
import type { StoreShape } from './storeShape';
import { checkStoreShape } from './storeShape';
import { readStoreState, updateStoreState } from './storeState';

export interface OpenDatabaseOptions {
  /** Asked for read-only (untrusted workspace, a reader): nothing is written, not even the sidecar. */
  readonly readonly: boolean;
  readonly createIfMissing: boolean;
  /** When to run quick_check (default: when the file changed since the last check that passed). */
  readonly integrity?: IntegrityCheckMode;
  /** The outcome of a check already run on this file (off-thread, storeCheck.ts): quick_check is not run again. */
  readonly checked?: { readonly damage: string | undefined };
  /** Whether this process may write the store; default `access(2)` on the file and its folder. */
  readonly writability?: WritabilityCheck;
  readonly now: number;
}

/** An open store database and what opening it found out. */
export interface OpenedDatabase {
  readonly db: Db;
  /** Why writes are refused (asked read-only, not writable, damaged), or undefined. */
  readonly refusal: string | undefined;
  /** quick_check's first finding when the file is damaged. */
  readonly damage: string | undefined;
  /** When the last read-write open before this one succeeded (gc keeps blobs newer than it). */
  readonly previousOpenAt: number | undefined;
  /** Removes the private copy a read-only open of a store that cannot be read in place made. */
  readonly cleanup: () => void;
}

/**
 * Opens a store's SQLite file for RunStore.open, refusing what RunLens did
 * not make before running any query on it:
 * 1. store.db as a folder, or missing/empty beside an old store's data (never re-initialised);
 * 2. read-only when this process cannot write the file or its folder;
 * 3. the shape check (storeShape.ts): exactly RunLens's tables, indexes and
 *    triggers for a known schema version, before any other query;
 * 4. quick_check when the file changed since the last check: a damaged
 *    file opens for reading with writes refused;
 * 5. read-write: WAL, migrations, and the open time recorded.
 * SQLite's errors about the file (not a database, malformed) name the file.
 */
export function openStoreDatabase(paths: StorePaths, opts: OpenDatabaseOptions): OpenedDatabase {
  const state = storeFileState(paths);
  if (state === 'folder') {
    throw new StoreError(`${paths.db} is a folder, not a RunLens store database; move it away, or restore store.db from a backup`);
  }
  if (state === 'missing' && (opts.readonly || !opts.createIfMissing)) throw new StoreError(`no RunLens store at ${paths.dir}`);
  if (state === 'empty' && opts.readonly) {
    throw new StoreError(`${paths.db} is empty (0 bytes); restore it from a backup, or run \`runlens doctor\``);
  }
  if (state === 'missing' || state === 'empty') assertMayCreateStore(paths, state);

  const notWritable = opts.readonly || state === 'missing' ? undefined : (opts.writability ?? storeWritability)(paths);
  const readonly = opts.readonly || notWritable !== undefined;
  let refusal = opts.readonly ? `the store at ${paths.dir} is open read-only` : notWritable && `cannot write to ${paths.db}: ${notWritable}`;

  // Only the folder itself before the checks; its layout (.gitignore, artifacts/tmp) once the file proved to be a store.
  if (state === 'missing') fs.mkdirSync(paths.dir, { recursive: true });
  const copy = readonly && !canReadInPlace(paths) ? snapshotCopy(paths, os.tmpdir()) : undefined;
  const file = copy?.file ?? paths.db;
  let db: Db | undefined;
  try {
    db = openConnection(file, readonly);
    // A view or trigger in the store may call functions; none from an untrusted schema.
    db.pragma('trusted_schema = OFF');
    let shape = readShape(db, paths.db);
    if (shape.blank) {
      if (readonly) throw new StoreError(`${paths.db} holds no RunLens tables; restore it from a backup, or run \`runlens doctor\``);
      shape = assertMayFillBlank(db, paths, shape);
    }
    if (readonly && shape.version < SCHEMA_VERSION) {
      throw new StoreError(`${paths.db} has schema ${shape.version}, this version needs ${SCHEMA_VERSION}; open it once read-write to upgrade`);
    }
    const damage = shape.blank ? undefined : opts.checked ? opts.checked.damage : checkIntegrityOnOpen(db, paths, { mode: opts.integrity ?? 'if-changed', record: !readonly, now: opts.now });
    if (damage !== undefined) {
      refusal = `${paths.db} is damaged (quick_check: ${damage}); writes are refused: run \`runlens doctor --repair\` to copy what is readable into a new store`;
    }
    let previousOpenAt: number | undefined;
    if (!readonly && damage === undefined) {
      ensureStoreDir(paths);
      withBusyRetry(() => db!.pragma('journal_mode = WAL'));
      db.pragma('synchronous = NORMAL');
      migrate(db, paths.db);
      // A store this process just created holds only what it wrote: as good as checked.
      if (shape.blank) recordChecked(paths, opts.now);
      previousOpenAt = readStoreState(paths).lastOpenAt;
      updateStoreState(paths, { lastOpenAt: opts.now });
    }
    return { db, refusal, damage, previousOpenAt, cleanup: copy?.cleanup ?? (() => {}) };
  } catch (e) {
    db?.close();
    copy?.cleanup();
    throw explainSqliteError(e, paths.db);
  }
}

/** The shape check in one read transaction, so user_version and sqlite_master come from one snapshot (another process may be creating the store). */
function readShape(db: Db, file: string): StoreShape {
  return withBusyRetry(() => db.transaction(() => checkStoreShape(db, file)).deferred());
}

/**
 * A blank database (valid, nothing committed) is filled only where starting
 * a new store is allowed. Looked at twice: a process creating the store at
 * this moment commits its schema and then writes the sidecar, so a second
 * look sees the schema.
 */
function assertMayFillBlank(db: Db, paths: StorePaths, shape: StoreShape): StoreShape {
  try {
    assertMayCreateStore(paths, 'blank');
    return shape;
  } catch (e) {
    const again = readShape(db, paths.db);
    if (again.blank) throw e;
    return again;
  }
}
