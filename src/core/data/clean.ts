import type { CleanConfig, MissingStrategy, OutlierStrategy } from '../config/trainConfig';
import type { ResolvedInfinite } from './infinite';
import type { Column, Frame, NumericColumn } from './frame';
import { columnByName, isMissing, takeRows } from './frame';
import { DataError, quoteValue } from './dataError';
import { CELL_FALSE, CELL_NUMBER, CELL_TRUE, cellNumber, classifyCell } from './csvCells';
import { finiteValues, mean, numericMode, quantileSorted, sorted, std, stringMode } from './stats';

/**
 * Cleaning, fitted on the training split and applied to both splits (and to
 * serving requests) through the preprocessor:
 * - strings are trimmed (`trim`, default on); numeric-looking text was
 *   already parsed as numbers by the reader;
 * - outliers of numeric columns are clipped to bounds learnt on the train
 *   values: `clip_iqr` to [Q1 - 1.5 IQR, Q3 + 1.5 IQR] (quartiles with
 *   linear interpolation, like numpy), `zscore` to mean ± 3 population std;
 * - missing values are filled with a statistic of the (clipped) train
 *   values: `mean` / `median` for numeric columns, the most frequent value
 *   for categorical and boolean columns (ties: the smallest), or `fill` for
 *   `constant` (default 0, and "missing" for text). `drop` removes rows with
 *   a missing value in any used column instead.
 * Outliers are clipped before the fill statistic is computed, so a few
 * extreme values do not drag the mean that replaces missing cells.
 */
export interface ResolvedClean {
  readonly missing: MissingStrategy | 'auto';
  readonly outliers: OutlierStrategy;
  readonly trim: boolean;
  readonly fill?: number | string;
  readonly infinite: ResolvedInfinite;
}

export function resolveClean(config: CleanConfig | undefined): ResolvedClean {
  return {
    missing: config?.missing ?? 'auto',
    outliers: config?.outliers ?? 'none',
    trim: config?.trim ?? true,
    infinite: config?.infinite ?? 'error',
    ...(config?.fill !== undefined ? { fill: config.fill } : {}),
  };
}

/** Cleaning learnt for one numeric column. */
export interface NumericClean {
  /** Value for missing cells (NaN under `drop`). */
  readonly fill: number;
  /** Clip bounds, when outliers are clipped. */
  readonly clip?: readonly [number, number];
  /** The finite minimum and maximum of the training values, where ±Infinity is clipped to them (`infinite: clip`). */
  readonly finiteRange?: readonly [number, number];
}

/** Learns the clip bounds and the fill value of a numeric column from its training values. */
export function fitNumericClean(col: NumericColumn, clean: ResolvedClean): NumericClean {
  const finite = finiteValues(col.values);
  let clip: [number, number] | undefined;
  if (clean.outliers === 'clip_iqr' && finite.length > 0) {
    const s = sorted(finite);
    const q1 = quantileSorted(s, 0.25);
    const q3 = quantileSorted(s, 0.75);
    const iqr = q3 - q1;
    clip = [q1 - 1.5 * iqr, q3 + 1.5 * iqr];
  } else if (clean.outliers === 'zscore' && finite.length > 0) {
    const m = mean(finite);
    const sd = std(finite, 0, m);
    clip = [m - 3 * sd, m + 3 * sd];
  }
  const clipped = clip ? finite.map((v) => Math.min(Math.max(v, clip[0]), clip[1])) : finite;
  const fill = numericFill(col, clipped, clean);
  const finiteRange = clean.infinite === 'clip' && finite.length > 0 ? finiteMinMax(finite) : undefined;
  return { fill, ...(clip ? { clip } : {}), ...(finiteRange ? { finiteRange } : {}) };
}

function finiteMinMax(values: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function numericFill(col: Column, values: Float64Array, clean: ResolvedClean): number {
  switch (clean.missing) {
    case 'drop':
      return NaN;
    case 'constant': {
      const f = clean.fill ?? 0;
      if (typeof f === 'number') return f;
      if (classifyCell(f) === CELL_NUMBER) return cellNumber.value;
      throw new DataError(`data.clean.fill is ${quoteValue(f)}, which is not a number, but column ${quoteValue(col.name)} is numeric`);
    }
    case 'mode':
      return numericMode(values);
    case 'median':
      return quantileSorted(sorted(values), 0.5);
    default:
      return mean(values);
  }
}

/** The fill value of a boolean column (1 or 0), NaN under `drop`. */
export function fitBooleanFill(col: NumericColumn, clean: ResolvedClean): number {
  if (clean.missing === 'drop') return NaN;
  if (clean.missing === 'constant') {
    const f = clean.fill ?? 0;
    if (f === 0 || f === 1) return f;
    const kind = typeof f === 'string' ? classifyCell(f) : undefined;
    if (kind === CELL_TRUE) return 1;
    if (kind === CELL_FALSE) return 0;
    if (kind === CELL_NUMBER && (cellNumber.value === 0 || cellNumber.value === 1)) return cellNumber.value;
    throw new DataError(`data.clean.fill is ${JSON.stringify(f)}, but column ${quoteValue(col.name)} is boolean (use true/false)`);
  }
  const m = numericMode(col.values);
  return Number.isNaN(m) ? 0 : m;
}

/** The fill value of a categorical column (already trimmed if trimming is on); null under `drop`. */
export function fitCategoricalFill(values: readonly (string | null)[], clean: ResolvedClean): string | null {
  if (clean.missing === 'drop') return null;
  if (clean.missing === 'constant') return String(clean.fill ?? 'missing');
  return stringMode(values);
}

/** Trims every string of a categorical column. */
export function trimStrings(values: readonly (string | null)[]): (string | null)[] {
  return values.map((v) => (v === null ? null : v.trim()));
}

/**
 * Rows of `frame` without a missing value in any of `columns`. Returns the
 * same frame object when nothing is dropped.
 */
export function dropIncomplete(frame: Frame, columns: readonly string[]): { frame: Frame; dropped: number } {
  const cols = columns.map((name) => columnByName(frame, name)).filter((c): c is Column => c !== undefined);
  const keep: number[] = [];
  for (let r = 0; r < frame.rows; r++) {
    if (!cols.some((c) => isMissing(c, r))) keep.push(r);
  }
  if (keep.length === frame.rows) return { frame, dropped: 0 };
  return { frame: withRows(frame, keep), dropped: frame.rows - keep.length };
}

/** `takeRows` that also keeps a CSV frame's line numbers, so later errors can still cite lines. */
export function withRows(frame: Frame, rows: ArrayLike<number>): Frame {
  const out = takeRows(frame, rows);
  const lines = (frame as { lines?: Uint32Array }).lines;
  if (lines === undefined) return out;
  const kept = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) kept[i] = lines[rows[i]];
  return Object.assign(out, { lines: kept });
}
