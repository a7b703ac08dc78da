import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The store a CLI command uses: `--store DIR`, else `RUNLENS_STORE`, else the
 * nearest `.runlens/` in the current folder or above it (as git finds
 * `.git`), else `./.runlens`, created on first write.
 */
export function findStoreDir(cwd: string, option: string | undefined, env: NodeJS.ProcessEnv): string {
  if (option) return resolve(cwd, option);
  if (env.RUNLENS_STORE) return resolve(cwd, env.RUNLENS_STORE);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.runlens', 'store.db'))) return join(dir, '.runlens');
    if (dirname(dir) === dir) break;
  }
  return join(resolve(cwd), '.runlens');
}
