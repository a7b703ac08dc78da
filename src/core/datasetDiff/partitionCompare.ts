/**
 * Compares the rows of A and B that fell into one partition: by key (rows
 * added, removed, modified with their changed cells) or, without a key, as
 * multisets of whole rows. Same rules as `rowDiff.ts` on frames; totals add
 * up over partitions in `RowTotals`, every change goes to the change log.
 */
import type { ChangeLog } from './changeLog';
import type { RowChange } from './diffFiles';
import { cellEq } from './partitionCells';
import type { CellColumn, PartitionCells } from './partitionCells';
import type { DiffCell } from './types';
import { NumberKeyIndex } from './numberKeyIndex';
import { hashMissing, hashNumber, hashString } from './cellHash';

/** A column of A compared with a column of B (`name`: B's name). */
export interface ComparedPair {
  readonly a: CellColumn;
  readonly b: CellColumn;
  readonly name: string;
}

export interface CompareColumns {
  /** Every column of A and of B, by file position, with its name. */
  readonly a: readonly (CellColumn & { readonly name: string })[];
  readonly b: readonly (CellColumn & { readonly name: string })[];
  /** Keyed: key columns in key order; unkeyed: undefined. */
  readonly keyA?: readonly CellColumn[];
  readonly keyB?: readonly CellColumn[];
  /** One numeric key column on both sides: the number itself is the map key. */
  readonly numericKey: boolean;
  /** Keyed: compared cells (key columns left out); unkeyed: the row token's columns, by B's name. */
  readonly pairs: readonly ComparedPair[];
  /** Keyed: column pairs that may be renames (A-only × B-only). */
  readonly renameCandidates: readonly ComparedPair[];
}

/** Counts summed over partitions. */
export class RowTotals {
  rowsA = 0;
  rowsB = 0;
  added = 0;
  removed = 0;
  modified = 0;
  changedCells = 0;
  aligned = 0;
  byPair: number[];
  /** Per rename candidate: still equal on every aligned row. */
  renameOk: boolean[];
  /** Duplicate keys: per side, groups of lines with the key's values. */
  readonly duplicates: [DuplicateKey[], DuplicateKey[]] = [[], []];
  duplicateCount: [number, number] = [0, 0];

  constructor(cols: CompareColumns) {
    this.byPair = new Array<number>(cols.pairs.length).fill(0);
    this.renameOk = new Array<boolean>(cols.renameCandidates.length).fill(true);
  }
}

export interface DuplicateKey {
  readonly key: DiffCell[];
  readonly lines: number[];
}

/** Duplicate-key groups kept with their lines for the error message; the rest are only counted. */
const KEPT_DUPLICATES = 1000;

function rowValues(cells: PartitionCells, cols: readonly (CellColumn & { readonly name: string })[], r: number, into: Record<string, DiffCell> = {}): Record<string, DiffCell> {
  for (const c of cols) into[c.name] = cells.value(c, r);
  return into;
}

/** Row lookup by key within one partition: `find(token of a row of the other file)` gives the row or -1. */
export interface KeyLookup {
  /** Per row: its key token (the number itself for a numeric key). */
  readonly tokens: ArrayLike<string | number>;
  find(token: string | number): number;
}

export function indexKeys(cells: PartitionCells, keyCols: readonly CellColumn[], numeric: boolean, side: 0 | 1, totals: RowTotals): KeyLookup {
  const n = cells.part.rows;
  let dups: Map<string | number, number[]> | undefined;
  const duplicate = (t: string | number, first: number, r: number): void => {
    dups ??= new Map();
    const rows = dups.get(t) ?? [first];
    rows.push(r);
    dups.set(t, rows);
  };
  let lookup: KeyLookup;
  if (numeric) {
    const index = new NumberKeyIndex(n);
    const tokens = cells.part.values[keyCols[0].index];
    for (let r = 0; r < n; r++) {
      const first = index.add(tokens[r], r);
      if (first >= 0) duplicate(tokens[r], first, r);
    }
    lookup = { tokens, find: (t) => index.get(t as number) };
  } else {
    const map = new Map<string, number>();
    const tokens = new Array<string>(n);
    for (let r = 0; r < n; r++) {
      let t: string;
      if (keyCols.length === 1) t = cells.token(keyCols[0], r);
      else {
        t = '';
        for (const c of keyCols) t += cells.token(c, r) + '\u0001';
      }
      tokens[r] = t;
      const first = map.get(t);
      if (first === undefined) map.set(t, r);
      else duplicate(t, first, r);
    }
    lookup = { tokens, find: (t) => map.get(t as string) ?? -1 };
  }
  if (dups) {
    totals.duplicateCount[side] += dups.size;
    const kept = totals.duplicates[side];
    for (const rows of dups.values()) {
      if (kept.length >= KEPT_DUPLICATES) break;
      kept.push({ key: keyCols.map((c) => cells.value(c, rows[0])), lines: rows.map((r) => cells.part.lines[r]) });
    }
  }
  return lookup;
}

