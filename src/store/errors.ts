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

/** SQLite's codes for a file that is damaged or is not a database at all. */
export function isCorruptError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** SQLite's code for a write to a file, folder or mount that does not allow it. */
export function isReadonlyError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_READONLY');
}

/**
 * A StoreError that keeps the SQLite code of the error it explains, so code
 * that tells errors apart by `code` still can.
 */
export class SqliteFileError extends StoreError {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/**
 * SQLite's errors about the file itself (damaged, not a database, read-only,
 * cannot be opened) as one line naming the file; any other error unchanged.
 * SQLite's own messages ("database disk image is malformed") never say which
 * file, and a user with several stores cannot act on them.
 */
export function explainSqliteError(e: unknown, file: string): unknown {
  if (e instanceof StoreError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const message = (e as Error).message;
  if (code === 'SQLITE_NOTADB') {
    return new SqliteFileError(`${file} is not a SQLite database (${message}); restore it from a backup, or run \`runlens doctor\``, code);
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new SqliteFileError(`${file} is damaged (${message}); run \`runlens doctor --repair\` to copy what is readable into a new store`, code);
  }
  if (code.startsWith('SQLITE_READONLY')) return new SqliteFileError(`cannot write to ${file}: ${message}`, code);
  if (code.startsWith('SQLITE_CANTOPEN')) return new SqliteFileError(`cannot open ${file}: ${message}`, code);
  if (code.startsWith('SQLITE_IOERR')) return new SqliteFileError(`cannot read or write ${file}: ${message} (${code})`, code);
  return e;
}
