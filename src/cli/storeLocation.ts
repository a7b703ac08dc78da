import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Where a CLI command's store is, and how it was chosen (for messages). */
export interface StoreLocation {
  readonly dir: string;
  /** `option` (--store), `env` ($RUNLENS_STORE), `found` (a .runlens/ in the folder or one above), `default` (./.runlens, not there yet). */
  readonly source: 'option' | 'env' | 'found' | 'default';
  /** The folders whose `.runlens/` was looked for, nearest first (empty for option and env). */
  readonly searched: readonly string[];
}

/** A workspace root holds `.git`, `package.json` or a `*.train.*` config: the store lookup never goes above it. */
export function isWorkspaceRoot(dir: string): boolean {
  if (existsSync(join(dir, '.git')) || existsSync(join(dir, 'package.json'))) return true;
  try {
    return readdirSync(dir).some((name) => /^[^.].*\.train\./.test(name));
  } catch {
    return false;
  }
}

/**
 * The store a CLI command uses: `--store DIR`, else `RUNLENS_STORE`, else the
 * nearest `.runlens/` from the current folder up to its workspace root (and
 * never above `$HOME`), else `./.runlens`, created on first write. A stray
 * `.runlens/` in a shared parent (the temp folder) is not picked up by every
 * project below it.
 */
export function locateStore(cwd: string, option: string | undefined, env: NodeJS.ProcessEnv): StoreLocation {
  if (option) return { dir: resolve(cwd, option), source: 'option', searched: [] };
  if (env.RUNLENS_STORE) return { dir: resolve(cwd, env.RUNLENS_STORE), source: 'env', searched: [] };
  const home = resolve(env.HOME || homedir());
  const searched: string[] = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    searched.push(dir);
    if (existsSync(join(dir, '.runlens', 'store.db'))) return { dir: join(dir, '.runlens'), source: 'found', searched };
    if (isWorkspaceRoot(dir) || dir === home || dirname(dir) === dir) break;
  }
  return { dir: join(resolve(cwd), '.runlens'), source: 'default', searched };
}

/** The one line a read prints when there is no store where it looked. */
export function noStoreMessage(location: StoreLocation): string {
  const { dir, source, searched } = location;
  if (source === 'option') return `no RunLens store at ${dir} (named by --store); train a config or pass another --store`;
  if (source === 'env') return `no RunLens store at ${dir} (named by RUNLENS_STORE); train a config or pass --store`;
  const where = searched.length > 1 ? `${searched[0]} up to ${searched[searched.length - 1]}` : searched[0];
  return `no RunLens store here (looked for .runlens/ in ${where}); train a config or pass --store`;
}
