import fs from 'node:fs';
import type { StorePaths } from './location';

/** Why this process cannot write a store, or undefined when it can. */
export type WritabilityCheck = (paths: StorePaths) => string | undefined;

/**
 * `access(2)` on store.db and its folder (SQLite writes -wal and -shm beside
 * the file). It answers for root too where the kernel refuses root: an
 * immutable file (`chattr +i`) or a read-only mount.
 */
export const storeWritability: WritabilityCheck = (paths) => {
  for (const [target, what] of [[paths.db, 'the file'], [paths.dir, 'its folder']] as const) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      return `${what} is not writable (${code ?? (e as Error).message})`;
    }
  }
  return undefined;
};

/**
 * Whether SQLite can open store.db read-only in place. A WAL database needs
 * its -shm file: when neither it exists nor the folder lets SQLite create it,
 * the open fails (and a URI `immutable=1` is not available in this build of
 * better-sqlite3), so the caller reads a copy instead.
 */
export function canReadInPlace(paths: StorePaths): boolean {
  if (fs.existsSync(`${paths.db}-shm`)) return true;
  try {
    fs.accessSync(paths.dir, fs.constants.W_OK);
    return true;
  } catch {
    return !isWalFile(paths.db);
  }
}

/** Bytes 18 and 19 of the header are 2 for a database in WAL mode. */
function isWalFile(file: string): boolean {
  const header = Buffer.alloc(20);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    fs.readSync(fd, header, 0, 20, 0);
    return header[18] === 2 || header[19] === 2;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Copies store.db (and its -wal, which holds committed pages not yet in the
 * file) into a private temp folder for a read-only open; `cleanup` removes it.
 */
export function snapshotCopy(paths: StorePaths, tempRoot: string): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(`${tempRoot}/runlens-readonly-`);
  const file = `${dir}/store.db`;
  try {
    fs.copyFileSync(paths.db, file);
    if (fs.existsSync(`${paths.db}-wal`)) fs.copyFileSync(`${paths.db}-wal`, `${file}-wal`);
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
