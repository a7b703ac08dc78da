import type { DenseMatrix } from '../data/frame';
import type { Model } from '../models/model';
import { classificationMetrics } from '../metrics/classificationMetrics';
import { regressionMetrics } from '../metrics/regressionMetrics';

export interface ScoreOptions {
  /** Number of classes (classification). */
  readonly nClasses?: number;
  /** Class index of `data.positive` for binary metrics. */
  readonly positiveIndex?: number;
}

/**
 * The metrics of a fitted model on (X, y), unprefixed: accuracy, precision /
 * recall / f1 (or their macro averages), roc_auc and log_loss for
 * classification; mse, rmse, mae and r2 for regression. Callers prefix them
 * with the split (`train_`, `test_`, `val_`).
 */
export function scoreModel(model: Model, X: DenseMatrix, y: Float64Array, opts: ScoreOptions = {}): Record<string, number> {
  const pred = model.predict(X);
  if (model.task === 'regression') return regressionMetrics(y, pred);
  const proba = model.predictProba?.(X);
  return classificationMetrics(y, pred, proba, opts.nClasses ?? 0, opts.positiveIndex);
}

/** `{ accuracy: 0.9 }` → `{ test_accuracy: 0.9 }`. */
export function prefixMetrics(prefix: string, metrics: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) out[`${prefix}_${k}`] = v;
  return out;
}
