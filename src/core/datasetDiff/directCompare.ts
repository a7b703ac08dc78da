/**
 * Keyed diff without holding B: when A fits in memory, A's rows and key
 * index stay there and B is compared batch by batch as it is read. Only B's
 * rows that need reporting (changed, not in A, or a key seen twice) are
 * copied; the rest of B is dropped with its batch. That halves the memory
 * a diff touches, and fresh memory is what a large diff pays most for
 * (each new page costs a fault: about 1.2 s of CPU per 320 MB here).
 *
 * The catch: how a cell compares and shows depends on its column's type
 * over the whole file, which for B is known only at the end. B's types are
 * taken from its first batch; as soon as a later batch changes one (a text
 * in a numeric column, a number among yes/no), `BTypesChanged` is thrown and
 * the caller diffs again by partitions. Types only move one way (numeric ->
 * boolean -> categorical), so agreeing at the end means they agreed all along.
 */
import type { CsvSource, ScannedRows, SourceBatch } from './csvSource';
import type { TextDictionary } from './cellHash';
import { cellEq, PartitionCells } from './partitionCells';
import type { CellColumn } from './partitionCells';
import type { CompareColumns, KeyLookup, RowTotals } from './partitionCompare';
import { INLINE_TEXT, MemoryPartition, NO_TEXT } from './partitions';
import type { PartitionRows } from './partitions';
import type { ColumnAccumulator, RowSampler } from './streamStats';
import type { DiffCell } from './types';

/** B's column types changed after its first batch: the streamed comparison is void. */
export class BTypesChanged extends Error {
  constructor(readonly column: string) {
    super(`column "${column}" of B changed type after its first rows`);
    this.name = 'BTypesChanged';
  }
}

/** Duplicate B keys found while streaming, by A row; the rest are only counted. */
const KEPT_DUPLICATES = 1000;

export interface StreamedB {
  /** B's rows to report: changed rows matched in A, rows not in A. */
  readonly held: PartitionCells;
  readonly matchedA: Uint8Array;
  readonly rows: number;
}

/**
 * Compares the batches of B with A (`a`, indexed by `lookupA`). `first` is
 * B's first batch, already read (its scanner is still valid); `columnTypes`
 * gives B's types from the counts read so far, to check against `cols.b`.
 */
