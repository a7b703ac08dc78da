import type { FilterExpr, FieldRef } from '../core/query/ast';
import type { RunStore } from '../store/runStore';
import { formatNumber } from './table';

function fields(expr: FilterExpr, out: FieldRef[] = []): FieldRef[] {
  switch (expr.kind) {
    case 'and':
    case 'or':
      fields(expr.left, out);
      fields(expr.right, out);
      break;
    case 'not':
      fields(expr.expr, out);
      break;
    default:
      out.push(expr.field);
  }
  return out;
}

/**
 * A CI gate: does the run match the filter? The reason names the values the
 * gate looked at, so a failed pipeline says why in one line.
 */
export function checkGate(store: RunStore, runId: string, gate: FilterExpr, text: string): { passed: boolean; reason: string } {
  const matched = store.listRuns({
    filter: { kind: 'and', left: gate, right: { kind: 'compare', field: { entity: 'attributes', key: 'id', start: 0, end: 0 }, op: '=', value: runId, start: 0, end: 0 } },
    parentId: undefined,
    limit: 1,
  });
  const run = store.listRuns({ filter: { kind: 'compare', field: { entity: 'attributes', key: 'id', start: 0, end: 0 }, op: '=', value: runId, start: 0, end: 0 }, limit: 1 })[0];
  const seen = [...new Map(fields(gate).map((f) => [`${f.entity}.${f.key}`, f])).values()].map((f) => {
    const name = `${f.entity}.${f.key}`;
    if (!run) return `${name} = ?`;
    const value = f.entity === 'metrics' ? run.metrics[f.key] : f.entity === 'params' ? run.params[f.key] : f.entity === 'tags' ? run.tags[f.key] : undefined;
    if (value === undefined) return f.entity === 'attributes' ? name : `${name} is missing`;
    return `${name} = ${typeof value === 'number' ? formatNumber(value) : JSON.stringify(value)}`;
  });
  return { passed: matched.length === 1, reason: `${seen.join(', ')} (gate: ${text})` };
}
