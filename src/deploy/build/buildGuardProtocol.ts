/**
 * What the build runner (the owner) and the build guard (`buildGuard.ts`)
 * agree on: the guard's arguments and the one kind of line the guard itself
 * writes. Kept apart from the guard's entry, which starts working as soon as
 * it is loaded.
 */
import { LEFTOVER_GRACE_MS } from '../../worker/command/leftovers';

/**
 * After the owner is gone, how long the build's process group gets between
 * SIGTERM and SIGKILL. The build itself stops at the SIGTERM, which goes out
 * at once (buildah's RUN step dies within milliseconds and buildah exits with
 * an error, docker cancels the build in its daemon); the grace is for the
 * CLI's own clean-up. buildah with vfs storage took ~1 s here to remove its
 * working container after a SIGTERM, so a 1 s grace killed it half-way and
 * left an incomplete layer behind; the few seconds a command run's leftovers
 * get are enough. A docker CLI killed outright still cancels the build, as
 * the daemon sees its client go.
 */
export const ORPHAN_GRACE_MS = LEFTOVER_GRACE_MS;

/** Starts a line the guard writes about itself (a CLI that could not start, bad arguments), never the CLI's output. */
export const GUARD_LINE_PREFIX = '[runlens build guard] ';

/** The guard's exit code when it never started the CLI; its stderr says why in a {@link GUARD_LINE_PREFIX} line. */
export const GUARD_FAILED_EXIT = 127;

export interface GuardArgs {
  /** The container CLI and its arguments, run without a shell. */
  readonly command: string;
  readonly args: readonly string[];
  /** Default {@link ORPHAN_GRACE_MS}. */
  readonly orphanGraceMs?: number;
  /** Variables the owner added for the guard only (ELECTRON_RUN_AS_NODE), removed from the CLI's environment. */
  readonly unsetEnv?: readonly string[];
}

/** `[--orphan-grace-ms N] [--unset-env NAME]... -- <command> <args...>`: everything after `--` is the CLI's, untouched. */
export function formatGuardArgs(a: GuardArgs): string[] {
  return [
    ...(a.orphanGraceMs !== undefined ? ['--orphan-grace-ms', String(a.orphanGraceMs)] : []),
    ...(a.unsetEnv ?? []).flatMap((name) => ['--unset-env', name]),
    '--',
    a.command,
    ...a.args,
  ];
}

/** The inverse of {@link formatGuardArgs}; a string says what is wrong. */
export function parseGuardArgs(argv: readonly string[]): GuardArgs | string {
  const usage = 'usage: buildGuard [--orphan-grace-ms N] [--unset-env NAME]... -- <command> [args...]';
  let orphanGraceMs: number | undefined;
  const unsetEnv: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      const [command, ...args] = argv.slice(i + 1);
      if (command === undefined || command === '') return `no command after --; ${usage}`;
      return { command, args, orphanGraceMs, unsetEnv };
    }
    const value = argv[i + 1];
    if (arg === '--orphan-grace-ms' && value !== undefined && /^\d+$/.test(value)) {
      orphanGraceMs = Number(value);
      i++;
    } else if (arg === '--unset-env' && value !== undefined && value !== '') {
      unsetEnv.push(value);
      i++;
    } else {
      return `bad argument ${JSON.stringify(arg)}${value === undefined ? '' : ` ${JSON.stringify(value)}`}; ${usage}`;
    }
  }
  return `no -- before the command; ${usage}`;
}
