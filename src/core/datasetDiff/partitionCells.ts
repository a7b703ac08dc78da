/**
 * Cells of a decoded partition, read with the column's final type. Same
 * rules as `cells.ts` for frames (missing equals missing; numbers compare
 * numerically, also as text in a categorical column; boolean words are
 * values only in boolean columns), on the scanner's representation: a
 * number (booleans 1/0, NaN otherwise) plus, for text cells, a text id.
 * One difference: a number in a categorical column shows (and counts as a
 * category) by its value, "7" for "007", because the first pass keeps
 * numbers, not their text.
 */
import type { ColumnType } from '../data/frame';
import { INLINE_TEXT, NO_TEXT } from './partitions';
import type { PartitionRows } from './partitions';
import type { DiffCell } from './types';

/** One column of one side: where it is in the partition and its type over the whole file. */
export interface CellColumn {
  readonly index: number;
  readonly kind: ColumnType;
}

export class PartitionCells {
  constructor(readonly part: PartitionRows, private readonly texts: readonly string[]) {}

  /** The cell's text (a text or boolean word), or undefined for numbers and missing cells. */
  text(c: number, r: number): string | undefined {
    const ids = this.part.ids[c];
    if (ids === undefined) return undefined;
    const id = ids[r];
    if (id >= 0) return this.texts[id];
    return id === INLINE_TEXT ? this.part.inline[c]?.get(r) : undefined;
  }

  /** The cell as plain JSON, as `cellValue` shows it. */
  value(col: CellColumn, r: number): DiffCell {
    const v = this.part.values[col.index][r];
    if (col.kind === 'categorical') {
      const t = this.text(col.index, r);
      if (t !== undefined) return t;
      return v !== v ? null : String(v);
    }
    if (v !== v) return null;
    if (col.kind === 'boolean') return v === 1 ? 'true' : 'false';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return v;
  }

  /** A canonical string per cell, equal exactly when cells compare equal (as `cellToken`). */
  token(col: CellColumn, r: number): string {
    const v = this.part.values[col.index][r];
    if (col.kind === 'categorical') {
      const t = this.text(col.index, r);
      if (t !== undefined) return `s${t.length}:${t}`;
    }
    return v !== v ? '\u0000' : `n${v}`;
  }

  /** The number a cell stands for, or undefined (text, or missing). */
  number(col: CellColumn, r: number): number | undefined {
    const v = this.part.values[col.index][r];
    if (v !== v) return undefined;
    if (col.kind === 'categorical' && this.hasText(col.index, r)) return undefined;
    return v;
  }

  hasText(c: number, r: number): boolean {
    const ids = this.part.ids[c];
    return ids !== undefined && ids[r] !== NO_TEXT;
  }

  isMissing(col: CellColumn, r: number): boolean {
    const v = this.part.values[col.index][r];
    return v !== v && !(col.kind === 'categorical' && this.hasText(col.index, r));
  }
}

/** Equality of cell i of `a` with cell j of `b` (as `cellEquals` for frames). */
export function cellEq(a: PartitionCells, ca: CellColumn, b: PartitionCells, cb: CellColumn): (i: number, j: number) => boolean {
  const va = a.part.values[ca.index];
  const vb = b.part.values[cb.index];
  if (ca.kind !== 'categorical' && cb.kind !== 'categorical') {
    return (i, j) => va[i] === vb[j] || (va[i] !== va[i] && vb[j] !== vb[j]);
  }
  if (ca.kind === 'categorical' && cb.kind === 'categorical') {
    const ia = a.part.ids[ca.index];
    const ib = b.part.ids[cb.index];
    return (i, j) => {
      const x = ia === undefined ? NO_TEXT : ia[i];
      const y = ib === undefined ? NO_TEXT : ib[j];
      if (x === NO_TEXT && y === NO_TEXT) return va[i] === vb[j] || (va[i] !== va[i] && vb[j] !== vb[j]);
      if (x === NO_TEXT || y === NO_TEXT) return false;
      if (x >= 0 && y >= 0) return x === y;
      return a.text(ca.index, i) === b.text(cb.index, j);
    };
  }
  return (i, j) => {
    const nx = a.number(ca, i);
    const ny = b.number(cb, j);
    if (nx !== undefined || ny !== undefined) return nx === ny;
    return a.isMissing(ca, i) && b.isMissing(cb, j);
  };
}
