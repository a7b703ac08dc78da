import { readFileSync } from 'node:fs';

/**
 * Whether a process of this machine is alive: `process.kill(pid, 0)` (ESRCH means gone, EPERM means it exists
 * but is not ours), except that a zombie counts as gone. A zombie has exited and only waits for its parent to
 * reap it, which in a container whose PID 1 never reaps is forever; `kill(pid, 0)` still succeeds on it.
 * Where `/proc/<pid>/stat` exists, its state field `Z` marks the zombie.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** Whether `/proc/<pid>/stat` shows state `Z`; false where there is no /proc or the process is already gone. */
export function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "pid (comm) S …": comm may hold spaces and parentheses, so the state follows the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 1).trimStart().startsWith('Z');
}
