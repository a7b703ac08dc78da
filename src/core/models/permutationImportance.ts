import type { DenseMatrix } from '../data/frame';
import type { Model } from './model';
import { Rng } from '../util/rng';

/** Scores a fitted model on (X, y); higher is better unless `greaterIsBetter` is false. */
export type Scorer = (model: Model, X: DenseMatrix, y: Float64Array) => number;

export interface PermutationImportanceOptions {
  /** Shuffles per feature; default 5 (scikit-learn's default). */
  readonly repeats?: number;
  readonly seed?: number;
  /** Set false for losses (mse, log_loss) so that importance stays "score drop". Default true. */
  readonly greaterIsBetter?: boolean;
}

export interface PermutationImportanceResult {
  /** Score on the unshuffled data. */
  readonly baseline: number;
  /** Mean drop in score per feature. */
  readonly importancesMean: Float64Array;
  /** Standard deviation (population, like numpy) of the drop per feature. */
  readonly importancesStd: Float64Array;
  /** Row-major p × repeats drops. */
  readonly importances: DenseMatrix;
}

/**
 * Permutation importance (scikit-learn's `permutation_importance`): how much
 * the score drops when one column is shuffled, breaking its link with y.
 * Model-agnostic, unlike impurity importances which favour high-cardinality
 * columns.
 */
export function permutationImportance(
  model: Model,
  X: DenseMatrix,
  y: Float64Array,
  scorer: Scorer,
  options: PermutationImportanceOptions = {},
): PermutationImportanceResult {
  const repeats = options.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`permutationImportance: repeats must be a positive integer; got ${repeats}.`);
  const sign = options.greaterIsBetter === false ? -1 : 1;
  const rng = new Rng(options.seed ?? 0);
  const { rows, cols } = X;
  const work = X.data.slice();
  const shuffled: DenseMatrix = { data: work, rows, cols };
  const baseline = scorer(model, X, y);
  const drops = new Float64Array(cols * repeats);
  const column = new Float64Array(rows);
  const perm = new Int32Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) column[i] = X.data[i * cols + j];
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < rows; i++) perm[i] = i;
      rng.shuffle(perm);
      for (let i = 0; i < rows; i++) work[i * cols + j] = column[perm[i]];
      drops[j * repeats + r] = sign * (baseline - scorer(model, shuffled, y));
    }
    for (let i = 0; i < rows; i++) work[i * cols + j] = column[i];
  }
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let r = 0; r < repeats; r++) s += drops[j * repeats + r];
    const m = s / repeats;
    let v = 0;
    for (let r = 0; r < repeats; r++) v += (drops[j * repeats + r] - m) ** 2;
    mean[j] = m;
    std[j] = Math.sqrt(v / repeats);
  }
  return { baseline, importancesMean: mean, importancesStd: std, importances: { data: drops, rows: cols, cols: repeats } };
}
