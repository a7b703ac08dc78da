/**
 * Watching a cluster run from the terminal (`train --on P --wait`, `runlens
 * logs --follow`): syncs with Slurm on a timer, streams the job's output,
 * prints each status change once, says when a job stays PENDING too long,
 * and turns Ctrl-C into scancel (a second Ctrl-C stops watching at once).
 */
import { cancelClusterRun } from '../compute/jobs/cancelClusterRun';
import { FINAL_TAG } from '../compute/jobs/clusterTags';
import { followJobLog, type JobLogFollower } from '../compute/jobs/followJobLog';
import { syncJobs, type StatusChange, type SyncResult } from '../compute/jobs/syncJobs';
import { SlurmUnavailableError } from '../compute/slurm/slurmCommands';
import type { RunStore } from '../store/runStore';
import type { RunRecord } from '../store/types';
import type { CliContext } from './context';
import { formatDuration } from './table';

export interface WatchOptions {
  /** The run (or sweep parent) whose end ends the watch. */
  readonly runId: string;
  /** Job output files to stream to stderr; `prefix` labels a sweep's lines with the trial. */
  readonly logs: readonly { readonly name: string; readonly file: string; readonly prefix?: boolean }[];
  /** Ctrl-C cancels the job (train --wait); otherwise it only stops watching (logs --follow). */
  readonly cancelOnInterrupt: boolean;
  readonly pollMs?: number;
  readonly pendingLimitMs?: number;
  /** Each status change sync made (default: a line on stderr). */
  readonly onChange?: (change: StatusChange) => void;
}

export interface WatchResult {
  readonly run: RunRecord;
  readonly interrupted: boolean;
}

export async function watchClusterRun(ctx: CliContext, store: RunStore, o: WatchOptions): Promise<WatchResult> {
  const pollMs = o.pollMs ?? 1000;
  const followers: JobLogFollower[] = o.logs.map((l) => followJobLog({
    file: l.file, intervalMs: pollMs,
    onText: l.prefix ? prefixLines(l.name, (t) => ctx.raw.err(t)) : (t) => ctx.raw.err(t),
  }));
  const warned = new Set<string>();
  let interrupts = 0;
  let failing = false;
  let wake: () => void = () => undefined;
  const onSignal = () => {
    interrupts++;
    wake();
    if (interrupts === 1 && o.cancelOnInterrupt) {
      cancelClusterRun(store, o.runId, ctx.storeDir).then(
        (r) => ctx.err(`cancelling Slurm job ${r.target}; waiting for Slurm to end it (Ctrl-C again to stop waiting)\n`),
        (e: Error) => ctx.err(`could not cancel: ${e.message}\n`),
      );
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (;;) {
      let result: SyncResult;
      try {
        result = await syncJobs(store, { storeDir: ctx.storeDir, ...(o.pendingLimitMs !== undefined ? { pendingLimitMs: o.pendingLimitMs } : {}) });
        failing = false;
      } catch (e) {
        // slurmctld restarting or briefly unreachable: say so once and keep watching; no Slurm at all ends the watch.
        if (e instanceof SlurmUnavailableError) throw e;
        if (!failing) ctx.err(`warning: could not read Slurm's state (${(e as Error).message}); retrying\n`);
        failing = true;
        result = { changes: [], events: 0, points: 0, longPending: [], followed: 0 };
      }
      for (const c of result.changes) (o.onChange ?? ((ch) => ctx.err(changeLine(ch))))(c);
      for (const p of result.longPending) {
        if (warned.has(p.runId)) continue;
        warned.add(p.runId);
        ctx.err(`warning: ${p.name} (job ${p.jobKey}) is still PENDING after ${formatDuration(p.pendingMs)}: ${p.reason}\n`);
      }
      if (store.getTags(o.runId)[FINAL_TAG] === '1') return { run: store.getRun(o.runId), interrupted: interrupts > 0 };
      if (interrupts > (o.cancelOnInterrupt ? 1 : 0)) return { run: store.getRun(o.runId), interrupted: true };
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const f of followers) f.stop();
  }
}

/** One stderr line per status change. */
export function changeLine(c: StatusChange): string {
  return `${c.name}: ${c.from} → ${c.to}${c.error ? ` (${c.error})` : ''}\n`;
}

/** Labels whole lines with `name: `; a line still being written waits for its end. */
function prefixLines(name: string, write: (text: string) => void): (text: string) => void {
  let partial = '';
  return (text) => {
    const all = partial + text;
    const cut = all.lastIndexOf('\n') + 1;
    partial = all.slice(cut);
    if (cut > 0) write(all.slice(0, cut).split('\n').filter((l, i, a) => i < a.length - 1 || l).map((l) => `  ${name}: ${l}\n`).join(''));
  };
}
