import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ColumnType, Frame } from './frame';
import { countStrings, compareStrings, finiteValues, mean, std } from './stats';

/** Bins of a numeric column's histogram. */
export const HISTOGRAM_BINS = 20;
/** Categories listed in a categorical column's statistics. */
export const TOP_CATEGORIES = 10;

export interface NumericStats {
  readonly name: string;
  readonly type: 'numeric';
  readonly missing: number;
  /** ±Infinity cells; they are left out of the other statistics. */
  readonly infinite: number;
  /** Over the finite values; null when there are none. */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Sample standard deviation (ddof 1, like pandas' describe); null with fewer than two values. */
  readonly std: number | null;
  /** `bins + 1` edges from min to max (numpy.histogram's; a constant column gets [v-0.5, v+0.5]); last bin closed. */
  readonly histogram: { readonly edges: number[]; readonly counts: number[] };
}

export interface CategoricalStats {
  readonly name: string;
  readonly type: 'categorical';
  readonly missing: number;
  readonly distinct: number;
  /** The most frequent categories, by count then by value. */
  readonly top: { readonly value: string; readonly count: number }[];
}

export interface BooleanStats {
  readonly name: string;
  readonly type: 'boolean';
  readonly missing: number;
  readonly true: number;
  readonly false: number;
}

export type ColumnStats = NumericStats | CategoricalStats | BooleanStats;

/**
 * What a run records about a dataset it used: the content hash plus shape,
 * schema and per-column statistics. Plain JSON (no NaN), identical for
 * identical file contents wherever the file lives.
 */
export interface DatasetFingerprint {
  /** sha256 (hex) of the file bytes. */
  readonly sha256: string;
  readonly rows: number;
  readonly columns: number;
  readonly schema: { readonly name: string; readonly type: ColumnType }[];
  readonly stats: ColumnStats[];
}

/** sha256 (hex) of a file's bytes, streamed. */
export function fingerprintFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** The fingerprint of a frame read from a file whose bytes hash to `sha256`. */
export function fingerprintFrame(frame: Frame, sha256: string): DatasetFingerprint {
  return {
    sha256,
    rows: frame.rows,
    columns: frame.columns.length,
    schema: frame.columns.map((c) => ({ name: c.name, type: c.type })),
    stats: frame.columns.map((col): ColumnStats => {
      if (col.type === 'categorical') {
        const counts = countStrings(col.values);
        let missing = 0;
        for (const v of col.values) if (v === null) missing++;
        const top = topCounts(counts, TOP_CATEGORIES).map(([value, count]) => ({ value, count }));
        return { name: col.name, type: 'categorical', missing, distinct: counts.size, top };
      }
      let missing = 0;
      let ones = 0;
      let infinite = 0;
      for (const v of col.values) {
        if (Number.isNaN(v)) missing++;
        else if (v === 1) ones++;
        else if (!Number.isFinite(v)) infinite++;
      }
      if (col.type === 'boolean') {
        return { name: col.name, type: 'boolean', missing, true: ones, false: col.values.length - missing - ones };
      }
      return numericStats(col.name, col.values, missing, infinite);
    }),
  };
}

function numericStats(name: string, values: Float64Array, missing: number, infinite: number): NumericStats {
  const finite = finiteValues(values);
  if (finite.length === 0) {
    return { name, type: 'numeric', missing, infinite, min: null, max: null, mean: null, std: null, histogram: { edges: [], counts: [] } };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of finite) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const m = mean(finite);
  const sd = std(finite, 1, m);
  return {
    name, type: 'numeric', missing, infinite, min, max, mean: m, std: Number.isNaN(sd) ? null : sd,
    histogram: histogram(finite, min, max, HISTOGRAM_BINS),
  };
}

/** numpy.histogram's binning: equal-width bins over [lo, hi], the last bin including hi. */
export function histogram(values: Float64Array, min: number, max: number, bins: number): { edges: number[]; counts: number[] } {
  const lo = min === max ? min - 0.5 : min;
  const hi = min === max ? max + 0.5 : max;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
  const counts = new Array<number>(bins).fill(0);
  const width = hi - lo;
  for (const v of values) {
    let k = Math.floor(((v - lo) / width) * bins);
    if (k >= bins) k = bins - 1;
    if (k < 0) k = 0;
    // Guard against rounding putting a value next to an edge in the neighbouring bin.
    if (k > 0 && v < edges[k]) k--;
    else if (k < bins - 1 && v >= edges[k + 1]) k++;
    counts[k]++;
  }
  return { edges, counts };
}

/**
 * The `k` most frequent values (ties: the smaller string first), without
 * copying every entry out of the map: a column of a million distinct ids
 * would otherwise cost a million arrays just to keep ten.
 */
function topCounts(counts: ReadonlyMap<string, number>, k: number): [string, number][] {
  const before = (a: [string, number], b: [string, number]) => b[1] - a[1] || compareStrings(a[0], b[0]);
  const top: [string, number][] = [];
  for (const [value, count] of counts) {
    if (top.length === k && before([value, count], top[k - 1]) >= 0) continue;
    let i = top.length < k ? top.length : k - 1;
    while (i > 0 && before([value, count], top[i - 1]) < 0) i--;
    top.splice(i, 0, [value, count]);
    if (top.length > k) top.pop();
  }
  return top;
}
