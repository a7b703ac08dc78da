/**
 * Cell values for comparison. Missing (empty, NaN, NA…, already NaN / null
 * in the frame) equals missing; numbers compare numerically, so "1.0" in a
 * text column equals 1 in a numeric one.
 */
import type { Column } from '../data/frame';
import { parseNumberText } from '../data/numberParse';
import type { DiffCell } from './types';

/** The cell as plain JSON: number, string, or null when missing. ±Infinity becomes "inf" / "-inf" (JSON has no infinity). */
export function cellValue(col: Column, row: number): DiffCell {
  if (col.type === 'categorical') return col.values[row];
  const v = col.values[row];
  if (Number.isNaN(v)) return null;
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return col.type === 'boolean' ? (v === 1 ? 'true' : 'false') : v;
}

/** The number a cell stands for, or undefined when it is text that is not a number (or missing). */
function asNumber(col: Column, row: number): number | undefined {
  if (col.type !== 'categorical') {
    const v = col.values[row];
    return Number.isNaN(v) ? undefined : v;
  }
  const s = col.values[row];
  return s === null ? undefined : parseNumberText(s.trim());
}

/** A canonical string per cell: equal strings exactly when the cells compare equal. */
export function cellToken(col: Column, row: number): string {
  if (col.type !== 'categorical') {
    const v = col.values[row];
    return Number.isNaN(v) ? '\u0000' : `n${v}`;
  }
  const s = col.values[row];
  if (s === null) return '\u0000';
  const n = parseNumberText(s.trim());
  // Length prefix: no text can run into the next cell of a row token.
  return n === undefined ? `s${s.length}:${s}` : `n${n}`;
}

/** Builds an equality test for cells of two columns; fast paths when both columns have the same kind. */
export function cellEquals(a: Column, b: Column): (i: number, j: number) => boolean {
  if (a.type !== 'categorical' && b.type !== 'categorical') {
    const va = a.values;
    const vb = b.values;
    return (i, j) => va[i] === vb[j] || (Number.isNaN(va[i]) && Number.isNaN(vb[j]));
  }
  if (a.type === 'categorical' && b.type === 'categorical') {
    const va = a.values;
    const vb = b.values;
    return (i, j) => {
      const x = va[i];
      const y = vb[j];
      if (x === y) return true;
      if (x === null || y === null) return false;
      const nx = parseNumberText(x.trim());
      return nx !== undefined && nx === parseNumberText(y.trim());
    };
  }
  return (i, j) => {
    const nx = asNumber(a, i);
    const ny = asNumber(b, j);
    if (nx !== undefined || ny !== undefined) return nx === ny;
    // Neither is a number: equal only when both are missing.
    return cellValue(a, i) === null && cellValue(b, j) === null;
  };
}
