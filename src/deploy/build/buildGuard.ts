/**
 * The build guard: a small Node process between the process that owns a
 * build (`runlens build`, or the extension host) and the container CLI, so
 * that a build does not outlive its owner however the owner dies (SIGKILL,
 * a crash, a closed editor window). Built as `dist/buildGuard.js`; started by
 * `guardedSpawn.ts` as `node buildGuard.js [options] -- <cli> <args...>`.
 *
 * - The owner starts the guard in a process group of its own; the guard
 *   starts the CLI in that same group (not detached). The owner's Cancel is
 *   unchanged: SIGTERM to the group, SIGKILL after the grace, so every
 *   process of the build gets each signal once and SIGKILL needs no help
 *   from the guard. The guard outlives a SIGTERM or SIGINT to the group so it
 *   can report how the CLI ended.
 * - The CLI writes straight into the owner's stdout/stderr pipes (inherited,
 *   not copied through the guard): its bytes arrive as they would without
 *   the guard, and the owner still sees the end of the output only when
 *   everything holding those pipes has closed them.
 * - The guard exits as the CLI did: the same exit code, or the same signal
 *   (raised on itself), so the owner reads the CLI's `code`/`signal`.
 * - Its stdin is a pipe the owner never writes to. End-of-file there means
 *   every copy of the owner's end is closed, which the kernel does when the
 *   owner dies, whatever killed it: the guard sends SIGTERM to the group and
 *   SIGKILL after `--orphan-grace-ms`, then is gone with it. Linux's
 *   PR_SET_PDEATHSIG would do this without a process, but Node cannot call
 *   prctl and macOS has no equivalent; a pipe's end-of-file works on both.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { listGroupMembers } from '../../worker/command/groupMembers';
import { signalGroupId } from '../../worker/command/processGroup';
import { GUARD_FAILED_EXIT, GUARD_LINE_PREFIX, ORPHAN_GRACE_MS, parseGuardArgs } from './buildGuardProtocol';

/** Signals the owner sends to the whole group: they reach the CLI directly, and must not end the guard before it. */
const GROUP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/**
 * Signals Node keeps for itself (SIGPIPE is ignored, SIGUSR1 starts the
 * inspector): raising them would not end the guard, so a CLI ended by one is
 * reported the shell's way, exit code 128 + the signal's number.
 */
const NOT_RAISED: ReadonlySet<string> = new Set(['SIGPIPE', 'SIGUSR1']);
/** How often the group is looked at while it gets its grace. */
const POLL_MS = 50;

function fail(message: string): never {
  process.stderr.write(`${GUARD_LINE_PREFIX}${message}\n`);
  process.exit(GUARD_FAILED_EXIT);
}

const ignore = (): void => undefined;

/** Ends the guard the way the CLI ended. */
function exitLike(code: number | null, signal: NodeJS.Signals | null): void {
  if (signal === null) {
    process.exit(code ?? 1);
  }
  const number = constants.signals[signal] ?? 0;
  if (!NOT_RAISED.has(signal)) {
    // With no listener left, Node puts back the default action, which ends the process.
    for (const s of GROUP_SIGNALS) process.removeListener(s, ignore);
    process.kill(process.pid, signal);
  }
  // Still here: a signal Node keeps, or a raised one not delivered yet (it may reach another thread first), given a moment.
  setTimeout(() => process.exit(128 + number), NOT_RAISED.has(signal) ? 0 : 1000);
}

/**
 * The owner is gone: SIGTERM to the group (the guard ignores its own copy),
 * then SIGKILL once the grace is over, which ends the guard too. Exits
 * earlier once the guard is the last process of its group.
 */
function stopOrphanedGroup(group: number, graceMs: number): void {
  signalGroupId(group, 'SIGTERM');
  const killAt = Date.now() + graceMs;
  const look = (): void => {
    if (listGroupMembers(group).every((m) => m.pid === process.pid)) process.exit(1);
    if (Date.now() >= killAt) signalGroupId(group, 'SIGKILL');
    setTimeout(look, POLL_MS);
  };
  look();
}

function main(argv: readonly string[]): void {
  const parsed = parseGuardArgs(argv);
  if (typeof parsed === 'string') fail(parsed);
  if (process.platform === 'win32') fail('process groups are POSIX; run the CLI without the guard on Windows');
  const group = process.pid;
  try {
    // Succeeds only if a group with the guard's pid exists, i.e. the guard leads it (the owner started it detached).
    process.kill(-group, 0);
  } catch {
    // Signalling "its group" would then reach the owner's own group: refuse instead.
    fail('not a process group leader: start the guard detached');
  }
  for (const s of GROUP_SIGNALS) process.on(s, ignore);

  const env = { ...process.env };
  for (const name of parsed.unsetEnv ?? []) delete env[name];
  // Same process group as the guard (no `detached`), same cwd; no stdin, as before the guard existed.
  const child = spawn(parsed.command, [...parsed.args], { stdio: ['ignore', 'inherit', 'inherit'], env });
  let orphaned = false;
  child.on('error', (e) => {
    if (child.pid === undefined) fail(`could not start ${parsed.command}: ${e.message}`);
  });
  child.on('exit', (code, signal) => {
    // An orphaned guard waits for the whole group instead (stopOrphanedGroup), as the grandchildren may outlive the CLI.
    if (child.pid !== undefined && !orphaned) exitLike(code, signal);
  });

  const ownerGone = (): void => {
    if (orphaned) return;
    orphaned = true;
    stopOrphanedGroup(group, parsed.orphanGraceMs ?? ORPHAN_GRACE_MS);
  };
  process.stdin.on('end', ownerGone);
  process.stdin.on('error', ownerGone);
  process.stdin.resume();
}

main(process.argv.slice(2));
