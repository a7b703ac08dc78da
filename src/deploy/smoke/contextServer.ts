/**
 * The model server from a build context's own files: `node server/serve.js
 * model/model.json` in the context folder, what the image's ENTRYPOINT runs,
 * on this machine's Node. The smoke test's fallback where the image itself
 * cannot run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/util/errors';
import { RUNTIME_FILES } from '../build/dockerfile';
import type { ServerHandle } from '../container/spawnedServer';
import { startSpawnedServer } from '../container/spawnedServer';

/**
 * Starts it on a free loopback port. `execPath` is the Node to use; inside
 * VS Code's Electron it runs as Node through ELECTRON_RUN_AS_NODE.
 */
export function startContextServer(contextDir: string, execPath: string, timeoutMs = 30_000): Promise<ServerHandle> {
  const [server, model] = RUNTIME_FILES.map((f) => join(contextDir, f.context));
  for (const f of [server!, model!]) if (!existsSync(f)) throw new UserError(`the build context ${contextDir} lacks ${f}; build it again`);
  const args = [server!, model!, '--port', '0', '--host', '127.0.0.1'];
  return startSpawnedServer({
    command: execPath,
    args,
    cwd: contextDir,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    display: `node ${args.map((a) => a.replace(`${contextDir}/`, '')).join(' ')}`,
    timeoutMs,
  });
}
