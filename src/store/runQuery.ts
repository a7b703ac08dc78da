import type { FilterExpr, SortKey } from '../core/query/ast';
import { parseFilterOrEmpty } from '../core/query/parseFilter';
import { parseSort } from '../core/query/parseSort';
import type { Sql } from './connection';
import type { FilterOptions } from './filterToSql';
import { filterToSql } from './filterToSql';
import type { RunDbRow } from './runRepo';
import { RUN_SELECT, toRunRecord } from './runRepo';
import type { DrivingKey, SortSql } from './sortToSql';
import { TABLES, sortToSql } from './sortToSql';
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

/** Tuning of the page plans; tests shrink `walkMin` to drive the fallback on a small store. */
export interface PagePlanOptions {
  /** The least number of runs the bounded walk may visit. */
  readonly walkMin: number;
}

const PAGE_PLAN: PagePlanOptions = { walkMin: 5_000 };

/**
 * How many runs the bounded walk of a limited page in the default order may
 * visit: enough for a filter matching one run in 20 to fill the page; a
 * rarer filter leaves the page to the set plan after at most this many cheap
 * probes (issue #17: the or + not shape).
 */
export function walkBudget(want: number, plan: PagePlanOptions = PAGE_PLAN): number {
  return Math.max(plan.walkMin, 20 * want);
}

/**
 * The bounded walk: `sql` binds the last run of the window (its created_at
 * twice, then its id) before `params`; {@link WALK_BOUNDARY} finds that run.
 */
export interface WalkSql extends WhereSql {
  readonly budget: number;
  readonly want: number;
  readonly skip: number;
}

/** The budget-th run in the default order (bind budget - 1): where a bounded walk stops; none when the store is smaller. */
export const WALK_BOUNDARY = 'SELECT created_at, id FROM runs INDEXED BY runs_by_created_id ORDER BY created_at DESC, id LIMIT 1 OFFSET ?';

/** The statements of one page of run ids (exported for the query-plan tests). */
export interface PageQuery {
  /**
   * A first try: the runs in the default order, at most {@link walkBudget} of
   * them, each probed against the filter. When it yields `want` ids they are
   * the page (after dropping `skip`); otherwise `parts` make it.
   */
  readonly walk?: WalkSql;
  /** Run one after the other until `want` ids are there (each asked only for the ids still missing), then drop `skip`. */
  readonly parts: readonly WhereSql[];
  readonly want: number;
  readonly skip: number;
}

/**
 * The statements selecting the ids of a page of runs, in order. Chosen for
 * 100,000-run stores (BENCHMARKS.md):
 * - a limit and a metric, param or tag as first sort key: the runs are
 *   walked in the order of that key's index (metric_series_by_latest;
 *   params_by_num then params_by_value for values that are not numbers),
 *   each probed against the filter, until the page is full; runs lacking the
 *   key (or a NaN metric) follow, as NULLS LAST. Fast while matches are
 *   common (the Runs view's usual case); a filter matching almost nothing
 *   walks every run of the key (measured in the bench);
 * - a limit and the default order (newest first): a bounded walk of
 *   runs_by_created_id with probes, then, if that did not fill the page,
 *   the set plan;
 * - otherwise (the set plan) the filter's first AND term is an index-built
 *   set that drives and the other terms probe its runs, then the matches
 *   are sorted (a walk in created order would probe every run when few match).
 */
export function pageQuery(q: ListRunsQuery, now: number, plan: PagePlanOptions = PAGE_PLAN): PageQuery {
  const limit = q.limit === undefined ? -1 : Math.max(0, Math.floor(q.limit));
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const sortText = typeof q.sort === 'string' ? q.sort : '';
  const keys = typeof q.sort === 'string' ? parseSort(q.sort) : (q.sort ?? []);
  const sort = sortToSql(keys, { text: sortText, now, drive: limit >= 0 });
  if (sort.driving) return keyedWalk(q, now, sort, sort.driving, limit + offset, offset);
  const w = where(q, now, 'leadSet');
  const setPlan = {
    sql: `SELECT r.id FROM runs r ${sort.joins} ${w.sql} ORDER BY ${sort.orderBy} LIMIT ? OFFSET ?`,
    params: [...sort.joinParams, ...w.params, ...sort.orderParams, limit, offset],
  };
  const want = limit + offset;
  if (limit < 0 || keys.length > 0 || narrowedByRunsIndex(q)) return { parts: [setPlan], want: limit, skip: 0 };
  const probes = where(q, now, 'probes');
  return {
    walk: {
      // INDEXED BY: an experiment's equality must not tempt the planner off the ordered walk.
      sql: `SELECT r.id FROM runs r INDEXED BY runs_by_created_id
        WHERE r.created_at >= ? AND (r.created_at > ? OR r.id <= ?) ${andWhere(probes)} ORDER BY r.created_at DESC, r.id LIMIT ?`,
      params: [...probes.params, want],
      budget: walkBudget(want, plan),
      want,
      skip: offset,
    },
    parts: [setPlan],
    want: limit,
    skip: 0,
  };
}

