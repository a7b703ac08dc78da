/**
 * The residual summary of a regression run (artifact `residuals.json`), for
 * the compare view and for reading by eye. Residual = actual − predicted.
 *
 * ```json
 * {
 *   "split": "test", "count": 89, "mean": -1.2, "std": 53.1,
 *   "quantiles": [{ "q": 0, "value": -150.3 }, { "q": 0.05, "value": -88.1 }, …, { "q": 1, "value": 160.2 }],
 *   "histogram": { "edges": [-150.3, -135.8, …, 160.2], "counts": [1, 0, 3, …] },
 *   "largest": [{ "row": 17, "line": 342, "actual": 310, "predicted": 150.2, "residual": 159.8 }, …]
 * }
 * ```
 * - `quantiles`: at 0, 0.05, 0.25, 0.5, 0.75, 0.95 and 1, with numpy's
 *   default (linear) interpolation.
 * - `histogram`: `counts.length` equal-width bins between the smallest and
 *   the largest residual, `edges` has one more entry; the last bin includes
 *   its right edge (as numpy.histogram).
 * - `largest`: the rows with the largest absolute residuals, largest first;
 *   `row` is the 0-based row of the split, `line` the 1-based line of the
 *   CSV file it came from, when known.
 * - `std` is the population standard deviation. Empty split: count 0, NaNs
 *   and empty lists.
 */
export interface ResidualSummary {
  readonly split: string;
  readonly count: number;
  readonly mean: number;
  readonly std: number;
  readonly quantiles: readonly { readonly q: number; readonly value: number }[];
  readonly histogram: { readonly edges: readonly number[]; readonly counts: readonly number[] };
  readonly largest: readonly LargeResidual[];
}

export interface LargeResidual {
  readonly row: number;
  readonly line?: number;
  readonly actual: number;
  readonly predicted: number;
  readonly residual: number;
}

export interface ResidualOptions {
  readonly split?: string;
  /** CSV line of each row (a CSV frame's `lines`). */
  readonly lines?: ArrayLike<number>;
  /** How many of the largest residuals to list; default 10. */
  readonly largest?: number;
  /** Histogram bins; default min(20, ceil(sqrt(count))). */
  readonly bins?: number;
}

const QUANTILES = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];

/** numpy.quantile's default ("linear") on sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function residualSummary(actual: ArrayLike<number>, predicted: ArrayLike<number>, opts: ResidualOptions = {}): ResidualSummary {
  if (actual.length !== predicted.length) throw new Error(`residuals: ${actual.length} actual values, ${predicted.length} predictions`);
  const n = actual.length;
  const residuals = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    residuals[i] = actual[i] - predicted[i];
    sum += residuals[i];
  }
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (residuals[i] - mean) ** 2;
  const sorted = residuals.slice().sort();
  const bins = opts.bins ?? Math.min(20, Math.max(1, Math.ceil(Math.sqrt(n))));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(residuals[b]) - Math.abs(residuals[a]) || a - b);
  return {
    split: opts.split ?? 'test',
    count: n,
    mean,
    std: n > 0 ? Math.sqrt(ss / n) : NaN,
    quantiles: QUANTILES.map((q) => ({ q, value: quantileSorted(sorted, q) })),
    histogram: n > 0 ? histogram(sorted, bins) : { edges: [], counts: [] },
    largest: order.slice(0, opts.largest ?? 10).map((row) => ({
      row,
      ...(opts.lines ? { line: opts.lines[row] } : {}),
      actual: actual[row],
      predicted: predicted[row],
      residual: residuals[row],
    })),
  };
}

function histogram(sorted: Float64Array, bins: number): { edges: number[]; counts: number[] } {
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  if (!(hi > lo)) return { edges: [lo, hi], counts: [sorted.length] };
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  return { edges, counts };
}
