/**
 * Starts a container CLI under the build guard (`buildGuard.ts`), so that the
 * build stops when its owner (this process) dies, or, when the guard is not
 * installed, directly as before. Either way the child leads a process group
 * of its own holding the CLI and whatever it starts: signalling `-child.pid`
 * reaches the whole build.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { formatGuardArgs } from './buildGuardProtocol';

/** The guard script and the Node flags it needs. */
export interface BuildGuardEntry {
  readonly path: string;
  readonly execArgv: readonly string[];
}

/**
 * The guard in `dir`: `buildGuard.js` beside the bundle (dist/, for both
 * `dist/cli.js` and `dist/extension.js`), or the TypeScript source run
 * through tsx (tests, running from source); undefined when neither is there.
 */
export function resolveBuildGuard(dir: string = __dirname): BuildGuardEntry | undefined {
  const bundled = join(dir, 'buildGuard.js');
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  const source = join(dir, 'buildGuard.ts');
  if (!existsSync(source)) return undefined;
  try {
    return { path: source, execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
  } catch {
    return undefined; // sources without their dev dependencies
  }
}

export interface BuildSpawnOptions {
  readonly cwd?: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where to look for the guard; default beside this module. */
  readonly guardDir?: string;
  /** After the owner died, SIGTERM to SIGKILL; default the guard's `ORPHAN_GRACE_MS`. */
  readonly orphanGraceMs?: number;
}

export interface SpawnedBuild {
  /** The guard, or the CLI itself when unguarded; stdin is the guard's lifeline (never written), absent when unguarded. */
  readonly child: ChildProcessByStdio<Writable | null, Readable, Readable>;
  readonly guarded: boolean;
  /** One line for the build's log when the CLI runs unguarded. */
  readonly note?: string;
}

/**
 * How to run `guard` with this process's runtime. Inside VS Code that is
 * Electron, which runs as plain Node only with ELECTRON_RUN_AS_NODE; the
 * guard removes the variable again from the CLI's environment when it was
 * added here (one the owner had already is passed through, as without the guard).
 */
export function guardInvocation(
  guard: BuildGuardEntry,
  command: string,
  args: readonly string[],
  options: BuildSpawnOptions,
  electron = process.versions.electron !== undefined,
): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  const addElectron = electron && options.env.ELECTRON_RUN_AS_NODE === undefined;
  return {
    file: process.execPath,
    args: [
      ...guard.execArgv,
      guard.path,
      ...formatGuardArgs({ command, args, orphanGraceMs: options.orphanGraceMs, unsetEnv: addElectron ? ['ELECTRON_RUN_AS_NODE'] : [] }),
    ],
    env: addElectron ? { ...options.env, ELECTRON_RUN_AS_NODE: '1' } : options.env,
  };
}

/** Starts `command args` (no shell) under the guard when it is installed, directly otherwise. */
export function spawnBuildProcess(command: string, args: readonly string[], options: BuildSpawnOptions): SpawnedBuild {
  const guard = process.platform === 'win32' ? undefined : resolveBuildGuard(options.guardDir);
  if (!guard) {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const where = process.platform === 'win32' ? 'on Windows' : `(no buildGuard.js beside ${options.guardDir ?? __dirname})`;
    return { child, guarded: false, note: `[runlens] the build runs without its guard ${where}: if RunLens is killed, the container CLI keeps building` };
  }
  const run = guardInvocation(guard, command, args, options);
  // Detached: the guard leads a new process group, which the CLI joins. The stdin pipe is never written to; its end is the signal.
  const child = spawn(run.file, run.args, { cwd: options.cwd, env: run.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  // Writing is never done, but a guard gone first would make a pending close error with EPIPE.
  child.stdin.on('error', () => undefined);
  return { child, guarded: true };
}
