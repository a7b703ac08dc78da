import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding the Python helper `runlens.py` that ships with RunLens
 * (`<extension>/python`, or `<repo>/python` from the sources), found upwards
 * from this module; undefined when it is not installed. A command run puts it
 * first on `PYTHONPATH`, so `import runlens` works without `pip install` and
 * is always the helper that matches this store's schema.
 */
export function findPythonHelperDir(from = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'python');
    if (existsSync(join(candidate, 'runlens.py'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
