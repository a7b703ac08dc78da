/**
 * RunLens's sort keys as a JavaScript comparator with the store's rules
 * (src/store/sortToSql.ts): a run lacking a key sorts last in either
 * direction (a NaN latest metric counts as missing); params and tags sort by
 * their numeric value first, numbers before text, then by text; ties and the
 * default fall back to newest first (`created_at DESC`), then id.
 */
import { QueryError } from '../core/query/ast';
import type { SortKey } from '../core/query/ast';
import { numericValue } from '../store/keyValues';
import { attributeColumn } from '../store/queryFields';
import type { RunRow } from '../store/types';
import { compareSql } from './filterEvaluator';
import { attributeGetter } from './runFields';
import type { SqlValue } from './runFields';
import { compareText } from './sqlText';

export type RunComparator = (a: RunRow, b: RunRow) => number;

/** `NULLS LAST` in the given direction. */
function term(get: (r: RunRow) => SqlValue, descending: boolean): RunComparator {
  return (a, b) => {
    const x = get(a);
    const y = get(b);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    const c = compareSql(x, y);
    return descending ? -c : c;
  };
}

function kvGetter(entity: 'params' | 'tags', key: string): { num: (r: RunRow) => SqlValue; text: (r: RunRow) => SqlValue } {
  const value = (r: RunRow): string | null => (Object.hasOwn(r[entity], key) ? r[entity][key]! : null);
  return { num: (r) => { const v = value(r); return v === null ? null : numericValue(v); }, text: value };
}

/** Compiles sort keys (throws the store's QueryError for an unknown attribute or a dataset key). */
export function compileSort(keys: readonly SortKey[], opts: { text?: string; now?: number } = {}): RunComparator {
  const ctx = { text: opts.text ?? '', now: opts.now ?? Date.now() };
  const terms: RunComparator[] = [];
  for (const k of keys) {
    const f = k.field;
    switch (f.entity) {
      case 'metrics': {
        const key = f.key;
        terms.push(term((r) => {
          const v = Object.hasOwn(r.metrics, key) ? r.metrics[key]! : null;
          return v === null || Number.isNaN(v) ? null : v;
        }, k.descending));
        break;
      }
      case 'params':
      case 'tags': {
        const g = kvGetter(f.entity, f.key);
        terms.push(term(g.num, k.descending), term(g.text, k.descending));
        break;
      }
      case 'attributes': {
        attributeColumn(f, ctx); // the store's message for an unknown attribute
        const get = attributeGetter(f.key)!;
        terms.push(term((r) => get(r, ctx.now), k.descending));
        break;
      }
      case 'datasets':
        throw new QueryError(`cannot sort by datasets.${f.key}: a run may have several inputs`, ctx.text, f.start, f.end);
    }
  }
  terms.push((a, b) => b.createdAt - a.createdAt, (a, b) => compareText(a.id, b.id));
  return (a, b) => {
    for (const t of terms) {
      const c = t(a, b);
      if (c !== 0) return c;
    }
    return 0;
  };
}
