import type { FilterExpr, SortKey } from '../core/query/ast';
import { parseFilterOrEmpty } from '../core/query/parseFilter';
import { parseSort } from '../core/query/parseSort';
import type { Sql } from './connection';
import type { FilterOptions } from './filterToSql';
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

/** SQL text and the values it binds, in order. */
export interface WhereSql {
  readonly sql: string;
  readonly params: unknown[];
}

function where(q: ListRunsQuery, now: number, terms: FilterOptions['terms'] = 'sets'): WhereSql {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (q.experiment !== undefined) {
    // By id, not through a join on the name: the run ids of a page are chosen from `runs` alone.
    parts.push('r.experiment_id = (SELECT id FROM experiments WHERE name = ?)');
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
    const f = filterToSql(filter, { text: typeof q.filter === 'string' ? q.filter : '', now, terms });
    parts.push(f.sql);
    params.push(...f.params);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** `WHERE x` as `AND x`, to follow conditions of the caller's own. */
const andWhere = (w: WhereSql): string => (w.sql ? `AND ${w.sql.slice('WHERE '.length)}` : '');

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
 * The statements selecting the ids of a page of runs, in order (exported for
 * the query-plan tests): run one after the other until `want` ids are there,
 * then drop the first `skip`. Chosen for 100,000-run stores (BENCHMARKS.md):
 * - a limit and a metric as first sort key: the runs are walked in the order
 *   of metric_series_by_latest, each probed against the filter, until the
 *   page is full; runs lacking the metric (or NaN) follow, as NULLS LAST.
 *   Fast while matches are common (the Runs view's usual case); a filter
 *   matching almost nothing walks every run of the metric (measured in the bench);
 * - otherwise the filter's first AND term is an index-built set that drives
 *   and the other terms probe its runs, then the matches are sorted (a walk
 *   in created order would probe every run when few match).
 */
export function pageQuery(q: ListRunsQuery, now: number): { parts: WhereSql[]; want: number; skip: number } {
  const limit = q.limit === undefined ? -1 : Math.max(0, Math.floor(q.limit));
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const sortText = typeof q.sort === 'string' ? q.sort : '';
  const sort = sortToSql(typeof q.sort === 'string' ? parseSort(q.sort) : (q.sort ?? []), { text: sortText, now, drive: limit >= 0 });
  const w = where(q, now, sort.driving ? 'probes' : 'leadSet');
  if (!sort.driving) {
    return {
      parts: [{
        sql: `SELECT r.id FROM runs r ${sort.joins} ${w.sql} ORDER BY ${sort.orderBy} LIMIT ? OFFSET ?`,
        params: [...sort.joinParams, ...w.params, ...sort.orderParams, limit, offset],
      }],
      want: limit,
      skip: 0,
    };
  }
  const want = limit + offset;
  const dir = sort.driving.descending ? 'DESC' : 'ASC';
  const key = sort.driving.key;
  return {
    parts: [
      {
        // CROSS JOIN keeps metric_series outermost, so its index order is the walk order.
        sql: `SELECT r.id FROM metric_series sk0 CROSS JOIN runs r ON r.id = sk0.run_id ${sort.joins}
          WHERE sk0.key = ? AND sk0.latest IS NOT NULL ${andWhere(w)} ORDER BY sk0.latest ${dir}, ${sort.orderBy} LIMIT ?`,
        params: [...sort.joinParams, key, ...w.params, ...sort.orderParams, want],
      },
      {
        sql: `SELECT r.id FROM runs r LEFT JOIN metric_series sk0 ON sk0.run_id = r.id AND sk0.key = ? ${sort.joins}
          WHERE sk0.latest IS NULL ${andWhere(w)} ORDER BY ${sort.orderBy} LIMIT ?`,
        params: [key, ...sort.joinParams, ...w.params, ...sort.orderParams],
      },
    ],
    want,
    skip: offset,
  };
}

/** Runs the page statements: each next one asked only for the ids still missing. */
function pageIds(sql: Sql, page: ReturnType<typeof pageQuery>): string[] {
  if (page.want < 0 || page.parts.length === 1) return sql.stmt(page.parts[0].sql).pluck(true).all(...page.parts[0].params) as string[];
  const ids: string[] = [];
  for (const [i, part] of page.parts.entries()) {
    if (ids.length >= page.want) break;
    const args = i === 0 ? part.params : [...part.params, page.want - ids.length];
    ids.push(...(sql.stmt(part.sql).pluck(true).all(...args) as string[]));
  }
  return ids.slice(page.skip);
}

/**
 * Runs with their params, latest metrics and tags, in one read snapshot: the
 * page's run ids first (filter, sort, limit and offset over `runs` and the
 * indexes only, so the sort never carries whole rows), then the rows of those
 * ids and one batched lookup per table.
 */
export function listRuns(sql: Sql, q: ListRunsQuery, now: number): RunRow[] {
  const page = pageQuery(q, now);
  return sql.read(() => {
    const pageIdList = pageIds(sql, page);
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
      return {
        ...toRunRecord(r),
        params: (params.get(id) ?? {}) as Record<string, string>,
        metrics: m as Record<string, number>,
        tags: (tags.get(id) ?? {}) as Record<string, string>,
      };
    });
  });
}
