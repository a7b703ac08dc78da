import type { FilterExpr, SortKey } from '../core/query/ast';
import type { Sql } from './connection';
import type { PagePlanOptions } from './pagePlan';
import { PAGE_PLAN, pageIds, pageQuery, where } from './pagePlan';
import type { RunDbRow } from './runRepo';
import { RUN_SELECT, toRunRecord } from './runRepo';
import type { Lifecycle, RunRow } from './types';

export interface ListRunsQuery {
  /** A filter AST, or query text parsed with `parseFilter` (blank = no filter). */
  readonly filter?: FilterExpr | string;
  /** Sort keys, or text such as `metrics.acc DESC, attributes.start_time`. Default: newest first. */
  readonly sort?: readonly SortKey[] | string;
  readonly limit?: number;
  readonly offset?: number;
  /** Only runs of this experiment (by name). */
  readonly experiment?: string;
  /** A run id: only its children; null: only top-level runs; undefined: all runs. */
  readonly parentId?: string | null;
  /** Soft-deleted runs (deleted by an MLflow client) are left out unless asked for; default `active`. */
  readonly lifecycle?: Lifecycle;
}

/** Number of runs matching the query's filter, experiment and parent (limit/offset ignored). */
export function countRuns(sql: Sql, q: ListRunsQuery, now: number): number {
  const w = where(q, now);
  return sql.stmt(`SELECT count(*) FROM runs r ${w.sql}`).pluck(true).get(...w.params) as number;
}

/**
 * Per run id, the key/value object SQLite built with json_group_object: one
 * row per run instead of one per key (JSON.parse is much cheaper than
 * materialising each row in JS). Ids come as one JSON array parameter, so the
 * statement is the same whatever their number.
 */
function objectsByRun(sql: Sql, select: string, ids: string, extra?: string): Map<string, object> {
  const rows = sql
    .stmt(`${select} WHERE run_id IN (SELECT value FROM json_each(?))${extra ? ` AND ${extra}` : ''} GROUP BY run_id`)
    .raw(true)
    .all(ids) as [string, string][];
  return new Map(rows.map(([id, json]) => [id, JSON.parse(json) as object]));
}

/**
 * Runs with their params, latest metrics and tags, in one read snapshot: the
 * page's run ids first (filter, sort, limit and offset over `runs` and the
 * indexes only, so the sort never carries whole rows), then the rows of those
 * ids and one batched lookup per table.
 */
export function listRuns(sql: Sql, q: ListRunsQuery, now: number, plan: PagePlanOptions = PAGE_PLAN): RunRow[] {
  const page = pageQuery(q, now, plan);
  return sql.read(() => {
    const pageIdList = pageIds(page, {
      ids: (text, params) => sql.stmt(text).pluck(true).all(...params) as string[],
      row: (text, params) => sql.stmt(text).raw(true).get(...params) as unknown[] | undefined,
    });
    if (pageIdList.length === 0) return [];
    const ids = JSON.stringify(pageIdList);
    const byId = new Map(
      (sql.stmt(`${RUN_SELECT} WHERE r.id IN (SELECT value FROM json_each(?))`).all(ids) as RunDbRow[]).map((r) => [r.id, r]),
    );
    const params = objectsByRun(sql, 'SELECT run_id, json_group_object(key, value) FROM params', ids);
    const tags = objectsByRun(sql, 'SELECT run_id, json_group_object(key, value) FROM tags', ids);
    const metrics = objectsByRun(sql, 'SELECT run_id, json_group_object(key, latest) FROM metric_series', ids, 'count > 0');
    return pageIdList.map((id) => {
      const r = byId.get(id) as RunDbRow;
      const m = (metrics.get(id) ?? {}) as Record<string, number | null>;
      // JSON has no NaN: the NULL a NaN latest is stored as comes back as null.
      for (const k in m) if (m[k] === null) m[k] = NaN;
      // Three properties added to the record, not the record spread into a new object: the spread
      // cost about 25 ms of the 3-term filter's ~130 at 100,000 runs (2,242 rows; BENCHMARKS.md, Store).
      const row: RunRow = Object.assign(toRunRecord(r), {
        params: (params.get(id) ?? {}) as Record<string, string>,
        metrics: m as Record<string, number>,
        tags: (tags.get(id) ?? {}) as Record<string, string>,
      });
      return row;
    });
  });
}
