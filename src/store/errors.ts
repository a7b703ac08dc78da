import { UserError } from '../core/util/errors';

/**
 * A store failure the user can act on (unknown run, immutable param changed,
 * store written by a newer RunLens…). The message is one clear line; callers
 * print it without a stack. Extends `UserError` so the CLI and the extension
 * treat it like any other user-facing error.
 */
export class StoreError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** SQLite's "database is busy/locked" family, the only errors worth retrying. */
export function isBusyError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** A foreign-key violation, i.e. the run (or parent run) a row points at is gone. */
export function isForeignKeyError(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
