import type { Db } from './connection';
import { withBusyRetry } from './connection';
import { StoreError } from './errors';
import { v1, v2 } from './migrationsV1V2';
import { v3, v4, v5, v6, v7, v8, v9 } from './migrationsV3On';

/** One schema step; migration i (0-based) takes the store from user_version i to i + 1. */
export type Migration = (db: Db) => void;

/** The ordered schema steps; the store's schema version is the count applied. */
export const MIGRATIONS: readonly Migration[] = [v1, v2, v3, v4, v5, v6, v7, v8, v9];
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a store written by a newer RunLens, before anything touches the file. */
export function assertNotNewer(db: Db, file: string, known: number = SCHEMA_VERSION): number {
  const version = schemaVersion(db);
  if (version > known) {
    throw new StoreError(
      `${file} was written by a newer RunLens (schema ${version}, this version knows ${known}); upgrade RunLens`,
    );
  }
  return version;
}

/**
 * Applies the missing migrations, each in its own BEGIN IMMEDIATE transaction
 * that re-reads user_version, so processes opening a fresh store together
 * migrate it exactly once.
 */
export function migrate(db: Db, file: string, migrations: readonly Migration[] = MIGRATIONS): void {
  for (;;) {
    const applied = withBusyRetry(() =>
      db
        .transaction(() => {
          const version = assertNotNewer(db, file, migrations.length);
          if (version === migrations.length) return false;
          migrations[version](db);
          db.pragma(`user_version = ${version + 1}`);
          return true;
        })
        .immediate(),
    );
    if (!applied) return;
  }
}
