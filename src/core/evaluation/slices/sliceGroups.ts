import type { SliceConfig } from '../../config/trainConfig';
import type { Column, Frame } from '../../data/frame';
import { columnNames } from '../../data/frame';
import { DataError, showNames } from '../../data/dataError';
import { compareStrings, quantileSorted } from '../../data/stats';

/** One `evaluate.slices` entry, normalised. */
export interface SliceSpec {
  readonly column: string;
  /** Quantile bins of a numeric column; absent: one group per distinct value. */
  readonly bins?: number;
}

/** The groups of one slice column over a set of rows. */
export interface SliceGrouping {
  readonly column: string;
  /** Group labels, in display order (bins low to high, values sorted, `(missing)` last). */
  readonly labels: readonly string[];
  /** Per row, the index of its group in `labels`. */
  readonly groupOf: Int32Array;
  /** Binned columns: the bin edges actually used (duplicates dropped, as `pandas.qcut(duplicates='drop')`). */
  readonly edges?: readonly number[];
  /** Binned columns: the number of bins asked for. */
  readonly bins?: number;
}

/** The label of the rows whose slice value is missing: a group of its own, never dropped. */
export const MISSING_GROUP = '(missing)';

/**
 * More groups than this in one column is almost always an id or an unbinned
 * number; refused with a hint instead of a table nobody can read.
 */
export const MAX_SLICE_GROUPS = 50;

export function sliceSpecs(config: readonly SliceConfig[] | undefined): SliceSpec[] {
  return (config ?? []).map((s) => (typeof s === 'string' ? { column: s } : { column: s.column, ...(s.bins !== undefined ? { bins: s.bins } : {}) }));
}

/**
 * Checks every slice column exists in `frame` (the data as read, so a column
 * excluded from the features is fine), before any model is fitted.
 */
export function checkSliceColumns(specs: readonly SliceSpec[], frame: Frame): void {
  const names = columnNames(frame);
  for (const spec of specs) {
    const col = frame.columns.find((c) => c.name === spec.column);
    if (!col) throw new DataError(`evaluate.slices: no column "${spec.column}" in the data (columns: ${showNames(names)})`);
    if (spec.bins !== undefined && col.type !== 'numeric') {
      throw new DataError(`evaluate.slices: "${spec.column}" is ${col.type}; bins split a numeric column (write it as "${spec.column}" alone)`);
    }
  }
}

/**
 * Groups the rows of `frame` by a slice column. Text is trimmed like the
 * features when `trim` is on; booleans keep the text they were written with.
 * Quantile bins follow `pandas.qcut(values, bins, duplicates='drop')`: edges
 * are numpy's linear quantiles of the non-missing values, the first bin is
 * closed `[a, b]`, the others `(a, b]`; bins no row falls in are left out.
 */
export function groupRows(frame: Frame, spec: SliceSpec, trim: boolean): SliceGrouping {
  checkSliceColumns([spec], frame);
  const col = frame.columns.find((c) => c.name === spec.column) as Column;
  const keys = spec.bins !== undefined && col.type === 'numeric' ? binKeys(col.values, spec.bins) : valueKeys(col, trim);
  const counts = new Map<string, number>();
  for (const k of keys.perRow) counts.set(k, (counts.get(k) ?? 0) + 1);
  const labels = keys.order.filter((k) => counts.has(k));
  if (counts.has(MISSING_GROUP) && !labels.includes(MISSING_GROUP)) labels.push(MISSING_GROUP);
  if (labels.length > MAX_SLICE_GROUPS) {
    const hint = col.type === 'numeric' ? `: bin it with { column: ${spec.column}, bins: 4 }` : ': slice by a column with fewer values';
    throw new DataError(`evaluate.slices: "${spec.column}" has ${labels.length} groups in the test rows, more than ${MAX_SLICE_GROUPS}${hint}`);
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  const groupOf = Int32Array.from(keys.perRow, (k) => index.get(k) as number);
  return { column: spec.column, labels, groupOf, ...(keys.edges ? { edges: keys.edges, bins: spec.bins } : {}) };
}

interface Keys {
  readonly perRow: readonly string[];
  /** Every possible label in display order (some may have no rows). */
  readonly order: readonly string[];
  readonly edges?: readonly number[];
}

function valueKeys(col: Column, trim: boolean): Keys {
  if (col.type === 'categorical') {
    const perRow = col.values.map((v) => (v === null ? MISSING_GROUP : trim ? v.trim() : v));
    return { perRow, order: [...new Set(perRow)].filter((k) => k !== MISSING_GROUP).sort(compareStrings) };
  }
  const texts = col.texts;
  const perRow = Array.from(col.values, (v, r): string => {
    if (Number.isNaN(v)) return MISSING_GROUP;
    if (col.type === 'boolean') return texts?.words[texts.codes[r] - 1] ?? String(v === 1);
    return String(v);
  });
  // Numbers sort as numbers; booleans false before true (whatever their text).
  const firstRow = new Map<string, number>();
  perRow.forEach((k, r) => { if (!firstRow.has(k)) firstRow.set(k, r); });
  const order = [...firstRow.keys()].filter((k) => k !== MISSING_GROUP).sort((a, b) => col.values[firstRow.get(a)!] - col.values[firstRow.get(b)!] || compareStrings(a, b));
  return { perRow, order };
}

function binKeys(values: Float64Array, bins: number): Keys {
  const present = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
  const edges: number[] = [];
  for (let k = 0; k <= bins; k++) {
    const e = quantileSorted(present, k / bins);
    if (!Number.isNaN(e) && edges[edges.length - 1] !== e) edges.push(e);
  }
  if (edges.length === 1) edges.push(edges[0]); // one distinct value: a single closed bin [v, v]
  const order = edges.slice(1).map((hi, i) => `${i === 0 ? '[' : '('}${formatEdge(edges[i])}, ${formatEdge(hi)}]`);
  const perRow = Array.from(values, (v): string => {
    if (Number.isNaN(v)) return MISSING_GROUP;
    // The first edge above or at v; v equal to the lowest edge falls in the first, closed bin.
    let b = 0;
    while (b < order.length - 1 && v > edges[b + 1]) b++;
    return order[b];
  });
  return { perRow, order, edges };
}

/** Edges as short text: six significant digits, no trailing zeros (33.333333 → 33.3333). */
export function formatEdge(v: number): string {
  return String(Number(v.toPrecision(6)));
}
