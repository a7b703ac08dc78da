import os from 'node:os';
import type { Sql } from './connection';
import { pidAlive } from './staleRuns';

/** The error a build gets when its process is found gone while the build still says `running`. */
export const DEAD_BUILD_ERROR = 'the build process exited without recording a result (killed?)';

export interface DeadBuildOptions {
  /** This machine's host name (pids are only checked for builds started here). */
  readonly host?: string;
  /** Whether a local pid is alive; default `process.kill(pid, 0)`. */
  readonly isAlive?: (pid: number) => boolean;
}

/**
 * Ids of the `running` builds started on this host whose process is gone.
 * A build from another host, or from before schema 3 (no pid), cannot be
 * checked and is left alone, as runs without a local pid would be if they
 * had no heartbeat (builds have none: a build is one process from start to
 * finishBuild, so its pid says all).
 */
export function deadBuildIds(sql: Sql, opts: DeadBuildOptions = {}): number[] {
  const isAlive = opts.isAlive ?? pidAlive;
  const live = sql
    .stmt(`SELECT id, pid FROM model_builds WHERE status = 'running' AND pid IS NOT NULL AND host = ?`)
    .all(opts.host ?? os.hostname()) as { id: number; pid: number }[];
  return live.filter((b) => !isAlive(b.pid)).map((b) => b.id);
}

/**
 * Marks those builds `failed` with {@link DEAD_BUILD_ERROR}; returns the ids
 * marked. `ended_at` stays NULL: when the process died is unknown, and a
 * made-up end would show a made-up duration. A build that finished in the
 * meantime keeps its real result (the update only touches `running` rows).
 */
export function markDeadBuilds(sql: Sql, ids: readonly number[]): number[] {
  if (ids.length === 0) return [];
  return sql.write(() => {
    const update = sql.stmt(`UPDATE model_builds SET status = 'failed', error = ? WHERE id = ? AND status = 'running'`);
    return ids.filter((id) => update.run(DEAD_BUILD_ERROR, id).changes > 0);
  });
}