/**
 * What the streamed comparison of B (`directCompare.ts`) already did: A's key
 * index, and A's rows that matched an unchanged row of B (not removed).
 */
export interface PriorMatches {
  readonly lookupA: KeyLookup;
  readonly matchedA: Uint8Array;
}

/**
 * Keyed comparison of one partition. Returns false when duplicate keys were found (nothing is compared then).
 * With `prior`, `b` holds only B's changed and unmatched rows and A rows in `prior.matchedA` are unchanged.
 */
export function compareKeyed(a: PartitionCells, b: PartitionCells, cols: CompareColumns, bOnlyA: readonly (CellColumn & { readonly name: string })[], totals: RowTotals, log: ChangeLog,
  prior?: PriorMatches): boolean {
  const keyA = cols.keyA as readonly CellColumn[];
  const keyB = cols.keyB as readonly CellColumn[];
  const ia = prior?.lookupA ?? indexKeys(a, keyA, cols.numericKey, 0, totals);
  const matchedA = prior?.matchedA;
  const ib = indexKeys(b, keyB, cols.numericKey, 1, totals);
  totals.rowsA += a.part.rows;
  totals.rowsB += b.part.rows;
  if (totals.duplicateCount[0] + totals.duplicateCount[1] > 0) return false;
  const eqs = cols.pairs.map((p) => cellEq(a, p.a, b, p.b));
  const renameEqs = cols.renameCandidates.map((p) => cellEq(a, p.a, b, p.b));
  const changedIdx: number[] = [];
  const bIndexOf = new Map(cols.b.map((c, i) => [c.name, i]));
  const pairB = cols.pairs.map((p) => bIndexOf.get(p.name) as number);
  for (let ra = 0; ra < a.part.rows; ra++) {
    // Matched to an unchanged row of B while streaming: nothing in `b` can hold its key.
    if (matchedA !== undefined && matchedA[ra] === 1) continue;
    const rb = ib.find(ia.tokens[ra]);
    if (rb < 0) {
      const change: RowChange = { kind: 'removed', key: keyA.map((c) => a.value(c, ra)), lineA: a.part.lines[ra], values: rowValues(a, cols.a, ra) };
      totals.removed++;
      log.append(change, a.part.lines[ra], []);
      continue;
    }
    totals.aligned++;
    for (let k = 0; k < renameEqs.length; k++) if (totals.renameOk[k] && !renameEqs[k](ra, rb)) totals.renameOk[k] = false;
    changedIdx.length = 0;
    for (let c = 0; c < eqs.length; c++) if (!eqs[c](ra, rb)) changedIdx.push(c);
    if (changedIdx.length === 0) continue;
    totals.modified++;
    totals.changedCells += changedIdx.length;
    const changes = changedIdx.map((c) => {
      totals.byPair[c]++;
      const p = cols.pairs[c];
      return { column: p.name, before: a.value(p.a, ra), after: b.value(p.b, rb) };
    });
    const values = rowValues(a, bOnlyA, ra, rowValues(b, cols.b, rb));
    const change: RowChange = { kind: 'modified', key: keyA.map((c) => a.value(c, ra)), lineA: a.part.lines[ra], lineB: b.part.lines[rb], values, changes };
    log.append(change, a.part.lines[ra], changedIdx.map((c) => pairB[c]));
  }
  for (let rb = 0; rb < b.part.rows; rb++) {
    if (ia.find(ib.tokens[rb]) >= 0) continue;
    totals.added++;
    const change: RowChange = { kind: 'added', key: keyB.map((c) => b.value(c, rb)), lineB: b.part.lines[rb], values: rowValues(b, cols.b, rb) };
    log.append(change, b.part.lines[rb], []);
  }
  return true;
}

