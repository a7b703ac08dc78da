import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The loader module's file name; the MLmodel names it as `loader_module: runlens_pyfunc`. */
export const PYFUNC_LOADER_FILE = 'runlens_pyfunc.py';

/**
 * The path of `runlens_pyfunc.py` as RunLens ships it: `<extension>/python/`
 * in the VSIX, `<package>/python/` for the npm CLI, `<repo>/python/` from the
 * sources; found upwards from this module, as the Python logging helper is.
 */
export function findPyfuncLoader(from = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'python', PYFUNC_LOADER_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The loader module's source; throws one line saying it is missing from this installation. */
export function readPyfuncLoader(from = __dirname): Buffer {
  const file = findPyfuncLoader(from);
  if (!file) throw new Error(`python/${PYFUNC_LOADER_FILE} is missing from this RunLens installation (looked upwards from ${from}); reinstall RunLens`);
  return readFileSync(file);
}
