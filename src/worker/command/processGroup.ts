import { execFile, spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts `argv` without a shell, in a process group of its own (POSIX), so
 * that stopping the run reaches everything the script started (data loader
 * workers, a `sh -c` pipeline) and nothing else.
 */
export function spawnInGroup(argv: readonly string[], options: { cwd: string; env: Readonly<Record<string, string>> }): ChildProcess {
  const posix = process.platform !== 'win32';
  return spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    // No stdin: a script that asks for input gets end-of-file instead of waiting forever.
    stdio: ['ignore', 'pipe', 'pipe'],
    // On Windows `detached` opens a console window; there the tree is stopped with taskkill instead.
    detached: posix,
    windowsHide: true,
  });
}

/**
 * Sends `signal` to the child's whole process group. Windows has no process
 * groups or SIGTERM: `taskkill /T` stops the tree (with `/F` for SIGKILL).
 */
export function signalGroup(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    execFile('taskkill', ['/pid', String(pid), '/T', ...(signal === 'SIGKILL' ? ['/F'] : [])], () => undefined);
    return;
  }
  if (!signalGroupId(pid, signal)) {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** Sends `signal` to every process of group `pgid` (POSIX); false when no process is left in it. */
export function signalGroupId(pgid: number, signal: 'SIGTERM' | 'SIGKILL'): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
