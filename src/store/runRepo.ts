import os from 'node:os';
import type { Sql } from './connection';
import { StoreError, isForeignKeyError } from './errors';
import { isIdPrefix, newRunId, uniqueRunName } from './ids';
import type { RunRecord, RunStatus } from './types';
import { RUN_STATUSES, TERMINAL_STATUSES } from './types';

/** Columns of `runs r` joined with `experiments e`, in the shape {@link toRunRecord} reads. */
export const RUN_SELECT = `SELECT r.id, r.experiment_id, e.name AS experiment, r.name, r.status, r.parent_id,
  r.config_path, r.config, r.git_commit, r.git_dirty, r.created_at, r.started_at, r.ended_at,
  r.heartbeat_at, r.pid, r.host, r.starred, r.note, r.error, r.runlens_version, r.deleted_at
  FROM runs r JOIN experiments e ON e.id = r.experiment_id`;

export interface RunDbRow {
  id: string;
  experiment_id: number;
  experiment: string;
  name: string;
  status: RunStatus;
  parent_id: string | null;
  config_path: string | null;
  config: string | null;
  git_commit: string | null;
  git_dirty: number | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  heartbeat_at: number | null;
  pid: number | null;
  host: string | null;
  starred: number;
  note: string | null;
  error: string | null;
  runlens_version: string | null;
  deleted_at: number | null;
}

export function toRunRecord(r: RunDbRow): RunRecord {
  return {
    id: r.id,
    experimentId: r.experiment_id,
    experiment: r.experiment,
    name: r.name,
    status: r.status,
    parentId: r.parent_id,
    configPath: r.config_path,
    configJson: r.config,
    gitCommit: r.git_commit,
    gitDirty: r.git_dirty === null ? null : r.git_dirty !== 0,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    heartbeatAt: r.heartbeat_at,
    pid: r.pid,
    host: r.host,
    starred: r.starred !== 0,
    note: r.note,
    error: r.error,
    runlensVersion: r.runlens_version,
    deletedAt: r.deleted_at,
  };
}

/** What {@link RunRepo.insert} needs once the experiment is resolved. */
export interface NewRun {
  /** See CreateRunOptions.id. */
  readonly id?: string;
  readonly experimentId: number;
  readonly name?: string;
  readonly parentId?: string | null;
  readonly configPath?: string | null;
  readonly config?: unknown;
  readonly gitCommit?: string | null;
  readonly gitDirty?: boolean | null;
  readonly pid?: number | null;
  readonly host?: string | null;
  readonly status?: RunStatus;
  readonly runlensVersion?: string | null;
}

export function assertStatus(status: string): asserts status is RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new StoreError(`unknown run status "${status}" (expected ${RUN_STATUSES.join(', ')})`);
  }
}

