/**
 * How listRuns picks the run ids of a page at team scale (100,000 runs,
 * issue #17; BENCHMARKS.md, Store): the statements of each query shape, and
 * the order they run in. Only ids come out of here; listRuns fetches the
 * rows, params, metrics and tags of those ids alone.
 */
import type { FilterExpr } from '../core/query/ast';
import { parseFilterOrEmpty } from '../core/query/parseFilter';
import { parseSort } from '../core/query/parseSort';
import type { FilterOptions } from './filterToSql';
import { filterToSql } from './filterToSql';
import type { ListRunsQuery } from './runQuery';
import type { DrivingKey, SortSql } from './sortToSql';
import { TABLES, sortToSql } from './sortToSql';

/** SQL text and the values it binds, in order. */
export interface WhereSql {
  readonly sql: string;
  readonly params: unknown[];
}

/** The WHERE clause over `runs r` of a query's experiment, lifecycle, parent and filter. */
export function where(q: ListRunsQuery, now: number, terms: FilterOptions['terms'] = 'sets'): WhereSql {
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

/** Tuning of the page plans; tests shrink `walkMin` to drive the fallback on a small store. */
export interface PagePlanOptions {
  /** The least number of index entries a bounded walk may visit. */
  readonly walkMin: number;
}

export const PAGE_PLAN: PagePlanOptions = { walkMin: 5_000 };

/**
 * How many entries a bounded walk may visit: enough for a filter matching one
 * run in 20 to fill the page; a rarer filter leaves the page to the set plan
 * after at most this many cheap probes.
 */
export function walkBudget(want: number, plan: PagePlanOptions = PAGE_PLAN): number {
  return Math.max(plan.walkMin, 20 * want);
}

/** Statements run one after the other until `want` ids are there (each next one binds the count still missing), then `skip` dropped. */
export interface PageParts {
  readonly parts: readonly WhereSql[];
  /** -1: no limit (one statement). */
  readonly want: number;
  readonly skip: number;
}

/**
 * A walk in sort order through a window of {@link walkBudget} index entries:
 * `boundary` finds the window's last entry, whose values `sql` binds before
 * `params` (`created`: its created_at twice and its id; `value`: the key's
 * value). When it yields `want` ids they are the page; when there is no
 * boundary (the whole walk fits the budget) `whole` makes the page.
 */
export interface BoundedWalk extends WhereSql {
  readonly boundary: WhereSql;
  readonly bind: 'created' | 'value';
  readonly want: number;
  readonly skip: number;
  readonly whole: PageParts;
}

/** The statements of one page of run ids: a bounded walk first when there is one, else (or when it came up short) `parts`. */
export interface PageQuery extends PageParts {
  readonly walk?: BoundedWalk;
}

/**
 * The statements selecting the ids of a page of runs, in order:
 * - a limit and a metric, param or tag as first sort key: that key's index
 *   (metric_series_by_latest; params_by_num then params_by_value for values
 *   that are not numbers) is walked in order, each run probed against the
 *   filter, until the page is full; runs lacking the key (or a NaN metric)
 *   follow, as NULLS LAST. The first walk is bounded: a filter too rare to
 *   fill the page within the budget gets the set plan;
 * - a limit and the default order (newest first): the same through
 *   runs_by_created_id (not for a run's children or a run by id, which
 *   runs indexes find at once);
 * - otherwise, and as the fallback (the set plan): the filter's first
 *   metric/param/tag comparison is an index-built set, the other terms probe
 *   its rows, then the matches are sorted.
 */
export function pageQuery(q: ListRunsQuery, now: number, plan: PagePlanOptions = PAGE_PLAN): PageQuery {
  const limit = q.limit === undefined ? -1 : Math.max(0, Math.floor(q.limit));
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const sortText = typeof q.sort === 'string' ? q.sort : '';
  const keys = typeof q.sort === 'string' ? parseSort(q.sort) : (q.sort ?? []);
  const sort = sortToSql(keys, { text: sortText, now });
  const w = where(q, now, 'leadSet');
  const setPlan: PageParts = {
    parts: [{
      sql: `SELECT r.id FROM runs r ${sort.joins} ${w.sql} ORDER BY ${sort.orderBy} LIMIT ? OFFSET ?`,
      params: [...sort.joinParams, ...w.params, ...sort.orderParams, limit, offset],
    }],
    want: limit,
    skip: 0,
  };
  if (limit < 0) return setPlan;
  const want = limit + offset;
  const budget = walkBudget(want, plan);
  const driven = sortToSql(keys, { text: sortText, now, drive: true });
  if (driven.driving) return { ...setPlan, walk: keyedWalk(q, now, driven, driven.driving, want, offset, budget) };
  if (keys.length > 0 || narrowedByRunsIndex(q)) return setPlan;
  const probes = where(q, now, 'probes');
  // INDEXED BY: an experiment's equality must not tempt the planner off the ordered walk.
  const walk = (bound: string) => `SELECT r.id FROM runs r INDEXED BY runs_by_created_id
    WHERE ${bound} ${andWhere(probes)} ORDER BY r.created_at DESC, r.id LIMIT ?`;
  return {
    ...setPlan,
    walk: {
      sql: walk('r.created_at >= ? AND (r.created_at > ? OR r.id <= ?)'),
      params: [...probes.params, want],
      boundary: {
        sql: 'SELECT created_at, id FROM runs INDEXED BY runs_by_created_id ORDER BY created_at DESC, id LIMIT 1 OFFSET ?',
        params: [budget - 1],
      },
      bind: 'created',
      want,
      skip: offset,
      whole: { parts: [{ sql: walk('1'), params: [...probes.params, want] }], want, skip: offset },
    },
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

/** A limited sort whose first key is a metric, param or tag: walks of that key's index, then the runs lacking it. */
function keyedWalk(q: ListRunsQuery, now: number, sort: SortSql, driving: DrivingKey, want: number, skip: number, budget: number): BoundedWalk {
  const w = where(q, now, 'probes');
  const dir = driving.descending ? 'DESC' : 'ASC';
  const table = TABLES[driving.entity];
  const column = driving.entity === 'metrics' ? 'latest' : 'num';
  // CROSS JOIN keeps the key's table outermost, so its index order is the walk order; `bound` (in ON,
  // so its value binds first) keeps the walk within the window.
  const walk = (cond: string, order: string, bound = ''): WhereSql => ({
    sql: `SELECT r.id FROM ${table} sk0 CROSS JOIN runs r ON r.id = sk0.run_id ${bound} ${sort.joins}
      WHERE sk0.key = ? AND ${cond} ${andWhere(w)} ORDER BY ${order}, ${sort.orderBy} LIMIT ?`,
    params: [...sort.joinParams, driving.key, ...w.params, ...sort.orderParams],
  });
  const first = [`sk0.${column} IS NOT NULL`, `sk0.${column} ${dir}${column === 'num' ? `, sk0.value ${dir}` : ''}`] as const;
  const present = column === 'latest' ? [walk(...first)] : [walk(...first), walk('sk0.num IS NULL', `sk0.value ${dir}`)];
  // Runs lacking the key; for a metric also a series with no point or a NaN latest (NaN sorts as missing).
  const lacking = column === 'latest' ? 'sk0.latest IS NULL' : 'sk0.run_id IS NULL';
  const missing: WhereSql = {
    sql: `SELECT r.id FROM runs r LEFT JOIN ${table} sk0 ON sk0.run_id = r.id AND sk0.key = ? ${sort.joins}
      WHERE ${lacking} ${andWhere(w)} ORDER BY ${sort.orderBy} LIMIT ?`,
    params: [driving.key, ...sort.joinParams, ...w.params, ...sort.orderParams],
  };
  const [head, ...others] = [...present, missing];
  // The window ends at the budget-th value in walk order; runs tied with it are all inside, so every run
  // outside sorts after every run inside.
  const bounded = walk(...first, `AND sk0.${column} ${driving.descending ? '>=' : '<='} ?`);
  return {
    sql: bounded.sql,
    params: [...bounded.params, want],
    boundary: {
      sql: `SELECT ${column} FROM ${table} INDEXED BY ${table}_by_${column === 'latest' ? 'latest' : 'num'}
        WHERE key = ? AND ${column} IS NOT NULL ORDER BY ${column} ${dir} LIMIT 1 OFFSET ?`,
      params: [driving.key, budget - 1],
    },
    bind: 'value',
    want,
    skip,
    // pageIds appends the missing count to all but the first statement.
    whole: { parts: [{ sql: head.sql, params: [...head.params, want] }, ...others], want, skip },
  };
}

/** Runs a page plan's SQL on some connection (the store's, or a raw one in the bench). */
export interface PageRunner {
  ids(sql: string, params: readonly unknown[]): string[];
  row(sql: string, params: readonly unknown[]): unknown[] | undefined;
}

/** The page's run ids: the bounded walk when it fills the page (or covers everything), else the parts. */
export function pageIds(page: PageQuery, run: PageRunner): string[] {
  if (page.walk) {
    const walk = page.walk;
    const last = run.row(walk.boundary.sql, walk.boundary.params);
    if (!last) return partIds(walk.whole, run);
    const bound = walk.bind === 'created' ? [last[0], last[0], last[1]] : [last[0]];
    const ids = run.ids(walk.sql, [...bound, ...walk.params]);
    if (ids.length >= walk.want) return ids.slice(walk.skip);
  }
  return partIds(page, run);
}

function partIds(page: PageParts, run: PageRunner): string[] {
  const [first, ...others] = page.parts;
  const ids = run.ids(first.sql, first.params);
  for (const part of others) {
    if (page.want < 0 || ids.length >= page.want) break;
    ids.push(...run.ids(part.sql, [...part.params, page.want - ids.length]));
  }
  return ids.slice(page.skip);
}
