import type { FieldRef, FilterExpr } from '../core/query/ast';
import { parseFilterOrEmpty } from '../core/query/parseFilter';
import { closestName } from '../core/util/closestName';

/** Every field a filter names, in the order written. */
export function filterFields(expr: FilterExpr | undefined): FieldRef[] {
  if (!expr) return [];
  switch (expr.kind) {
    case 'and':
    case 'or':
      return [...filterFields(expr.left), ...filterFields(expr.right)];
    case 'not':
      return filterFields(expr.expr);
    default:
      return 'field' in expr ? [expr.field] : [];
  }
}

/** The keys runs have, for the hints. */
export interface KnownKeys {
  readonly metrics: ReadonlySet<string>;
  readonly params: ReadonlySet<string>;
}

/** The metric and param keys of `runs`. */
export function knownKeys(runs: readonly { readonly metrics: object; readonly params: object }[]): KnownKeys {
  return {
    metrics: new Set(runs.flatMap((r) => Object.keys(r.metrics))),
    params: new Set(runs.flatMap((r) => Object.keys(r.params))),
  };
}

/**
 * Why a filter may have matched nothing: each metric or param it names that
 * no run has, with the closest key runs do have, e.g.
 * `no run has a metric named test_acc; did you mean test_accuracy?`.
 */
export function unknownKeyHints(filter: string, known: KnownKeys): string[] {
  const hints: string[] = [];
  for (const field of filterFields(parseFilterOrEmpty(filter))) {
    if (field.entity !== 'metrics' && field.entity !== 'params') continue;
    const keys = known[field.entity];
    if (keys.has(field.key)) continue;
    const near = closestName(field.key, keys);
    const hint = `no run has a ${field.entity === 'metrics' ? 'metric' : 'param'} named ${field.key}${near ? `; did you mean ${near}?` : ''}`;
    if (!hints.includes(hint)) hints.push(hint);
  }
  return hints;
}
