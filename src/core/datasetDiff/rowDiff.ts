import type { Column, Frame } from '../data/frame';
import { rowLine } from '../data/frame';
import { cellEquals, cellToken, cellValue } from './cells';
import { indexKeys, keyColumns, keyValues } from './keyIndex';
import type { ColumnPair, RowAlignment } from './schemaDiff';
import type { CellChange, DiffCell, RowDiff, RowRef } from './types';

/** Key matching result, kept apart from the diff so rename detection can reuse the alignment. */
export interface KeyMatch {
  readonly keyA: Column[];
  readonly keyB: Column[];
  readonly alignment: RowAlignment;
  readonly onlyA: number[];
  readonly onlyB: number[];
}

/** Matches rows of A and B by key. Throws a `DataError` on duplicate keys or a missing key column. */
export function matchKeys(a: Frame, b: Frame, key: readonly string[], labelA: string, labelB: string): KeyMatch {
  const keyA = keyColumns(a, key, labelA);
  const keyB = keyColumns(b, key, labelB);
  const numeric = keyA.length === 1 && keyA[0].type !== 'categorical' && keyB[0].type !== 'categorical';
  const indexA = indexKeys(a, keyA, labelA, numeric);
  const indexB = indexKeys(b, keyB, labelB, numeric);
  const rowsA: number[] = [];
  const rowsB: number[] = [];
  const onlyA: number[] = [];
  for (const [k, ra] of indexA) {
    const rb = indexB.get(k);
    if (rb === undefined) onlyA.push(ra);
    else {
      rowsA.push(ra);
      rowsB.push(rb);
    }
  }
  const onlyB: number[] = [];
  for (const [k, rb] of indexB) if (!indexA.has(k)) onlyB.push(rb);
  return { keyA, keyB, alignment: { rowsA: Int32Array.from(rowsA), rowsB: Int32Array.from(rowsB) }, onlyA, onlyB };
}

/** Row diff by key over the compared column pairs (key columns excluded from the cell comparison). */
export function keyedRowDiff(a: Frame, b: Frame, key: readonly string[], match: KeyMatch, pairs: readonly ColumnPair[], limit: number): RowDiff {
  const compared = pairs.filter((p) => !key.includes(p.b.name) || p.a.name !== p.b.name);
  const equals = compared.map((p) => cellEquals(p.a, p.b));
  const byColumn = new Array<number>(compared.length).fill(0);
  const changes: CellChange[] = [];
  let modified = 0;
  let changedCells = 0;
  const { rowsA, rowsB } = match.alignment;
  for (let k = 0; k < rowsA.length; k++) {
    const ra = rowsA[k];
    const rb = rowsB[k];
    let rowChanged = false;
    for (let c = 0; c < compared.length; c++) {
      if (equals[c](ra, rb)) continue;
      rowChanged = true;
      byColumn[c]++;
      changedCells++;
      if (changes.length < limit) {
        const p = compared[c];
        changes.push({ key: keyValues(match.keyA, ra), column: p.b.name, before: cellValue(p.a, ra), after: cellValue(p.b, rb) });
      }
    }
    if (rowChanged) modified++;
  }
  const changedCellsByColumn: Record<string, number> = {};
  compared.forEach((p, c) => {
    if (byColumn[c] > 0) changedCellsByColumn[p.b.name] = byColumn[c];
  });
  const ref = (f: Frame, cols: Column[]) => (r: number): RowRef => withLine({ key: keyValues(cols, r) }, f, r);
  return {
    mode: 'key', key: [...key], rowsA: a.rows, rowsB: b.rows,
    added: match.onlyB.length, removed: match.onlyA.length, modified, changedCells, changedCellsByColumn,
    addedRows: match.onlyB.slice(0, limit).map(ref(b, match.keyB)),
    removedRows: match.onlyA.slice(0, limit).map(ref(a, match.keyA)),
    cellChanges: changes, exampleLimit: limit, comparedColumns: compared.map((p) => p.b.name),
  };
}

/**
 * Row diff without a key: rows are whole-row tokens over the compared
 * columns (sorted by name, so column order does not matter), and the files
 * are compared as multisets: a row twice in A and once in B is one removed
 * row; row order is ignored.
 */
export function hashRowDiff(a: Frame, b: Frame, pairs: readonly ColumnPair[], limit: number): RowDiff {
  const sortedPairs = [...pairs].sort((x, y) => (x.b.name < y.b.name ? -1 : x.b.name > y.b.name ? 1 : 0));
  const colsA = sortedPairs.map((p) => p.a);
  const colsB = sortedPairs.map((p) => p.b);
  // Exact row tokens rather than a digest: no collision can hide a change.
  const counts = new Map<string, number>();
  for (let r = 0; r < a.rows; r++) {
    const t = rowToken(colsA, r);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const addedIdx: number[] = [];
  for (let r = 0; r < b.rows; r++) {
    const t = rowToken(colsB, r);
    const c = counts.get(t);
    if (c === undefined || c === 0) addedIdx.push(r);
    else counts.set(t, c - 1);
  }
  // Whatever count is left in A is removed; take the last rows of A with that token, in file order.
  const removedIdx: number[] = [];
  for (let r = a.rows - 1; r >= 0; r--) {
    const t = rowToken(colsA, r);
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      removedIdx.push(r);
      counts.set(t, c - 1);
    }
  }
  removedIdx.reverse();
  const ref = (f: Frame, cols: Column[]) => (r: number): RowRef => {
    const values: Record<string, DiffCell> = {};
    cols.forEach((c, i) => (values[sortedPairs[i].b.name] = cellValue(c, r)));
    return withLine({ values }, f, r);
  };
  return {
    mode: 'hash', rowsA: a.rows, rowsB: b.rows, added: addedIdx.length, removed: removedIdx.length,
    modified: 0, changedCells: 0, changedCellsByColumn: {},
    addedRows: addedIdx.slice(0, limit).map(ref(b, colsB)),
    removedRows: removedIdx.slice(0, limit).map(ref(a, colsA)),
    cellChanges: [], exampleLimit: limit, comparedColumns: sortedPairs.map((p) => p.b.name),
  };
}

function rowToken(cols: readonly Column[], row: number): string {
  let s = '';
  for (const c of cols) s += cellToken(c, row) + '\u0001';
  return s;
}

function withLine(ref: RowRef, f: Frame, r: number): RowRef {
  const line = rowLine(f, r);
  return line === undefined ? ref : { ...ref, line };
}
