import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from './errors';
import type { StorePaths } from './location';

/** What store.db is on disk, before SQLite opens it. */
export type StoreFileState = 'missing' | 'empty' | 'folder' | 'file';

export function storeFileState(paths: StorePaths): StoreFileState {
  let st: fs.Stats;
  try {
    st = fs.statSync(paths.db);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new StoreError(`cannot read ${paths.db}: ${(e as Error).message}`);
  }
  if (st.isDirectory()) return 'folder';
  return st.size === 0 ? 'empty' : 'file';
}

/**
 * The first thing in the store folder that shows a store lived here, or
 * undefined for a folder RunLens may start a new store in: one that does not
 * exist, is empty, or holds only what creating a store makes first (its
 * `.gitignore`, an empty `artifacts/tmp/`, an empty store.db and empty
 * -wal/-shm/-journal files, which is also what a second process sees while
 * a first one is creating the store). With `blankDb`, store.db is a database
 * with nothing committed in it, so it and its -wal/-shm (a first process's
 * uncommitted schema) are no evidence either.
 */
export function storeDataEvidence(paths: StorePaths, blankDb = false): string | undefined {
  const names = readDir(paths.dir);
  for (const name of names) {
    const full = path.join(paths.dir, name);
    if (name === '.gitignore') continue;
    if (/^store\.db(-wal|-shm|-journal)?$/.test(name) && (blankDb || isEmptyFile(full))) continue;
    if (name === 'artifacts') {
      for (const inner of readDir(full)) {
        if (inner === 'tmp' && readDir(path.join(full, 'tmp')).length === 0) continue;
        return `artifacts/${inner}`;
      }
      continue;
    }
    return name;
  }
  return undefined;
}

/**
 * Refuses to start a new store where an old one's data still lies: a
 * store.db that is missing, empty or blank beside artifacts (or any other
 * file) means the database was lost or replaced, and a fresh one would make
 * every blob look unreferenced to `gc`.
 */
export function assertMayCreateStore(paths: StorePaths, what: 'missing' | 'empty' | 'blank'): void {
  const evidence = storeDataEvidence(paths, what === 'blank');
  if (evidence === undefined) return;
  const state = what === 'missing' ? 'is missing' : what === 'empty' ? 'is empty (0 bytes)' : 'holds no tables';
  throw new StoreError(
    `${paths.db} ${state} but ${paths.dir} still holds RunLens data (${evidence}); ` +
      'RunLens will not start a new store over it: restore store.db from a backup, or run `runlens doctor --repair` to set it aside and start a new store (nothing is deleted)',
  );
}

function readDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
}

function isEmptyFile(file: string): boolean {
  try {
    const st = fs.statSync(file);
    return st.isFile() && st.size === 0;
  } catch {
    return true; // gone meanwhile
  }
}