/**
 * Whether a runs index finds the few candidates at once (a run's children
 * through runs_by_parent, `attributes.id = …` through the key), so a walk
 * in created order would only visit runs that cannot match.
 */
function narrowedByRunsIndex(q: ListRunsQuery): boolean {
  if (typeof q.parentId === 'string') return true;
  const filter = typeof q.filter === 'string' ? parseFilterOrEmpty(q.filter) : q.filter;
  const byId = (e: FilterExpr | undefined): boolean =>
    e !== undefined &&
    (e.kind === 'and'
      ? byId(e.left) || byId(e.right)
      : (e.kind === 'compare' && e.op === '=') || (e.kind === 'in' && !e.negated)
        ? e.field.entity === 'attributes' && ['id', 'run_id'].includes(e.field.key.toLowerCase())
        : false);
  return byId(filter);
}

/** The page of a limited sort whose first key is a metric, param or tag: walks of that key's index, then the runs lacking it. */
function keyedWalk(q: ListRunsQuery, now: number, sort: SortSql, driving: DrivingKey, want: number, skip: number): PageQuery {
  const w = where(q, now, 'probes');
  const dir = driving.descending ? 'DESC' : 'ASC';
  const table = TABLES[driving.entity];
  const rest = { joins: sort.joins, params: [...sort.joinParams], orderBy: sort.orderBy };
  // CROSS JOIN keeps the key's table outermost, so its index order is the walk order.
  const walk = (cond: string, order: string): WhereSql => ({
    sql: `SELECT r.id FROM ${table} sk0 CROSS JOIN runs r ON r.id = sk0.run_id ${rest.joins}
      WHERE sk0.key = ? AND ${cond} ${andWhere(w)} ORDER BY ${order}, ${rest.orderBy} LIMIT ?`,
    params: [...rest.params, driving.key, ...w.params, ...sort.orderParams],
  });
  const present =
    driving.entity === 'metrics'
      ? [walk('sk0.latest IS NOT NULL', `sk0.latest ${dir}`)]
      : [walk('sk0.num IS NOT NULL', `sk0.num ${dir}, sk0.value ${dir}`), walk('sk0.num IS NULL', `sk0.value ${dir}`)];
  // Runs lacking the key; for a metric also a series with no point or a NaN latest (NaN sorts as missing).
  const lacking = driving.entity === 'metrics' ? 'sk0.latest IS NULL' : 'sk0.run_id IS NULL';
  const missing: WhereSql = {
    sql: `SELECT r.id FROM runs r LEFT JOIN ${table} sk0 ON sk0.run_id = r.id AND sk0.key = ? ${rest.joins}
      WHERE ${lacking} ${andWhere(w)} ORDER BY ${rest.orderBy} LIMIT ?`,
    params: [driving.key, ...rest.params, ...w.params, ...sort.orderParams],
  };
  // The first statement gets its limit here; pageIds appends the missing count to the others.
  const [first, ...others] = [...present, missing];
  return { parts: [{ sql: first.sql, params: [...first.params, want] }, ...others], want, skip };
}

/** Runs the page statements: the bounded walk, else each next part asked only for the ids still missing. */
function pageIds(sql: Sql, page: PageQuery): string[] {
  if (page.walk) {
    const { walk } = page;
    const last = sql.stmt(WALK_BOUNDARY).raw(true).get(walk.budget - 1) as [number, string] | undefined;
    // No such run: the walk covers the whole store, so its ids are the page even when short.
    const bound = last ? [last[0], last[0], last[1]] : [-Infinity, -Infinity, ''];
    const ids = sql.stmt(walk.sql).pluck(true).all(...bound, ...walk.params) as string[];
    if (ids.length >= walk.want || !last) return ids.slice(walk.skip);
  }
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
export function listRuns(sql: Sql, q: ListRunsQuery, now: number, plan: PagePlanOptions = PAGE_PLAN): RunRow[] {
  const page = pageQuery(q, now, plan);
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
