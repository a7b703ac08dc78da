import type { DenseMatrix } from '../data/frame';
import { accuracy } from '../metrics/classificationMetrics';
import { r2Score } from '../metrics/regressionMetrics';
import type { Model } from '../models/model';
import type { Scorer } from '../models/permutationImportance';
import { permutationImportance } from '../models/permutationImportance';
import { Rng } from '../util/rng';

/**
 * The artifact `permutation_importance.json`: the feature-importance shape
 * the compare view draws (`{ importances: [{ feature, importance }] }`,
 * largest first) plus the spread over the repeats.
 *
 * ```json
 * {
 *   "method": "permutation", "split": "test", "scoring": "accuracy",
 *   "repeats": 5, "seed": 42, "rows": 30, "baseline": 0.967,
 *   "importances": [{ "feature": "petal_length", "importance": 0.41, "std": 0.05 }, …]
 * }
 * ```
 * `importance` is the mean drop of the score when the feature's column is
 * shuffled (scikit-learn's `permutation_importance`); `std` the population
 * standard deviation of that drop over `repeats` shuffles; `rows` the rows
 * scored (at most `maxRows`, a seeded sample of the split beyond that).
 */
export interface PermutationImportanceReport {
  readonly method: 'permutation';
  readonly split: string;
  readonly scoring: 'accuracy' | 'r2';
  readonly repeats: number;
  readonly seed: number;
  readonly rows: number;
  readonly baseline: number;
  readonly importances: readonly { readonly feature: string; readonly importance: number; readonly std: number }[];
}

export interface PermutationReportOptions {
  readonly seed: number;
  readonly repeats?: number;
  readonly split?: string;
  /**
   * Rows scored at most (default 10,000): the cost is features × repeats
   * predictions of the split, so a large split is sampled (as
   * scikit-learn's `max_samples`).
   */
  readonly maxRows?: number;
}

/** The default scorer of scikit-learn's estimators: accuracy, or R² for regression. */
const SCORERS: Record<'accuracy' | 'r2', Scorer> = {
  accuracy: (m, X, y) => accuracy(y, m.predict(X)),
  r2: (m, X, y) => r2Score(y, m.predict(X)),
};

export function permutationReport(
  model: Model,
  X: DenseMatrix,
  y: Float64Array,
  featureNames: readonly string[],
  opts: PermutationReportOptions,
): PermutationImportanceReport {
  const scoring = model.task === 'regression' ? 'r2' : 'accuracy';
  const repeats = opts.repeats ?? 5;
  const sample = sampleRows(X, y, opts.maxRows ?? 10_000, opts.seed);
  const result = permutationImportance(model, sample.X, sample.y, SCORERS[scoring], { repeats, seed: opts.seed });
  const importances = featureNames
    .map((feature, j) => ({ feature, importance: result.importancesMean[j] ?? NaN, std: result.importancesStd[j] ?? NaN }))
    .sort((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature));
  return {
    method: 'permutation',
    split: opts.split ?? 'test',
    scoring,
    repeats,
    seed: opts.seed,
    rows: sample.y.length,
    baseline: result.baseline,
    importances,
  };
}

function sampleRows(X: DenseMatrix, y: Float64Array, maxRows: number, seed: number): { X: DenseMatrix; y: Float64Array } {
  if (X.rows <= maxRows) return { X, y };
  const rng = new Rng(seed);
  // Partial Fisher-Yates: the first maxRows entries are a uniform sample.
  const idx = Uint32Array.from({ length: X.rows }, (_, i) => i);
  for (let i = 0; i < maxRows; i++) {
    const j = i + rng.int(X.rows - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  const rows = idx.subarray(0, maxRows).sort();
  const data = new Float64Array(maxRows * X.cols);
  const ys = new Float64Array(maxRows);
  rows.forEach((r, i) => {
    data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols);
    ys[i] = y[r];
  });
  return { X: { data, rows: maxRows, cols: X.cols }, y: ys };
}
