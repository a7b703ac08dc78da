import fs from 'node:fs';
import path from 'node:path';

/** Name of the store directory inside a workspace. */
export const STORE_DIR_NAME = '.runlens';
/** Environment variable naming the store directory. */
export const STORE_ENV_VAR = 'RUNLENS_STORE';

/**
 * The store directory: the explicit `--store DIR` option, else `$RUNLENS_STORE`,
 * else `<workspaceRoot>/.runlens`. Relative paths resolve against the workspace root.
 */
export function resolveStoreDir(
  workspaceRoot: string,
  opts: { store?: string; env?: Record<string, string | undefined> } = {},
): string {
  const explicit = opts.store?.trim() || opts.env?.[STORE_ENV_VAR]?.trim();
  return path.resolve(workspaceRoot, explicit || STORE_DIR_NAME);
}

/** File layout of a store directory. */
export interface StorePaths {
  readonly dir: string;
  readonly db: string;
  readonly artifacts: string;
  /** Blobs are written here first, then renamed into place (same file system). */
  readonly tmp: string;
}

export function storePaths(dir: string): StorePaths {
  const abs = path.resolve(dir);
  const artifacts = path.join(abs, 'artifacts');
  return { dir: abs, db: path.join(abs, 'store.db'), artifacts, tmp: path.join(artifacts, 'tmp') };
}

/**
 * Creates the directory layout and a `.gitignore` holding `*`, so a store inside
 * a repository is never committed by accident. Existing files are left alone.
 */
export function ensureStoreDir(paths: StorePaths): void {
  fs.mkdirSync(paths.tmp, { recursive: true });
  const ignore = path.join(paths.dir, '.gitignore');
  try {
    fs.writeFileSync(ignore, '*\n', { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
