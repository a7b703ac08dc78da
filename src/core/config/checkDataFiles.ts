import * as nodeFs from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigDiagnostic } from './configDiagnostic';
import { toDiagnostic } from './configDiagnostic';
import type { ConfigIssue } from './configIssue';
import type { Locate } from './sourceLocator';
import type { TrainConfig } from './trainConfig';

/** The part of `node:fs` the check uses; tests and the editor may pass their own. */
export interface FileProbe {
  existsSync(path: string): boolean;
  statSync(path: string): { isDirectory(): boolean; isFile?(): boolean };
}

/**
 * Checks that the files a config names exist, relative to the config's
 * folder: `data.path`, `data.train`, `data.test` (files) and `cwd` (a
 * folder). Messages give the absolute path looked for. Pass `locate` (from
 * `parseConfigText`) to get positions; without it, `line` is 0.
 */
export function checkDataFiles(
  config: TrainConfig,
  configDir: string,
  fs: FileProbe = nodeFs,
  locate?: Locate,
): ConfigDiagnostic[] {
  const issues: ConfigIssue[] = [];
  const check = (pointer: readonly string[], value: unknown, want: 'file' | 'folder') => {
    if (typeof value !== 'string' || value === '') return;
    const abs = isAbsolute(value) ? value : resolve(configDir, value);
    const name = pointer.join('.');
    if (!fs.existsSync(abs)) {
      issues.push({ message: `${name} "${value}" ${whyAbsent(fs, abs)}`, severity: 'error', pointer, target: 'value' });
      return;
    }
    const stat = fs.statSync(abs);
    const isDir = stat.isDirectory();
    if (want === 'file' && isDir) {
      issues.push({ message: `${name} "${value}" is a folder, not a file (${abs})`, severity: 'error', pointer, target: 'value' });
    } else if (want === 'file' && stat.isFile?.() === false) {
      issues.push({ message: `${name} "${value}" is not a regular file: a device, pipe or socket (${abs})`, severity: 'error', pointer, target: 'value' });
    } else if (want === 'folder' && !isDir) {
      issues.push({ message: `${name} "${value}" is a file, not a folder (${abs})`, severity: 'error', pointer, target: 'value' });
    }
  };
  for (const key of ['path', 'train', 'test'] as const) check(['data', key], config.data?.[key], 'file');
  check(['cwd'], config.cwd, 'folder');
  return issues.map((issue) => toDiagnostic(issue, locate));
}

/**
 * Why `existsSync` said no: it says no for a symlink loop or a folder that
 * cannot be searched as well, where "not found" would send the user looking
 * for a file that is there.
 */
function whyAbsent(fs: FileProbe, abs: string): string {
  let code: string | undefined;
  try {
    fs.statSync(abs);
  } catch (e) {
    code = (e as NodeJS.ErrnoException).code;
  }
  switch (code) {
    case 'ELOOP':
      return `is a symlink loop (${abs} leads back to itself)`;
    case 'EACCES':
    case 'EPERM':
      return `cannot be reached: permission denied (${abs})`;
    case 'ENOTDIR':
      return `not found: a part of the path is a file, not a folder (${abs})`;
    default:
      return `not found (looked for ${abs})`;
  }
}
