import type { FilterExpr, SortKey } from '../core/query/ast';
import { parseFilterOrEmpty } from '../core/query/parseFilter';
import { parseSort } from '../core/query/parseSort';
import type { Sql } from './connection';
import { filterToSql } from './filterToSql';
import type { RunDbRow } from './runRepo';
import { RUN_SELECT, toRunRecord } from './runRepo';
import { sortToSql } from './sortToSql';
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

interface WhereSql {
  readonly sql: string;
  readonly params: unknown[];
}

function where(q: ListRunsQuery, now: number): WhereSql {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (q.experiment !== undefined) {
    parts.push('e.name = ?');
    params.push(q.experiment);
  }
  const lifecycle = q.lifecycle ?? 'active';
  if (lifecycle === 'active') parts.push('r.deleted_at IS NULL');
  else if (lifecycle === 'deleted') parts.push('r.deleted_at IS NOT NULL');
  if (q.parentId === null) parts.push('r.parent_id IS NULL');
  else if (q.parentId !== undefined) {
    parts.push('r.parent_id = ?');
    params.push(q.parentId);
  }
  const filter = typeof q.filter === 'string' ? parseFilterOrEmpty(q.filter) : q.filter;
  if (filter) {
    const f = filterToSql(filter, { text: typeof q.filter === 'string' ? q.filter : '', now });
    parts.push(f.sql);
    params.push(...f.params);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** Number of runs matching the query's filter, experiment and parent (limit/offset ignored). */
export function countRuns(sql: Sql, q: ListRunsQuery, now: number): number {
  const w = where(q, now);
  return sql.stmt(`SELECT count(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id ${w.sql}`).pluck(true).get(...w.params) as number;
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
 * Runs with their params, latest metrics and tags: one query for the runs,
 * then one batched lookup per table, all in one read snapshot.
 */
export function listRuns(sql: Sql, q: ListRunsQuery, now: number): RunRow[] {
  const w = where(q, now);
  const sortText = typeof q.sort === 'string' ? q.sort : '';
  const sort = sortToSql(typeof q.sort === 'string' ? parseSort(q.sort) : (q.sort ?? []), { text: sortText, now });
  const text = `${RUN_SELECT} ${sort.joins} ${w.sql} ORDER BY ${sort.orderBy} LIMIT ? OFFSET ?`;
  const limit = q.limit === undefined ? -1 : Math.max(0, Math.floor(q.limit));
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  return sql.read(() => {
    const rows = sql.stmt(text).all(...sort.joinParams, ...w.params, ...sort.orderParams, limit, offset) as RunDbRow[];
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((r) => r.id));
    const params = objectsByRun(sql, 'SELECT run_id, json_group_object(key, value) FROM params', ids);
    const tags = objectsByRun(sql, 'SELECT run_id, json_group_object(key, value) FROM tags', ids);
    const metrics = objectsByRun(sql, 'SELECT run_id, json_group_object(key, latest) FROM metric_series', ids, 'count > 0');
    return rows.map((r) => {
      const m = (metrics.get(r.id) ?? {}) as Record<string, number | null>;
      // JSON has no NaN: the NULL a NaN latest is stored as comes back as null.
      for (const k in m) if (m[k] === null) m[k] = NaN;
      return {
        ...toRunRecord(r),
        params: (params.get(r.id) ?? {}) as Record<string, string>,
        metrics: m as Record<string, number>,
        tags: (tags.get(r.id) ?? {}) as Record<string, string>,
      };
    });
  });
}
