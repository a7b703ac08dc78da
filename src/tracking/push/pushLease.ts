/**
 * One pusher per run and server at a time, across processes: the CLI's
 * `runlens push`, a training's live shipping, and the editor's Push to Team
 * Server… and background shipping may all reach for the same run. Two at once
 * could each create the run on the server (neither sees the other's copy
 * yet) or send the same points twice, so a push holds a lease while it works
 * on one run.
 *
 * The lease is a lock file in the store folder (`locks/push-<server>-<run>.lock`)
 * made atomically by link(2) from a file already holding its owner (pid,
 * host, time), so a reader never sees a half-written lock. A lock whose
 * owner's process is gone (same host; a zombie counts as gone) is stale and
 * taken over; one from another host is never judged (its file is named in the
 * message). Hand-written rather than `proper-lockfile`: that package judges
 * staleness by an mtime its owner refreshes on a timer, while here the owner's
 * pid on this host answers exactly and a long push needs no timer.
 */
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../../core/util/pidAlive';
import type { Timers } from '../../core/util/timers';
import { realTimers } from '../../core/util/timers';

export interface LeaseOwner {
  readonly pid: number;
  readonly host: string;
  /** When the lease was taken (ms since the epoch). */
  readonly since: number;
}

export interface PushLease {
  release(): void;
}

/** Lock files this process holds: a second claim from the same process waits as another process's would. */
const heldHere = new Set<string>();

export function leasePath(storeDir: string, runId: string, server: string): string {
  const serverKey = createHash('sha256').update(server).digest('hex').slice(0, 16);
  return join(storeDir, 'locks', `push-${serverKey}-${runId}.lock`);
}

function readOwner(path: string): LeaseOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LeaseOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host, since: Number(o.since) || 0 } : undefined;
  } catch {
    return undefined;
  }
}

function isStale(path: string, owner: LeaseOwner | undefined): boolean {
  if (!owner) return true; // unreadable: never written by link(2), so not a live lease
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return !heldHere.has(path);
  return !pidAlive(owner.pid);
}

/** Takes the lease now, or says who holds it. */
export function tryPushLease(storeDir: string, runId: string, server: string): { lease: PushLease } | { heldBy: LeaseOwner; path: string } {
  const path = leasePath(storeDir, runId, server);
  mkdirSync(join(storeDir, 'locks'), { recursive: true });
  const me: LeaseOwner = { pid: process.pid, host: hostname(), since: Date.now() };
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(tmp, path);
        heldHere.add(path);
        let released = false;
        return {
          lease: {
            release: () => {
              if (released) return;
              released = true;
              heldHere.delete(path);
              try {
                unlinkSync(path);
              } catch {
                // already gone (a `gc` of the store folder): nothing held
              }
            },
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = readOwner(path);
      if (!isStale(path, owner)) return { heldBy: owner!, path };
      // The owner is gone: take its place. (Two processes breaking the same stale lock at the same instant
      // could both get through; that needs a pusher to have died holding this very run's lease first.)
      try {
        unlinkSync(path);
      } catch {
        // another process removed it first
      }
    }
    const owner = readOwner(path);
    return { heldBy: owner ?? { pid: 0, host: '?', since: 0 }, path };
  } finally {
    unlinkSync(tmp);
  }
}

export interface WaitOptions {
  readonly signal?: AbortSignal;
  /** How long to wait for another pusher before giving up; default 2 minutes. */
  readonly maxWaitMs?: number;
  readonly timers?: Timers;
}

/**
 * Takes the lease, waiting while another pusher holds it (a live shipper's
 * round lasts seconds). Rejects after `maxWaitMs` with one line naming the
 * holder and its lock file, or when the signal aborts.
 */
export async function takePushLease(storeDir: string, runId: string, server: string, options: WaitOptions = {}): Promise<PushLease> {
  const timers = options.timers ?? realTimers;
  const maxWait = options.maxWaitMs ?? 120_000;
  let waited = 0;
  let delay = 50;
  for (;;) {
    options.signal?.throwIfAborted();
    const r = tryPushLease(storeDir, runId, server);
    if ('lease' in r) return r.lease;
    if (waited >= maxWait) {
      const who = r.heldBy.host === hostname() ? `process ${r.heldBy.pid}` : `process ${r.heldBy.pid} on ${r.heldBy.host}`;
      throw new Error(`run ${runId} is being pushed to ${server} by ${who} (for ${Math.round(waited / 1000)} s); push again once it ends, or remove ${r.path} if that process is gone`);
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        timers.clearTimeout(handle);
        reject(options.signal!.reason);
      };
      const handle = timers.setTimeout(() => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    waited += delay;
    delay = Math.min(delay * 2, 1000);
  }
}
