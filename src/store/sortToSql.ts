import { QueryError } from '../core/query/ast';
import type { SortKey } from '../core/query/ast';
import type { CompileContext } from './queryFields';
import { attributeColumn } from './queryFields';

/** LEFT JOINs bringing sort keys next to `runs r`, and the ORDER BY terms using them. */
export interface SortSql {
  readonly joins: string;
  readonly joinParams: unknown[];
  /** Comma-separated terms without the ORDER BY keyword; never empty. */
  readonly orderBy: string;
  readonly orderParams: unknown[];
  /**
   * With `drive`, a first sort key on a metric, param or tag is left out of
   * joins/orderBy and returned here: the caller walks that key's index in its
   * order (metric_series_by_latest, params_by_num / tags_by_num, …_by_value).
   */
  readonly driving?: DrivingKey;
}

/** The first sort key, when it is a metric, param or tag a page walks in index order. */
export interface DrivingKey {
  readonly entity: 'metrics' | 'params' | 'tags';
  readonly key: string;
  readonly descending: boolean;
}

export const TABLES = { metrics: 'metric_series', params: 'params', tags: 'tags' } as const;

/**
 * Compiles sort keys. Runs lacking a key sort last in either direction
 * (NULLS LAST; a NaN latest metric counts as missing). Params/tags sort
 * numerically when their values look numeric, text after numbers. Ties and
 * the default fall back to newest first.
 */
export function sortToSql(keys: readonly SortKey[], opts: { text?: string; now?: number; drive?: boolean } = {}): SortSql {
  const ctx: CompileContext = { text: opts.text ?? '', now: opts.now ?? Date.now() };
  const joins: string[] = [];
  const joinParams: unknown[] = [];
  const terms: string[] = [];
  const orderParams: unknown[] = [];
  const first = keys[0]?.field;
  const driving: DrivingKey | undefined =
    opts.drive && first && first.entity !== 'attributes' && first.entity !== 'datasets'
      ? { entity: first.entity, key: first.key, descending: keys[0].descending }
      : undefined;
  keys.forEach((k, i) => {
    if (i === 0 && driving) return;
    const dir = k.descending ? 'DESC' : 'ASC';
    const f = k.field;
    switch (f.entity) {
      case 'metrics':
      case 'params':
      case 'tags': {
        const alias = `sk${i}`;
        joins.push(`LEFT JOIN ${TABLES[f.entity]} ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ?`);
        joinParams.push(f.key);
        if (f.entity === 'metrics') terms.push(`${alias}.latest ${dir} NULLS LAST`);
        else terms.push(`${alias}.num ${dir} NULLS LAST`, `${alias}.value ${dir} NULLS LAST`);
        break;
      }
      case 'attributes': {
        const col = attributeColumn(f, ctx);
        terms.push(`${col.sql} ${dir} NULLS LAST`);
        orderParams.push(...col.params);
        break;
      }
      case 'datasets':
        throw new QueryError(`cannot sort by datasets.${f.key}: a run may have several inputs`, ctx.text, f.start, f.end);
    }
  });
  terms.push('r.created_at DESC', 'r.id');
  return { joins: joins.join(' '), joinParams, orderBy: terms.join(', '), orderParams, ...(driving ? { driving } : {}) };
}
