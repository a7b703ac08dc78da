import os from 'node:os';
import type { Sql } from './connection';
import { StoreError, isForeignKeyError } from './errors';
import { RUN_ID_RE, newRunId, uniqueRunName } from './ids';
import { assertStatus } from './runRepo';
import type { RunStatus } from './types';

/**
 * A run whose id, times and status come from elsewhere: an MLflow store being
 * imported, or an MLflow client talking to `runlens server` (it sends its own
 * `start_time`). `RunRepo.insert` always mints an id and stamps "now".
 */
export interface RunAtOptions {
  readonly experimentId: number;
  /** 32 lowercase hex characters; a fresh id when absent. An existing id is an error. */
  readonly id?: string;
  /** A unique `adjective-animal-NN` is generated when absent or blank. */
  readonly name?: string;
  readonly status: RunStatus;
  readonly parentId?: string | null;
  readonly createdAt: number;
  readonly startedAt?: number | null;
  readonly endedAt?: number | null;
  readonly gitCommit?: string | null;
  /** The process that owns a live run (with `host`, see staleRuns). */
  readonly pid?: number | null;
  readonly host?: string | null;
  readonly error?: string | null;
  readonly runlensVersion?: string | null;
}

/** Inserts the run row; returns its id. Call inside a write transaction. */
export function insertRunAt(sql: Sql, run: RunAtOptions): string {
  assertStatus(run.status);
  if (run.id !== undefined && !RUN_ID_RE.test(run.id)) throw new StoreError(`invalid run id "${run.id}" (expected 32 lowercase hex characters)`);
  const id = run.id ?? newRunId();
  if (sql.stmt('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined) throw new StoreError(`a run with id ${id} already exists`);
  const taken = (name: string) =>
    sql.stmt('SELECT 1 FROM runs WHERE experiment_id = ? AND name = ?').get(run.experimentId, name) !== undefined;
  const name = run.name?.trim() || uniqueRunName(taken);
  const live = run.status === 'running' || run.status === 'queued';
  const pid = run.pid ?? null;
  try {
    sql
      .stmt(
        `INSERT INTO runs (id, experiment_id, name, status, parent_id, git_commit, created_at, started_at, ended_at,
           heartbeat_at, pid, host, error, runlens_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id, run.experimentId, name, run.status, run.parentId ?? null, run.gitCommit ?? null, run.createdAt,
        run.startedAt ?? null, live ? null : run.endedAt ?? null, live ? run.startedAt ?? run.createdAt : null,
        pid, run.host ?? (pid === null ? null : os.hostname()), run.error ?? null, run.runlensVersion ?? null,
      );
  } catch (e) {
    if (isForeignKeyError(e)) throw new StoreError(`parent run ${run.parentId} or experiment ${run.experimentId} does not exist`);
    throw e;
  }
  return id;
}

/** Ids of the runs whose tag `key` is exactly `value` (uses the tags_by_value index). */
export function runIdsWithTag(sql: Sql, key: string, value: string): string[] {
  return sql.stmt('SELECT run_id FROM tags WHERE key = ? AND value = ? ORDER BY run_id').pluck().all(key, value) as string[];
}

/** Sets or clears a run's parent; refuses a cycle. Call inside a write transaction. */
export function setRunParent(sql: Sql, runId: string, parentId: string | null): void {
  if (parentId !== null) {
    // Walk up from the new parent: reaching runId would make the tree a loop.
    for (let p: string | null = parentId; p !== null; ) {
      if (p === runId) throw new StoreError(`run ${parentId.slice(0, 8)} cannot be the parent of ${runId.slice(0, 8)}: it descends from it`);
      const row = sql.stmt('SELECT parent_id FROM runs WHERE id = ?').get(p) as { parent_id: string | null } | undefined;
      if (!row) throw new StoreError(`parent run ${parentId} does not exist`);
      p = row.parent_id;
    }
  }
  if (sql.stmt('UPDATE runs SET parent_id = ? WHERE id = ?').run(parentId, runId).changes === 0) throw new StoreError(`no run with id ${runId}`);
}
