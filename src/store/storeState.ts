import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { StorePaths } from './location';

/** Name of the sidecar beside store.db; outside the database so that reading and recording it is never a write to the store. */
export const STATE_FILE = 'store-state.json';

/** The identity of store.db's bytes as the file system sees them. */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/**
 * What a store remembers about itself between processes (`store-state.json`):
 * - `checked`: the stamp of store.db when `PRAGMA quick_check` last passed, so
 *   the check runs only when the file changed since (a damaged file is never
 *   recorded, so it is checked on every open);
 * - `lastOpenAt`: when a read-write open last succeeded; `gc` collects only
 *   blobs older than the open before its own.
 *
 * Why not `PRAGMA data_version` in the record: it is per connection (it only
 * says whether *another* connection committed since this one last looked),
 * so it means nothing to the next process.
 */
export interface StoreState {
  readonly checked?: FileStamp & { readonly at: number };
  readonly lastOpenAt?: number;
}

/** The sidecar's content; `{}` when it is missing or unreadable (then everything is checked again). */
export function readStoreState(paths: StorePaths): StoreState {
  try {
    const parsed = JSON.parse(fs.readFileSync(statePath(paths), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as StoreState) : {};
  } catch {
    return {};
  }
}

/**
 * Merges `patch` into the sidecar (temp file + rename: a reader never sees half
 * a file; two processes racing both leave a valid one). Best effort: a store
 * folder that is not writable keeps no record, and is checked on every open.
 */
export function updateStoreState(paths: StorePaths, patch: Partial<StoreState>): void {
  const next = { ...readStoreState(paths), ...patch };
  const temp = path.join(paths.dir, `.${STATE_FILE}.${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    fs.writeFileSync(temp, JSON.stringify(next) + '\n', { flag: 'wx' });
    fs.renameSync(temp, statePath(paths));
  } catch {
    fs.rmSync(temp, { force: true });
  }
}

/** store.db's stamp now, or undefined when it is missing. */
export function stampOf(file: string): FileStamp | undefined {
  try {
    const st = fs.statSync(file);
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return undefined;
  }
}

/** Equal size, inode and mtime to the millisecond (what `utimes` can set back, and JSON keeps exactly). */
export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && Math.round(a.mtimeMs) === Math.round(b.mtimeMs) && a.ino === b.ino;
}

function statePath(paths: StorePaths): string {
  return path.join(paths.dir, STATE_FILE);
}
