import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The command line that runs `runlens` the way this process's code does: the
 * bundled `cli.js` beside this bundle (the CLI, the extension host), else the
 * TypeScript entry through tsx (tests and development from source). The job
 * script runs `runlens job-task` with it on the compute node, which sees the
 * same files on the shared file system.
 */
export function runlensInvocation(): string[] {
  const bundled = join(__dirname, 'cli.js');
  if (existsSync(bundled)) return [process.execPath, bundled];
  const source = join(__dirname, '..', '..', 'cli', 'main.ts');
  if (existsSync(source)) return [process.execPath, '--import', pathToFileURL(require.resolve('tsx')).href, source];
  const fromDist = join(__dirname, '..', 'dist', 'cli.js');
  if (existsSync(fromDist)) return [process.execPath, fromDist];
  throw new Error(`the RunLens CLI was not found next to ${__dirname}; run \`npm run build\``);
}
