import { listGroupMembers, type GroupMember } from './groupMembers';
import { signalGroupId } from './processGroup';

/**
 * How long processes left behind by a script that exited get between SIGTERM
 * and SIGKILL. CI runners do the same after a job step (GitHub Actions'
 * "Cleaning up orphan processes", GitLab's job cleanup); a few seconds lets a
 * data loader worker or a `tensorboard &` flush and close its files without
 * holding up the end of the run for long.
 */
export const LEFTOVER_GRACE_MS = 3000;

/** How often the group is looked at while its members get their grace. */
const POLL_MS = 50;
/** SIGKILL takes effect at once, but the kernel may need a moment to tear a big process down. */
const SIGKILL_SETTLE_MS = 2000;

/** What `stopGroupLeftovers` found and did. */
export interface StoppedLeftovers {
  /** Every process seen in the group after its leader exited, in the order first seen. */
  readonly stopped: readonly GroupMember[];
  /** How many were still there after the grace period and got SIGKILL (0 when SIGTERM was enough). */
  readonly killed: number;
  /** Milliseconds between the SIGTERM and the SIGKILL (0: SIGKILL only, or no SIGKILL needed). */
  readonly sigkillAfterMs: number;
}

export interface StopLeftoversOptions {
  /** Milliseconds between SIGTERM and SIGKILL; 0 sends SIGKILL at once. Default `LEFTOVER_GRACE_MS`. */
  readonly graceMs?: number;
  /** Aborting cuts the grace short: SIGKILL at once (the run is being cancelled). */
  readonly hurry?: AbortSignal;
}

/**
 * Stops what is left of process group `pgid` once its leader has exited:
 * SIGTERM to the group, up to `graceMs` for its members to exit, then
 * SIGKILL. Resolves when the group is empty (or SIGKILL was sent and had a
 * moment to act). A process that put itself in another group or session
 * (`setsid`, a daemon) is out of reach, as it is for CI runners. POSIX only:
 * on Windows the group is always empty.
 *
 * Signalling by group id after the leader is gone is safe while the group
 * has members: the kernel does not hand out an id that a live group still
 * uses, so `-pgid` cannot reach an unrelated process. It is only signalled
 * right after members were seen in it.
 */
export async function stopGroupLeftovers(pgid: number, options: StopLeftoversOptions = {}): Promise<StoppedLeftovers> {
  const seen = new Map<number, GroupMember>();
  const look = (): GroupMember[] => {
    const members = listGroupMembers(pgid);
    for (const m of members) if (!seen.has(m.pid)) seen.set(m.pid, m);
    return members;
  };
  const done = (killed: number, sigkillAfterMs = 0): StoppedLeftovers => ({ stopped: [...seen.values()], killed, sigkillAfterMs });
  if (look().length === 0) return done(0);

  const graceMs = options.graceMs ?? LEFTOVER_GRACE_MS;
  const termAt = Date.now();
  let termed = false;
  if (graceMs > 0 && !options.hurry?.aborted) {
    termed = signalGroupId(pgid, 'SIGTERM');
    while (Date.now() < termAt + graceMs && !options.hurry?.aborted) {
      await sleep(POLL_MS);
      if (look().length === 0) return done(0);
    }
  }
  const left = look();
  if (left.length === 0) return done(0);
  signalGroupId(pgid, 'SIGKILL');
  const killedAt = Date.now();
  while (Date.now() < killedAt + SIGKILL_SETTLE_MS && look().length > 0) await sleep(POLL_MS);
  return done(left.length, termed ? killedAt - termAt : 0);
}

/**
 * The line a run's log gets about stopped processes; undefined when there
 * were none. E.g. `stopped 2 leftover processes (4567 sleep, 4568 node) that
 * the command left running in its process group, with SIGTERM`.
 */
export function describeLeftovers(result: StoppedLeftovers, noun = 'leftover process', where = 'that the command left running in its process group'): string | undefined {
  const n = result.stopped.length;
  if (n === 0) return undefined;
  const shown = result.stopped.slice(0, 5).map((m) => `${m.pid} ${m.name}`).join(', ');
  const more = n > 5 ? `, and ${n - 5} more` : '';
  const how = result.killed === 0 ? 'SIGTERM'
    : result.sigkillAfterMs > 0 ? `SIGTERM, then SIGKILL for ${result.killed} still running after ${(result.sigkillAfterMs / 1000).toFixed(1)} s` : 'SIGKILL';
  return `stopped ${n} ${noun}${n === 1 ? '' : 'es'} (${shown}${more}) ${where}, with ${how}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
