import type { Column, Frame } from '../data/frame';
import { cellEquals } from './cells';
import type { SchemaDiff } from './types';

/** A column of A and the column of B it is compared with (same name, or renamed). */
export interface ColumnPair {
  readonly a: Column;
  readonly b: Column;
}

/**
 * Row alignment used to detect renames: `rowsB[k]` is the row of B matched
 * with `rowsA[k]` (by key, or by position when there is no key).
 */
export interface RowAlignment {
  readonly rowsA: ArrayLike<number>;
  readonly rowsB: ArrayLike<number>;
}

/** Columns by name: common pairs, plus those only in A or only in B. Order is ignored. */
export function matchColumns(a: Frame, b: Frame): { pairs: ColumnPair[]; onlyA: Column[]; onlyB: Column[] } {
  const byNameB = new Map(b.columns.map((c) => [c.name, c]));
  const namesA = new Set(a.columns.map((c) => c.name));
  const pairs: ColumnPair[] = [];
  const onlyA: Column[] = [];
  for (const col of a.columns) {
    const other = byNameB.get(col.name);
    if (other) pairs.push({ a: col, b: other });
    else onlyA.push(col);
  }
  return { pairs, onlyA, onlyB: b.columns.filter((c) => !namesA.has(c.name)) };
}

/**
 * A column only in A and a column only in B are a rename when every aligned
 * row has equal values (keyed: the rows matched by key; unkeyed: row i with
 * row i, only when both files have the same row count). At least one row
 * must be aligned; each column of B is used once; all-missing columns are
 * never called renames.
 */
export function detectRenames(onlyA: readonly Column[], onlyB: readonly Column[], align: RowAlignment | undefined): ColumnPair[] {
  if (!align || align.rowsA.length === 0) return [];
  const used = new Set<Column>();
  const renames: ColumnPair[] = [];
  for (const ca of onlyA) {
    for (const cb of onlyB) {
      if (used.has(cb) || allMissing(ca)) continue;
      const eq = cellEquals(ca, cb);
      let same = true;
      for (let k = 0; k < align.rowsA.length && same; k++) same = eq(align.rowsA[k], align.rowsB[k]);
      if (same) {
        used.add(cb);
        renames.push({ a: ca, b: cb });
        break;
      }
    }
  }
  return renames;
}

function allMissing(col: Column): boolean {
  for (const v of col.values) if (v !== null && !(typeof v === 'number' && Number.isNaN(v))) return false;
  return true;
}

/** The schema part of the diff, given the renames found. */
export function schemaDiff(pairs: readonly ColumnPair[], onlyA: readonly Column[], onlyB: readonly Column[], renames: readonly ColumnPair[]): SchemaDiff {
  const renamedA = new Set(renames.map((r) => r.a));
  const renamedB = new Set(renames.map((r) => r.b));
  return {
    added: onlyB.filter((c) => !renamedB.has(c)).map((c) => ({ name: c.name, type: c.type })),
    removed: onlyA.filter((c) => !renamedA.has(c)).map((c) => ({ name: c.name, type: c.type })),
    renamed: renames.map((r) => ({ from: r.a.name, to: r.b.name })),
    typeChanged: pairs.filter((p) => p.a.type !== p.b.type).map((p) => ({ name: p.a.name, before: p.a.type, after: p.b.type })),
  };
}