/**
 * Unkeyed comparison of one partition: rows compare over `cols.pairs` by
 * their cells' tokens (`PartitionCells.token`); a row twice in A and once in
 * B is one removed row (the later one, as the in-memory engine picks it).
 * Rows are grouped by a 32-bit hash of those tokens and then compared cell
 * by cell, not by a token string per row: the strings (~250 bytes a row)
 * made this the slowest and largest step of an unkeyed diff (13 s and
 * ~400 MB for 200,000 rows a side).
 */
export function compareMultiset(a: PartitionCells, b: PartitionCells, cols: CompareColumns, totals: RowTotals, log: ChangeLog): void {
  const colsA = cols.pairs.map((p) => p.a);
  const colsB = cols.pairs.map((p) => p.b);
  const nA = a.part.rows;
  const nB = b.part.rows;
  totals.rowsA += nA;
  totals.rowsB += nB;
  // Classes of equal rows of A: the first row of each (`rep`), how many rows
  // of A it still stands for (`remaining`), and the next class whose rows
  // have the same hash (`next`, -1 ends the chain). `byHash` gives the first class per hash.
  const byHash = new NumberKeyIndex(nA);
  const classOf = new Int32Array(nA);
  const rep = new Int32Array(nA);
  const next = new Int32Array(nA);
  const remaining = new Int32Array(nA);
  let classes = 0;
  const hashesA = rowHashes(a, colsA);
  for (let r = 0; r < nA; r++) {
    let k = byHash.add(hashesA[r], classes);
    let last = -1;
    while (k >= 0 && !rowsEqual(a, colsA, rep[k], a, colsA, r)) {
      last = k;
      k = next[k];
    }
    if (k < 0) {
      k = classes++;
      rep[k] = r;
      next[k] = -1;
      if (last >= 0) next[last] = k;
    }
    classOf[r] = k;
    remaining[k]++;
  }
  const hashesB = rowHashes(b, colsB);
  for (let r = 0; r < nB; r++) {
    let k = byHash.get(hashesB[r]);
    while (k >= 0 && !rowsEqual(a, colsA, rep[k], b, colsB, r)) k = next[k];
    if (k >= 0 && remaining[k] > 0) {
      remaining[k]--;
      continue;
    }
    totals.added++;
    log.append({ kind: 'added', lineB: b.part.lines[r], values: rowValues(b, cols.b, r) }, b.part.lines[r], []);
  }
  for (let r = nA - 1; r >= 0; r--) {
    const k = classOf[r];
    if (remaining[k] === 0) continue;
    remaining[k]--;
    totals.removed++;
    log.append({ kind: 'removed', lineA: a.part.lines[r], values: rowValues(a, cols.a, r) }, a.part.lines[r], []);
  }
}

const ROW_SEED = 0x1b873593;

/** Per row, a hash of its cells' tokens over `rowCols`: equal tokens hash alike (a text only in categorical columns, -0 as 0). */
function rowHashes(cells: PartitionCells, rowCols: readonly CellColumn[]): Int32Array {
  const n = cells.part.rows;
  const out = new Int32Array(n).fill(ROW_SEED);
  for (const c of rowCols) {
    const values = cells.part.values[c.index];
    const texts = c.kind === 'categorical' && cells.part.ids[c.index] !== undefined;
    for (let r = 0; r < n; r++) {
      const t = texts ? cells.text(c.index, r) : undefined;
      const v = values[r];
      out[r] = t !== undefined ? hashString(out[r], t) : v !== v ? hashMissing(out[r]) : hashNumber(out[r], v);
    }
  }
  return out;
}

/** Row `rx` of `x` and row `ry` of `y` have equal tokens in every column (`xs[k]` against `ys[k]`). */
function rowsEqual(x: PartitionCells, xs: readonly CellColumn[], rx: number, y: PartitionCells, ys: readonly CellColumn[], ry: number): boolean {
  for (let k = 0; k < xs.length; k++) {
    const cx = xs[k];
    const cy = ys[k];
    const tx = cx.kind === 'categorical' ? x.text(cx.index, rx) : undefined;
    const ty = cy.kind === 'categorical' ? y.text(cy.index, ry) : undefined;
    if (tx !== undefined || ty !== undefined) {
      if (tx !== ty) return false;
      continue;
    }
    const vx = x.part.values[cx.index][rx];
    const vy = y.part.values[cy.index][ry];
    if (vx !== vy && (vx === vx || vy === vy)) return false;
  }
  return true;
}
