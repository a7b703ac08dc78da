import os from 'node:os';
import type { Sql } from './connection';
import { pidAlive } from '../core/util/pidAlive';

/** Default heartbeat age after which a live run without a checkable pid counts as dead. */
export const DEFAULT_STALE_AFTER_MS = 60_000;

export interface StaleCheckOptions {
  readonly now: number;
  readonly staleAfterMs: number;
  /** This machine's host name (pids are only checked for runs started here). */
  readonly host?: string;
  /** Whether a local pid is alive; default `process.kill(pid, 0)`. */
  readonly isAlive?: (pid: number) => boolean;
}

export { pidAlive };

/** The tag saying where a run computes (`slurm`); absent or `local`: on the machine that started it. */
export const COMPUTE_TAG = 'runlens.compute';

/**
 * The live runs that compute on another machine through a scheduler (tagged
 * `runlens.compute`, e.g. `slurm`, themselves or on an ancestor, as a
 * cluster job's cross-validation folds are): neither a pid nor a heartbeat on
 * this host says whether they are alive; the scheduler's state decides their
 * end (src/compute/jobs). Stale-run recovery and the doctor leave them alone.
 */
export function runsComputingElsewhere(sql: Sql): Set<string> {
  const ids = sql
    .stmt(`WITH RECURSIVE up(id, at) AS (
             SELECT id, id FROM runs WHERE status IN ('queued', 'running')
             UNION SELECT up.id, r.parent_id FROM up JOIN runs r ON r.id = up.at WHERE r.parent_id IS NOT NULL)
           SELECT DISTINCT up.id FROM up JOIN tags t ON t.run_id = up.at AND t.key = ? AND t.value <> 'local'`)
    .pluck()
    .all(COMPUTE_TAG) as string[];
  return new Set(ids);
}

interface LiveRow {
  id: string;
  pid: number | null;
  host: string | null;
  heartbeat_at: number | null;
  started_at: number | null;
  created_at: number;
}

/**
 * Marks `failed` the queued/running runs whose process is gone: a pid started
 * on this host that no longer exists, or else (no pid, or another host) a
 * heartbeat older than `staleAfterMs`. A live local pid is trusted over an old
 * heartbeat: a long synchronous fit may not heartbeat, but its process exists.
 * Metrics and everything else are kept; `ended_at` is the last sign of life.
 * Reads without the write lock and only writes when something is stale;
 * a run that heartbeats in between is left alone. Returns the ids marked.
 */
export function markStaleRuns(sql: Sql, opts: StaleCheckOptions): string[] {
  const host = opts.host ?? os.hostname();
  const isAlive = opts.isAlive ?? pidAlive;
  const live = sql
    // A run a pull copied from a tracking server lives there (remote_runs.pulled_at): the next pull brings its status.
    .stmt(`SELECT id, pid, host, heartbeat_at, started_at, created_at FROM runs WHERE status IN ('queued', 'running')
             AND id NOT IN (SELECT run_id FROM remote_runs WHERE pulled_at IS NOT NULL)`)
    .all() as LiveRow[];
  const stale: { row: LiveRow; error: string; lastSeen: number }[] = [];
  const elsewhere = live.length > 0 ? runsComputingElsewhere(sql) : new Set<string>();
  for (const row of live) {
    if (elsewhere.has(row.id)) continue;
    const lastSeen = row.heartbeat_at ?? row.started_at ?? row.created_at;
    if (row.pid !== null && row.host === host) {
      if (!isAlive(row.pid)) stale.push({ row, lastSeen, error: `process ${row.pid} died without finishing` });
    } else if (opts.now - lastSeen > opts.staleAfterMs) {
      stale.push({ row, lastSeen, error: `no heartbeat since ${new Date(lastSeen).toISOString()}` });
    }
  }
  if (stale.length === 0) return [];
  return sql.write(() => {
    const update = sql.stmt(
      `UPDATE runs SET status = 'failed', ended_at = ?, error = ?
        WHERE id = ? AND status IN ('queued', 'running') AND heartbeat_at IS ?`,
    );
    return stale.filter((s) => update.run(s.lastSeen, s.error, s.row.id, s.row.heartbeat_at).changes > 0).map((s) => s.row.id);
  });
}

/** Minimum interval between the stale-run checks that listing runs triggers. */
const SWEEP_INTERVAL_MS = 5_000;

/** A store's stale-run check: on demand, or at most every few seconds while runs are listed. */
export class StaleRunSweeper {
  private last = -Infinity;

  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
    private readonly staleAfterMs: number,
  ) {}

  /** Marks the stale runs now; returns their ids. */
  sweep(): string[] {
    this.last = this.now();
    return markStaleRuns(this.sql, { now: this.last, staleAfterMs: this.staleAfterMs });
  }

  /** Sweeps unless the last sweep was under SWEEP_INTERVAL_MS ago. */
  sweepThrottled(): void {
    if (this.now() - this.last >= SWEEP_INTERVAL_MS) this.sweep();
  }
}
