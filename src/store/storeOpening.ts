import type { Db } from './connection';
import { withBusyRetry } from './connection';
import type { IntegrityCheckMode } from './integrity';
import { recordOwnCheckpoint } from './integrity';
import type { StorePaths } from './location';
import type { OpenDatabaseOptions, OpenedDatabase } from './openDatabase';
import type { WritabilityCheck } from './storeAccess';

export interface OpenStoreOptions {
  /** Open without writing anything (no migration, no stale marking). */
  readonly readonly?: boolean;
  /** Clock in ms since the epoch; default Date.now. */
  readonly now?: () => number;
  /** Heartbeat age after which a live run without a checkable pid is marked failed. Default 60 s. */
  readonly staleAfterMs?: number;
  /** Create the store when missing (read-write only). Default true. */
  readonly createIfMissing?: boolean;
  /** When to run `PRAGMA quick_check` on open: default when the file changed since the last check that passed. */
  readonly integrity?: IntegrityCheckMode;
  /** Whether this process may write the store (tests inject one); default `access(2)`. */
  readonly writability?: WritabilityCheck;
  /** The outcome of a check already run on this file (the editor's off-thread check): quick_check is not run again. */
  readonly checked?: { readonly damage: string | undefined };
}

/** RunStore.open's options as openStoreDatabase takes them. */
export function openDatabaseOptions(opts: OpenStoreOptions, now: number): OpenDatabaseOptions {
  return {
    readonly: opts.readonly ?? false,
    createIfMissing: opts.createIfMissing ?? true,
    integrity: opts.integrity,
    writability: opts.writability,
    checked: opts.checked,
    now,
  };
}

/**
 * Closes a store's connection. A writable one first checkpoints the WAL
 * (PASSIVE: never waits for readers), so a copied or backed-up store.db
 * alone is the whole store, and records the checkpointed file as checked
 * when it was the checked file until then (integrity.ts).
 */
export function closeStoreDatabase(db: Db, paths: StorePaths, opened: Pick<OpenedDatabase, 'cleanup'>, readonly: boolean, now: number): void {
  try {
    if (!readonly) recordOwnCheckpoint(paths, () => withBusyRetry(() => db.pragma('wal_checkpoint(PASSIVE)')), now);
  } catch {
    // A checkpoint another connection holds up is done by whoever closes last.
  } finally {
    db.close();
    opened.cleanup();
  }
}
