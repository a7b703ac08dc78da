import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable `name` on `PATH` (the first, as a shell finds it), or null. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}
