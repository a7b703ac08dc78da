import type { DenseMatrix } from '../data/frame';

export type Task = 'classification' | 'regression';

/** Progress of an iterative fit (solver iteration, boosting round, epoch). */
export interface FitProgress {
  /** 1-based iteration, epoch or step. */
  readonly step: number;
  /** Expected total, when known, for ETA display. */
  readonly total?: number;
  /** Curves to log at this step, e.g. `{ train_loss: 0.31 }`. */
  readonly metrics: Readonly<Record<string, number>>;
  /**
   * This point ends an epoch: the run writes it to the store before it
   * reports it, so a kill loses no epoch that was shown. Points of fast
   * solver iterations (unset) are written in batches.
   */
  readonly epoch?: boolean;
}

export interface FitOptions {
  readonly task: Task;
  /** For classification: number of classes; `y` holds class indices 0..k-1. */
  readonly nClasses?: number;
  /** Called after each iteration of an iterative solver. */
  readonly onProgress?: (progress: FitProgress) => void;
  /** Aborting stops the fit promptly with an `AbortError`. */
  readonly signal?: AbortSignal;
  /** Column names of X, for feature importances. */
  readonly featureNames?: readonly string[];
  /** A fit that ended but deserves a word, as scikit-learn warns (an L-BFGS that reached max_iter). */
  readonly onWarning?: (message: string) => void;
}

/** JSON form of a fitted model; `type` selects the family on load. */
export interface ModelJSON {
  readonly type: string;
  readonly task: Task;
  readonly [key: string]: unknown;
}

/**
 * One model family. `y` is a Float64Array: class indices (0..k-1) for
 * classification, targets for regression. `toJSON` then `fromJSON` must give
 * identical predictions.
 */
export interface Model {
  readonly type: string;
  readonly task: Task;
  fit(X: DenseMatrix, y: Float64Array, options: FitOptions): Promise<void>;
  /** Class indices for classification, values for regression. */
  predict(X: DenseMatrix): Float64Array;
  /** Row-major rows × nClasses probabilities; classification only. */
  predictProba?(X: DenseMatrix): DenseMatrix;
  /** Impurity-based or coefficient-based importances, one per column, if the family has them. */
  featureImportances?(): Float64Array | undefined;
  toJSON(): ModelJSON;
  /**
   * Facts about how the last fit ran, recorded as run tags after the fit
   * (e.g. `{ "runlens.tfjs.backend": "wasm" }`).
   */
  runTags?(): Readonly<Record<string, string>>;
}