function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Runs: creation, lookup by id / prefix / name, and attribute mutations. */
export class RunRepo {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
  ) {}

  insert(run: NewRun): string {
    const status = run.status ?? 'running';
    assertStatus(status);
    const now = this.now();
    if (run.id !== undefined && !/^[0-9a-f]{32}$/.test(run.id)) throw new StoreError(`not a run id: ${JSON.stringify(run.id)} (32 lowercase hex characters)`);
    const id = run.id ?? newRunId();
    const taken = (name: string) =>
      this.sql.stmt('SELECT 1 FROM runs WHERE experiment_id = ? AND name = ?').get(run.experimentId, name) !== undefined;
    const name = run.name?.trim() || uniqueRunName(taken);
    const pid = run.pid ?? null;
    const live = status === 'running';
    try {
      this.sql
        .stmt(
          `INSERT INTO runs (id, experiment_id, name, status, parent_id, config_path, config, git_commit, git_dirty,
             created_at, started_at, heartbeat_at, pid, host, runlens_version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id, run.experimentId, name, status, run.parentId ?? null, run.configPath ?? null,
          run.config === undefined ? null : JSON.stringify(run.config) ?? null,
          run.gitCommit ?? null, run.gitDirty == null ? null : run.gitDirty ? 1 : 0,
          now, live ? now : null, live ? now : null, pid, run.host ?? (pid === null ? null : os.hostname()),
          run.runlensVersion ?? null,
        );
    } catch (e) {
      if (isForeignKeyError(e)) throw new StoreError(`parent run ${run.parentId} does not exist`);
      throw e;
    }
    return id;
  }

  byId(id: string): RunRecord | undefined {
    const row = this.sql.stmt(`${RUN_SELECT} WHERE r.id = ?`).get(id) as RunDbRow | undefined;
    return row && toRunRecord(row);
  }

  /** Like {@link byId} but throws a StoreError naming the missing run. */
  require(id: string): RunRecord {
    const run = this.byId(id);
    if (!run) throw new StoreError(`no run with id ${id}`);
    return run;
  }

  exists(id: string): boolean {
    return this.sql.stmt('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined;
  }

  /**
   * Resolves a full id, a unique id prefix (≥ 4 hex chars) or a run name.
   * Several matches → StoreError listing them; none → undefined.
   */
  resolve(ref: string): RunRecord | undefined {
    const text = ref.trim();
    if (!text) throw new StoreError('empty run reference');
    const exact = this.byId(text.toLowerCase());
    if (exact) return exact;
    const found = new Map<string, RunDbRow>();
    if (isIdPrefix(text.toLowerCase())) {
      // A range scan on the primary key; LIKE would not use the index (it is case-insensitive).
      const prefix = text.toLowerCase();
      const rows = this.sql
        .stmt(`${RUN_SELECT} WHERE r.id >= ? AND r.id < ? ORDER BY r.id LIMIT 20`)
        .all(prefix, `${prefix}g`) as RunDbRow[];
      for (const r of rows) found.set(r.id, r);
    }
    for (const r of this.sql.stmt(`${RUN_SELECT} WHERE r.name = ? LIMIT 20`).all(text) as RunDbRow[]) found.set(r.id, r);
    if (found.size === 0) return undefined;
    if (found.size === 1) return toRunRecord([...found.values()][0]);
    const list = [...found.values()]
      .sort((a, b) => b.created_at - a.created_at)
      .slice(0, 10)
      .map((r) => `${shortId(r.id)} (${r.name}, ${r.experiment})`)
      .join(', ');
    const more = found.size > 10 ? ` and ${found.size - 10}${found.size >= 20 ? '+' : ''} more` : '';
    throw new StoreError(`run "${text}" is ambiguous; it matches ${list}${more}`);
  }

  /** `pid` (with `running`): the process now running the run, on this host (a queued sweep trial its worker claims). */
  setStatus(id: string, status: RunStatus, opts: { error?: string | null; endedAt?: number; pid?: number } = {}): void {
    assertStatus(status);
    const now = this.now();
    let info;
    if ((TERMINAL_STATUSES as readonly string[]).includes(status)) {
      info = this.sql
        .stmt('UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ?')
        .run(status, opts.endedAt ?? now, opts.error ?? null, id);
    } else if (status === 'running' && opts.pid !== undefined) {
      info = this.sql
        .stmt(`UPDATE runs SET status = 'running', started_at = coalesce(started_at, ?), heartbeat_at = ?,
                 ended_at = NULL, error = NULL, pid = ?, host = ? WHERE id = ?`)
        .run(now, now, opts.pid, os.hostname(), id);
    } else if (status === 'running') {
      info = this.sql
        .stmt(`UPDATE runs SET status = 'running', started_at = coalesce(started_at, ?), heartbeat_at = ?,
                 ended_at = NULL, error = NULL WHERE id = ?`)
        .run(now, now, id);
    } else {
      info = this.sql.stmt(`UPDATE runs SET status = 'queued', ended_at = NULL, error = NULL WHERE id = ?`).run(id);
    }
    if (info.changes === 0) throw new StoreError(`no run with id ${id}`);
  }

  /** Records that the runs are alive (see staleRuns). Unknown ids are an error. */
  heartbeat(ids: readonly string[]): void {
    const now = this.now();
    const stmt = this.sql.stmt('UPDATE runs SET heartbeat_at = ? WHERE id = ?');
    for (const id of ids) {
      if (stmt.run(now, id).changes === 0) throw new StoreError(`no run with id ${id}`);
    }
  }

  setStar(id: string, starred: boolean): void {
    this.update(id, 'UPDATE runs SET starred = ? WHERE id = ?', starred ? 1 : 0);
  }

  setNote(id: string, note: string | null): void {
    this.update(id, 'UPDATE runs SET note = ? WHERE id = ?', note === '' ? null : note);
  }

  rename(id: string, name: string): void {
    const clean = name.trim();
    if (!clean) throw new StoreError('run name must not be empty');
    this.update(id, 'UPDATE runs SET name = ? WHERE id = ?', clean);
  }

  /**
   * Soft-deletes (MLflow's `lifecycle_stage = deleted`, at `at`) or restores
   * (`at` null) runs; the rows stay. Unknown ids are an error.
   */
  setDeleted(ids: readonly string[], at: number | null): void {
    const stmt = this.sql.stmt('UPDATE runs SET deleted_at = ? WHERE id = ?');
    for (const id of ids) {
      if (stmt.run(at, id).changes === 0) throw new StoreError(`no run with id ${id}`);
    }
  }

  private update(id: string, sql: string, value: unknown): void {
    if (this.sql.stmt(sql).run(value, id).changes === 0) throw new StoreError(`no run with id ${id}`);
  }
}
