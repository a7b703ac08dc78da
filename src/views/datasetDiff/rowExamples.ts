import type { RowChange } from '../../core/datasetDiff/diffFiles';
import type { DatasetDiff, DiffCell } from '../../core/datasetDiff/types';

/**
 * The example rows a `DatasetDiff` carries (capped per kind), as row
 * changes: modified rows grouped from the cell changes by key, then removed
 * and added rows. For reports made from a diff alone, without its spill file.
 */
export function examplesAsRowChanges(diff: DatasetDiff): RowChange[] {
  const r = diff.rows;
  const modified = new Map<string, { key: DiffCell[]; values: Record<string, DiffCell>; changes: { column: string; before: DiffCell; after: DiffCell }[] }>();
  for (const c of r.cellChanges) {
    const id = JSON.stringify(c.key);
    let m = modified.get(id);
    if (!m) modified.set(id, (m = { key: c.key, values: {}, changes: [] }));
    m.changes.push({ column: c.column, before: c.before, after: c.after });
    m.values[c.column] = c.after;
  }
  const out: RowChange[] = [...modified.values()].map((m) => ({ kind: 'modified', ...m }));
  for (const row of r.removedRows) out.push({ kind: 'removed', key: row.key, lineA: row.line, values: row.values ?? {} });
  for (const row of r.addedRows) out.push({ kind: 'added', key: row.key, lineB: row.line, values: row.values ?? {} });
  return out;
}
