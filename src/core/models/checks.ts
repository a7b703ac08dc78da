import type { DenseMatrix } from '../data/frame';
import type { FitOptions, Task } from './model';

/**
 * Input checks shared by the model families: a bad matrix gives a message
 * that says what to fix instead of NaN predictions.
 */
export function checkFitInput(type: string, X: DenseMatrix, y: Float64Array, options: FitOptions): number {
  if (X.data.length !== X.rows * X.cols) {
    throw new Error(`${type}: X has ${X.data.length} values but claims ${X.rows} × ${X.cols}.`);
  }
  if (y.length !== X.rows) throw new Error(`${type}: X has ${X.rows} rows but y has ${y.length} values.`);
  if (X.rows === 0) throw new Error(`${type}: cannot fit on zero rows.`);
  if (X.cols === 0) throw new Error(`${type}: X has no feature columns.`);
  checkFinite(type, X);
  let nClasses = 0;
  if (options.task === 'classification') {
    let maxLabel = -1;
    for (let i = 0; i < y.length; i++) {
      const c = y[i];
      if (!Number.isInteger(c) || c < 0) {
        throw new Error(`${type}: classification targets must be class indices 0..k-1; row ${i} has ${c}.`);
      }
      if (c > maxLabel) maxLabel = c;
    }
    nClasses = options.nClasses ?? maxLabel + 1;
    if (maxLabel >= nClasses) {
      throw new Error(`${type}: y holds class index ${maxLabel} but nClasses is ${nClasses}.`);
    }
  } else {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i])) throw new Error(`${type}: target of row ${i} is ${y[i]}; clean missing values first.`);
    }
  }
  return nClasses;
}

/** Throws on NaN or ±Infinity, naming the first offending cell. */
export function checkFinite(type: string, X: DenseMatrix): void {
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const r = Math.floor(i / X.cols);
      throw new Error(`${type}: X[${r}, ${i - r * X.cols}] is ${d[i]}; clean missing values before fitting.`);
    }
  }
}

/** Throws unless X has the column count the model was fitted on. */
export function checkPredictInput(type: string, X: DenseMatrix, nFeatures: number): void {
  if (X.cols !== nFeatures) throw new Error(`${type}: the model was fitted on ${nFeatures} features, X has ${X.cols}.`);
}

/** Throws when a family is asked for a task it does not handle. */
export function checkTask(type: string, task: Task, supported: readonly Task[]): void {
  if (!supported.includes(task)) {
    throw new Error(`Model "${type}" does not support ${task}; it supports ${supported.join(' and ')}.`);
  }
}

/** The error for predict/toJSON before fit. */
export function notFitted(type: string): Error {
  return new Error(`${type}: the model is not fitted yet.`);
}
