/**
 * The first pass over one file: every row is scanned once, sent to its
 * partition (by the hash of its key cells, or of its common cells without a
 * key) and stored there in columnar chunks. On the way it gathers what the
 * comparison needs before it starts: per-column type counts (from the
 * scanner), a rough mean per column (the shift for the statistics' sums),
 * and, for columns present in one file only, an order-sensitive digest of
 * the whole column (rename detection without a key compares row i with row i).
 */
import type { CsvSource, ScannedRows } from './csvSource';
import { INLINE_TEXT } from './partitions';
import { finish, hashCell, hashMissing, hashNumber, hashString } from './cellHash';
import type { TextDictionary } from './cellHash';
import type { PartitionStore } from './partitions';

export interface ScanPassResult {
  readonly rows: number;
  /** Per column: sum and count of finite values. */
  readonly sums: Float64Array;
  readonly finite: Float64Array;
  /** Per digest column: [natural, boolean-canonical] (see `columnDigests`). */
  readonly digests: Map<number, [number, number]>;
}

export interface ScanPassContext {
  readonly store: PartitionStore;
  readonly dict: TextDictionary;
  readonly signal?: AbortSignal;
  /** Called after each batch with the bytes of this file read so far. */
  readonly onBytes: (bytes: number) => void;
}

export const HASH_SEED = 0x3c6ef372;

/**
 * Reads every row of `reader`, partitioned by the hash of `hashCols`.
 * `digestCols` get a digest of their cells in row order: "natural" hashes
 * boolean words as their text (equal cells of categorical columns), the
 * other as their 1/0 value (equal cells of boolean columns).
 */
export async function scanPass(reader: CsvSource, side: 0 | 1, hashCols: readonly number[], digestCols: readonly number[], ctx: ScanPassContext): Promise<ScanPassResult> {
  const { store, dict } = ctx;
  const ncols = reader.header.length;
  const parts = store.count;
  const sums = new Float64Array(ncols);
  const finite = new Float64Array(ncols);
  const digests = new Map<number, [number, number]>(digestCols.map((c) => [c, [HASH_SEED, HASH_SEED]]));
  let rows = 0;
  let part = new Int32Array(0);
  let order = new Int32Array(0);
  const starts = new Int32Array(parts + 1);
  const batches = reader.batches();
  for (let next = await batches.next(); next.done !== true; next = await batches.next()) {
    const { scanner, bytesDone } = next.value;
    ctx.signal?.throwIfAborted();
    const n = scanner.rows;
    rows += n;
    if (order.length < n) {
      part = new Int32Array(n * 2);
      order = new Int32Array(n * 2);
    }
    // Partition sizes from the density of rows so far, so in-memory partitions rarely grow.
    const expected = Math.ceil(((rows * reader.size) / Math.max(1, bytesDone)) * 1.05 / parts) + 16;
    if (parts === 1) {
      store.append(side, 0, scanner, order, n, dict, expected, true);
    } else {
      const texts = hashCols.map((c) => cellTexts(scanner, c, dict));
      starts.fill(0);
      for (let r = 0; r < n; r++) {
        let h = HASH_SEED;
        for (let k = 0; k < hashCols.length; k++) h = hashCell(h, scanner.values[hashCols[k]][r], texts[k]?.[r]);
        const p = finish(h) % parts;
        part[r] = p;
        starts[p + 1]++;
      }
      for (let p = 0; p < parts; p++) starts[p + 1] += starts[p];
      const fill = starts.slice(0, parts);
      for (let r = 0; r < n; r++) order[fill[part[r]]++] = r;
      for (let p = 0; p < parts; p++) {
        const count = starts[p + 1] - starts[p];
        if (count > 0) store.append(side, p, scanner, order.subarray(starts[p]), count, dict, expected);
      }
    }
    for (let c = 0; c < ncols; c++) {
      const vals = scanner.values[c];
      let s = 0;
      let k = 0;
      for (let r = 0; r < n; r++) {
        const v = vals[r];
        if (v - v === 0) {
          s += v;
          k++;
        }
      }
      sums[c] += s;
      finite[c] += k;
    }
    for (const [c, d] of digests) {
      const vals = scanner.values[c];
      const texts = cellTexts(scanner, c, dict);
      let [natural, canonical] = d;
      for (let r = 0; r < n; r++) {
        const v = vals[r];
        const t = texts?.[r];
        natural = t !== undefined ? hashString(natural, t) : v !== v ? hashMissing(natural) : hashNumber(natural, v);
        canonical = hashCell(canonical, v, t);
      }
      digests.set(c, [natural, canonical]);
    }
    ctx.onBytes(bytesDone);
    // Let an abort (or anything else waiting on the event loop) in between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  ctx.signal?.throwIfAborted();
  return { rows, sums, finite, digests };
}

/** Column `c`'s texts by row, whether the source left them as strings or interned them. */
function cellTexts(scanner: ScannedRows, c: number, dict: TextDictionary): readonly (string | undefined)[] | undefined {
  const texts = scanner.texts[c];
  const ids = scanner.ids?.[c];
  if (texts === undefined || ids === undefined) return texts;
  const out = new Array<string | undefined>(scanner.rows);
  for (let r = 0; r < scanner.rows; r++) {
    const id = ids[r];
    out[r] = id >= 0 ? dict.texts[id] : id === INLINE_TEXT ? texts[r] : undefined;
  }
  return out;
}
