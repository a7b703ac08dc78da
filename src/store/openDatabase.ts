import fs from 'node:fs';
import type { Db } from './connection';
import { openConnection, withBusyRetry } from './connection';
import { StoreError } from './errors';
import type { StorePaths } from './location';
import { ensureStoreDir } from './location';
import { SCHEMA_VERSION, assertNotNewer, migrate } from './schema';

/**
 * Opens a store's SQLite file for RunStore.open: read-write creates the
 * directory and file when allowed, switches to WAL and migrates; read-only
 * never writes and refuses a store older than this version's schema.
 */
export function openStoreDatabase(paths: StorePaths, opts: { readonly readonly: boolean; readonly createIfMissing: boolean }): Db {
  const { readonly } = opts;
  if (!fs.existsSync(paths.db) && (readonly || !opts.createIfMissing)) throw new StoreError(`no RunLens store at ${paths.dir}`);
  if (!readonly) ensureStoreDir(paths);
  const db = openConnection(paths.db, readonly);
  try {
    // Checked before any pragma that writes (journal_mode), so a newer store stays byte-for-byte intact.
    const version = assertNotNewer(db, paths.db);
    if (readonly) {
      if (version < SCHEMA_VERSION) {
        throw new StoreError(`${paths.db} has schema ${version}, this version needs ${SCHEMA_VERSION}; open it once read-write to upgrade`);
      }
    } else {
      withBusyRetry(() => db.pragma('journal_mode = WAL'));
      db.pragma('synchronous = NORMAL');
      migrate(db, paths.db);
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