export async function streamB(
  reader: CsvSource, first: IteratorResult<SourceBatch>, batches: AsyncIterator<SourceBatch>,
  ctx: {
    readonly a: PartitionCells; readonly lookupA: KeyLookup; readonly cols: CompareColumns; readonly totals: RowTotals;
    readonly dict: TextDictionary; readonly acc: readonly ColumnAccumulator[]; readonly sampler: RowSampler;
    readonly columnTypes: (rows: number) => readonly CellColumn[];
    readonly signal?: AbortSignal; readonly onBytes: (bytes: number) => void;
  },
): Promise<StreamedB> {
  const { a, lookupA, cols, totals, dict } = ctx;
  const ncols = reader.header.length;
  const keyB = cols.keyB as readonly CellColumn[];
  const matchedA = new Uint8Array(a.part.rows);
  const firstLineB = new Uint32Array(a.part.rows);
  const dups = new Map<number, { key: DiffCell[]; lines: number[] }>();
  const held = new MemoryPartition(ncols, 1024);
  const batch = new BatchView(ncols);
  const eqs = cols.pairs.map((p) => ({ a: p.a, b: p.b, numeric: p.a.kind !== 'categorical' && p.b.kind !== 'categorical' }));
  let match = new Int32Array(0);
  let changed = new Uint8Array(0);
  let order = new Int32Array(0);
  let rows = 0;
  for (let next = first; next.done !== true; next = await batches.next()) {
    ctx.signal?.throwIfAborted();
    const { scanner, bytesDone } = next.value;
    const n = scanner.rows;
    rows += n;
    const types = ctx.columnTypes(rows);
    for (const c of cols.b) if (types[c.index].kind !== c.kind) throw new BTypesChanged(c.name);
    if (order.length < n) {
      order = Int32Array.from({ length: n * 2 }, (_, i) => i);
      match = new Int32Array(n * 2);
      changed = new Uint8Array(n * 2);
    }
    const part = batch.view(scanner, dict);
    const b = new PartitionCells(part, dict.texts);
    const picked = ctx.sampler.select(n);
    for (const c of cols.b) ctx.acc[c.index].add(part, c.index, picked);
    // Match every row of the batch with A by key.
    const keyValues = cols.numericKey ? part.values[keyB[0].index] : undefined;
    for (let rb = 0; rb < n; rb++) {
      const ra = lookupA.find(keyValues ? keyValues[rb] : keyToken(b, keyB, rb));
      match[rb] = -1;
      changed[rb] = ra < 0 ? 1 : 0;
      if (ra < 0) continue;
      if (matchedA[ra] === 0) {
        matchedA[ra] = 1;
        firstLineB[ra] = part.lines[rb];
        match[rb] = ra;
        continue;
      }
      let d = dups.get(ra);
      if (d === undefined) {
        if (dups.size >= KEPT_DUPLICATES) {
          totals.duplicateCount[1]++;
          continue;
        }
        d = { key: keyB.map((c) => b.value(c, rb)), lines: [firstLineB[ra]] };
        dups.set(ra, d);
      }
      d.lines.push(part.lines[rb]);
    }
    // Compare column by column (tight loops; numbers inline), marking the changed rows.
    for (const p of eqs) {
      if (p.numeric) {
        const va = a.part.values[p.a.index];
        const vb = part.values[p.b.index];
        for (let rb = 0; rb < n; rb++) {
          const ra = match[rb];
          if (ra < 0) continue;
          const x = va[ra];
          const y = vb[rb];
          if (x !== y && (x === x || y === y)) changed[rb] = 1;
        }
      } else {
        const eq = cellEq(a, p.a, b, p.b);
        for (let rb = 0; rb < n; rb++) {
          const ra = match[rb];
          if (ra >= 0 && changed[rb] === 0 && !eq(ra, rb)) changed[rb] = 1;
        }
      }
    }
    // Rename candidates are checked on unchanged aligned rows here, on changed ones by `compareKeyed` later.
    cols.renameCandidates.forEach((p, k) => {
      if (!totals.renameOk[k]) return;
      const eq = cellEq(a, p.a, b, p.b);
      for (let rb = 0; rb < n; rb++) {
        const ra = match[rb];
        if (ra >= 0 && changed[rb] === 0 && !eq(ra, rb)) {
          totals.renameOk[k] = false;
          return;
        }
      }
    });
    let keep = 0;
    for (let rb = 0; rb < n; rb++) {
      if (changed[rb] === 1) {
        order[keep++] = rb;
        const ra = match[rb];
        // A changed row is reported by `compareKeyed`; it must not count as matched-unchanged.
        if (ra >= 0) matchedA[ra] = 2;
      } else if (match[rb] >= 0) totals.aligned++;
    }
    if (keep > 0) held.append(scanner, order, keep, dict);
    for (let i = 0; i < keep; i++) order[i] = i;
    ctx.onBytes(bytesDone);
    await new Promise((resolve) => setImmediate(resolve));
  }
  ctx.signal?.throwIfAborted();
  totals.duplicateCount[1] += dups.size;
  totals.duplicates[1].push(...dups.values());
  // compareKeyed skips A rows marked 1 (matched, unchanged); changed ones (2) it finds in `held`.
  for (let i = 0; i < matchedA.length; i++) if (matchedA[i] === 2) matchedA[i] = 0;
  return { held: new PartitionCells(held.view(), dict.texts), matchedA, rows };
}

function keyToken(cells: PartitionCells, keyCols: readonly CellColumn[], r: number): string {
  if (keyCols.length === 1) return cells.token(keyCols[0], r);
  let t = '';
  for (const c of keyCols) t += cells.token(c, r) + '\u0001';
  return t;
}

/** A scanner's batch as partition rows: its numbers as they are (no copy); only its texts become dictionary ids. */
class BatchView {
  private readonly ids: (Int32Array | undefined)[];

  constructor(private readonly ncols: number) {
    this.ids = new Array<Int32Array | undefined>(ncols).fill(undefined);
  }

  view(scanner: ScannedRows, dict: TextDictionary): PartitionRows {
    const n = scanner.rows;
    const ids: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(this.ncols).fill(undefined);
    const inline: (Map<number, string> | undefined)[] = new Array<Map<number, string> | undefined>(this.ncols).fill(undefined);
    for (let c = 0; c < this.ncols; c++) {
      const texts = scanner.texts[c];
      if (texts === undefined) continue;
      const given = scanner.ids?.[c];
      if (given !== undefined) {
        // Interned by the source already: only the texts past the dictionary need a map.
        for (let r = 0; r < n; r++) if (given[r] === INLINE_TEXT) (inline[c] ??= new Map()).set(r, texts[r]);
        ids[c] = given;
        continue;
      }
      let col = this.ids[c];
      if (col === undefined || col.length < n) col = this.ids[c] = new Int32Array(n * 2);
      col.fill(NO_TEXT, 0, n);
      for (let r = 0; r < n; r++) {
        const t = texts[r];
        if (t === undefined) continue;
        const id = dict.id(t);
        col[r] = id >= 0 ? id : INLINE_TEXT;
        if (id < 0) (inline[c] ??= new Map()).set(r, t);
      }
      ids[c] = col;
    }
    return { rows: n, lines: scanner.lines, values: [...scanner.values], ids, inline };
  }
}
