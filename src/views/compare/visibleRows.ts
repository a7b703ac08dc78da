import type { TableRow } from '../../protocol/compare';

/** The table rows shown (and exported): all, or only those whose values differ between runs. */
export function visibleRows(rows: readonly TableRow[], onlyDiffers: boolean): TableRow[] {
  return onlyDiffers ? rows.filter((r) => r.differs) : rows.slice();
}
