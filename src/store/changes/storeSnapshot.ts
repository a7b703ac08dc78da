/**
 * What the store-change hub reads to tell what changed: a token that moves on
 * every commit (by any process, this one included), and a snapshot cheap
 * enough to take after each move (the run table's size and newest rowid, the
 * live runs with their point counts, fingerprints of the small registry and
 * dataset tables). Two snapshots compared give the typed parts of a change.
 */
import type { Sql } from '../connection';
import type { RunStatus } from '../types';

/** The state of the things views follow, read in one read transaction. */
export interface StoreSnapshot {
  readonly runCount: number;
  readonly maxRunRowid: number;
  /** Queued and running runs, with their status. */
  readonly live: ReadonlyMap<string, RunStatus>;
  /** Per live run, the points logged so far (the sum of its series' counts). */
  readonly livePoints: ReadonlyMap<string, number>;
  /** Runs inserted since the previous snapshot (rowid above its newest): empty on the first. */
  readonly created: readonly string[];
  /** The previous snapshot's live runs that are live no more: their status now, `deleted` when the row is gone. */
  readonly ended: ReadonlyMap<string, RunStatus | 'deleted'>;
  readonly registry: string;
  readonly datasets: string;
}

/** The typed parts of one change, as far as two snapshots tell them. */
export interface StoreChange {
  /** Ids of runs that appeared. */
  readonly runsCreated: readonly string[];
  /** Runs whose status moved (queued → running, running → finished/failed/killed, or deleted). */
  readonly runStatusChanged: readonly { readonly runId: string; readonly status: RunStatus | 'deleted' }[];
  /** Live runs that logged points. */
  readonly metricsAppended: readonly string[];
  /**
   * Runs were deleted (fewer runs than before plus the new ones). Edits of
   * a run's row (a star, a rename, a note, a tag, a soft delete) are not
   * told apart, since telling them would mean reading every run: a view that
   * shows run rows re-reads the rows it shows on every event.
   */
  readonly runsEdited: boolean;
  /** Models, versions, aliases, tags, builds or deployments changed. */
  readonly registryChanged: boolean;
  /** Datasets or run inputs were added or removed. */
  readonly datasetsChanged: boolean;
}

/**
 * Moves on every commit: SQLite's `data_version` changes when another
 * connection commits, `total_changes()` when this one writes, so the
 * editor's own writes (a star, a registration) need no explicit refresh.
 */
export function readChangeToken(sql: Sql): string {
  const version = sql.pragma('data_version') as number;
  const own = sql.stmt('SELECT total_changes()').pluck(true).get() as number;
  return `${version}:${own}`;
}

// count(*) scans the narrowest index (about 3 ms for 10,000 runs); anything over the rows themselves would read every config.
const RUNS_SQL = 'SELECT count(*) AS n, ifnull(max(rowid), 0) AS maxRowid FROM runs';
const LIVE_SQL = "SELECT id, status FROM runs WHERE status IN ('queued', 'running')";
const LIVE_POINTS_SQL = "SELECT run_id, total(count) FROM metric_series WHERE run_id IN (SELECT id FROM runs WHERE status IN ('queued', 'running')) GROUP BY run_id";
const CREATED_SQL = 'SELECT id FROM runs WHERE rowid > ? ORDER BY rowid';
const STATUS_OF_SQL = 'SELECT id, status FROM runs WHERE id IN (SELECT value FROM json_each(?))';
// Small tables (a registry holds hundreds of rows): a full read of each costs microseconds.
const REGISTRY_SQL = `SELECT json_array(
  (SELECT json_array(count(*), total(updated_at), total(next_version)) FROM models),
  (SELECT json_array(count(*), total(ifnull(updated_at, 0)), group_concat(stage)) FROM model_versions),
  (SELECT json_array(count(*), total(version)) FROM model_aliases),
  (SELECT json_array(count(*), total(length(value))) FROM model_tags),
  (SELECT json_array(count(*), total(length(value))) FROM model_version_tags),
  (SELECT json_array(count(*), ifnull(max(id), 0), total(ifnull(ended_at, 0)), total(status = 'running')) FROM model_builds),
  (SELECT json_array(count(*), ifnull(max(id), 0), count(stopped_at)) FROM deployments))`;
const DATASETS_SQL = `SELECT json_array(
  (SELECT count(*) FROM datasets), (SELECT count(*) FROM run_inputs), (SELECT count(*) FROM mlflow_inputs))`;

/** Reads a snapshot; with `previous`, also the runs created since it and the fate of its live runs. */
export function readSnapshot(sql: Sql, previous?: StoreSnapshot): StoreSnapshot {
  return sql.read(() => {
    const runs = sql.stmt(RUNS_SQL).get() as { n: number; maxRowid: number };
    const live = new Map((sql.stmt(LIVE_SQL).raw(true).all() as [string, RunStatus][]));
    const livePoints = new Map((sql.stmt(LIVE_POINTS_SQL).raw(true).all() as [string, number][]));
    const created = previous ? (sql.stmt(CREATED_SQL).pluck(true).all(previous.maxRunRowid) as string[]) : [];
    const ended = new Map<string, RunStatus | 'deleted'>();
    if (previous) {
      const gone = [...previous.live.keys()].filter((id) => !live.has(id));
      if (gone.length) {
        const now = new Map(sql.stmt(STATUS_OF_SQL).raw(true).all(JSON.stringify(gone)) as [string, RunStatus][]);
        for (const id of gone) ended.set(id, now.get(id) ?? 'deleted');
      }
    }
    return {
      runCount: runs.n, maxRunRowid: runs.maxRowid,
      live, livePoints, created, ended,
      registry: sql.stmt(REGISTRY_SQL).pluck(true).get() as string,
      datasets: sql.stmt(DATASETS_SQL).pluck(true).get() as string,
    };
  });
}

/** The typed parts of the change from `before` to `after` (`after` read with `before` as its previous). */
export function diffSnapshots(before: StoreSnapshot, after: StoreSnapshot): StoreChange {
  const runStatusChanged: { runId: string; status: RunStatus | 'deleted' }[] = [];
  const created = new Set(after.created);
  for (const [runId, status] of after.live) {
    const was = before.live.get(runId);
    if (was !== undefined && was !== status) runStatusChanged.push({ runId, status });
  }
  for (const [runId, status] of after.ended) runStatusChanged.push({ runId, status });
  const metricsAppended = [...after.livePoints].filter(([id, n]) => !created.has(id) && n > (before.livePoints.get(id) ?? 0)).map(([id]) => id);
  return {
    runsCreated: after.created,
    runStatusChanged,
    metricsAppended,
    runsEdited: after.runCount < before.runCount + after.created.length,
    registryChanged: after.registry !== before.registry,
    datasetsChanged: after.datasets !== before.datasets,
  };
}
