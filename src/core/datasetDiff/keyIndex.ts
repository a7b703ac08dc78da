import type { Column, Frame } from '../data/frame';
import { rowLine } from '../data/frame';
import { DataError } from '../data/dataError';
import { cellToken, cellValue } from './cells';
import type { DiffCell } from './types';

/** Duplicate keys listed in the error message, so it stays readable. */
const MAX_LISTED_DUPLICATES = 10;

/** The key columns of a frame, in key order; throws when one is absent. */
export function keyColumns(frame: Frame, key: readonly string[], label: string): Column[] {
  return key.map((name) => {
    const col = frame.columns.find((c) => c.name === name);
    if (!col) throw new DataError(`${label}: key column "${name}" not found (columns: ${frame.columns.map((c) => c.name).join(', ')})`);
    return col;
  });
}

/** A row's key as a Map key: equal exactly when the key cells compare equal. */
export type KeyToken = string | number;

/**
 * The canonical key of a row (cells compare by value: 1 and 1.0 are the same
 * key). With `numeric` (one numeric key column in both files) the number
 * itself: formatting a million numbers as strings was most of the diff's time.
 * Map keys use SameValueZero, so NaN matches NaN and -0 matches 0.
 */
export function keyToken(cols: readonly Column[], row: number, numeric = false): KeyToken {
  if (numeric) return cols[0].values[row] as number;
  if (cols.length === 1) return cellToken(cols[0], row);
  let s = '';
  for (const c of cols) s += cellToken(c, row) + '\u0001';
  return s;
}

export function keyValues(cols: readonly Column[], row: number): DiffCell[] {
  return cols.map((c) => cellValue(c, row));
}

/**
 * Map from key to row. Duplicate keys are an error naming each key value
 * and the lines where it appears (lines only when the frame came from a file).
 */
export function indexKeys(frame: Frame, cols: readonly Column[], label: string, numeric = false): Map<KeyToken, number> {
  const index = new Map<KeyToken, number>();
  let dups: Map<KeyToken, number[]> | undefined;
  for (let r = 0; r < frame.rows; r++) {
    const k = keyToken(cols, r, numeric);
    const first = index.get(k);
    if (first === undefined) {
      index.set(k, r);
      continue;
    }
    dups ??= new Map();
    const rows = dups.get(k) ?? [first];
    rows.push(r);
    dups.set(k, rows);
  }
  if (dups) throw duplicateKeyError(frame, cols, label, dups);
  return index;
}

function duplicateKeyError(frame: Frame, cols: readonly Column[], label: string, dups: Map<KeyToken, number[]>): DataError {
  const where = (r: number): string => {
    const line = rowLine(frame, r);
    return line === undefined ? `row ${r + 1}` : `line ${line}`;
  };
  const listed = [...dups.values()].slice(0, MAX_LISTED_DUPLICATES).map((rows) => {
    const names = cols.map((c) => c.name);
    const values = keyValues(cols, rows[0]).map((v, i) => `${names[i]}=${JSON.stringify(v)}`).join(', ');
    return `${values} (${rows.map(where).join(', ')})`;
  });
  const more = dups.size > MAX_LISTED_DUPLICATES ? `; and ${dups.size - MAX_LISTED_DUPLICATES} more` : '';
  return new DataError(`${label}: ${dups.size} duplicate key value(s): ${listed.join('; ')}${more}`);
}
