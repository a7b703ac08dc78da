import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** How to start a worker thread: a bundled script, or code to `eval` that loads the TypeScript source under tsx. */
export interface WorkerEntry {
  readonly script: string;
  readonly eval: boolean;
}

/**
 * The worker `<name>.js` beside the bundle (`dist/`), else `<name>.ts` in
 * `dir` run under tsx (tests, development); undefined when neither can run,
 * and the caller does the work on its own thread.
 */
export function workerEntry(dir: string, name: string): WorkerEntry | undefined {
  const bundled = join(dir, `${name}.js`);
  if (existsSync(bundled)) return { script: bundled, eval: false };
  const source = join(dir, `${name}.ts`);
  if (!existsSync(source)) return undefined;
  let tsx: string;
  try {
    tsx = require.resolve('tsx/cjs/api');
  } catch {
    return undefined;
  }
  return { script: `require(${JSON.stringify(tsx)}).register();require(${JSON.stringify(source)});`, eval: true };
}
