/**
 * Putting the `runlens` command in a folder on PATH, as VS Code's own
 * "Install 'code' command in PATH" does, but in the user's own folders
 * (~/.local/bin, ~/bin) so it never needs sudo. No vscode import: the editor
 * command asks the questions, this module does the file work.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { isRunlensWrapper, wrapperScript } from './commandWrapper';
import type { WrapperTarget } from './commandWrapper';

export const COMMAND_NAME = 'runlens';

/** Where the command would go, and what the user must know first. */
export interface InstallPlan {
  /** The folder the wrapper goes into. */
  readonly dir: string;
  /** The folder does not exist yet: ask before creating it. */
  readonly mustCreate: boolean;
  /** The folder is on PATH in this environment (else a shell restart or a PATH line is needed). */
  readonly onPath: boolean;
  /** A `runlens` found earlier on PATH than `dir` that would win over ours, if any. */
  readonly shadowedBy: string | null;
}

function pathDirs(env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => resolve(d));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The user's own bin folder to install into: the first of ~/.local/bin and
 * ~/bin that is on PATH (and exists, or may be created), else ~/.local/bin
 * (the XDG one; most login shells add it to PATH once it exists).
 */
export function planInstall(home: string, env: NodeJS.ProcessEnv): InstallPlan {
  const candidates = [join(home, '.local', 'bin'), join(home, 'bin')];
  const dirs = pathDirs(env);
  const dir = candidates.find((c) => dirs.includes(c)) ?? candidates[0]!;
  const onPath = dirs.includes(dir);
  const before = onPath ? dirs.slice(0, dirs.indexOf(dir)) : dirs;
  const shadow = before.map((d) => join(d, COMMAND_NAME)).find((p) => existsSync(p) && !isOurs(p)) ?? null;
  return { dir, mustCreate: !isDir(dir), onPath, shadowedBy: shadow };
}

function isOurs(file: string): boolean {
  try {
    return isRunlensWrapper(readFileSync(file, 'utf8').slice(0, 4096));
  } catch {
    return false;
  }
}

/** A file RunLens will not overwrite or remove, or a folder it cannot use. */
export class PathInstallError extends Error {}

/**
 * Writes the wrapper as `<dir>/runlens` (mode 755, replaced atomically). A
 * folder that does not exist is created only with `create`; a `runlens` that
 * RunLens did not write (an npm-installed CLI, a user's script) is never
 * replaced. Returns the file written.
 */
export function installCommand(dir: string, target: WrapperTarget, options: { readonly create?: boolean } = {}): string {
  if (process.platform === 'win32') throw new PathInstallError('installing the runlens command is for Linux and macOS; on Windows run `node <extension>\\bin\\runlens.js`');
  if (!isDir(dir)) {
    if (existsSync(dir)) throw new PathInstallError(`${dir} is not a folder`);
    if (!options.create) throw new PathInstallError(`${dir} does not exist`);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  }
  const file = join(dir, COMMAND_NAME);
  if (existsSync(file) && !isOurs(file)) {
    throw new PathInstallError(`${file} already exists and was not installed by RunLens: remove it first, or keep using it`);
  }
  const tmp = join(dir, `.${COMMAND_NAME}.${process.pid}.tmp`);
  writeFileSync(tmp, wrapperScript(target), { mode: 0o755 });
  chmodSync(tmp, 0o755);
  renameSync(tmp, file);
  return file;
}

/**
 * Removes `<dir>/runlens` if RunLens wrote it. Returns the file removed, or
 * null when there was none; throws for a `runlens` that is someone else's.
 */
export function uninstallCommand(dir: string): string | null {
  const file = join(dir, COMMAND_NAME);
  if (!existsSync(file)) return null;
  if (!isOurs(file)) throw new PathInstallError(`${file} was not installed by RunLens; it is left as it is`);
  rmSync(file);
  return file;
}

/** Every `runlens` wrapper of ours in the folders `planInstall` considers (for uninstall). */
export function installedWrappers(home: string): string[] {
  return [join(home, '.local', 'bin'), join(home, 'bin')].map((d) => join(d, COMMAND_NAME)).filter((f) => existsSync(f) && isOurs(f));
}
