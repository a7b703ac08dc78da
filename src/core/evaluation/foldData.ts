import type { DataConfig } from '../config/trainConfig';
import { withRows } from '../data/clean';
import type { DenseMatrix, Frame } from '../data/frame';
import { fitPreprocessor } from '../data/preprocessorFit';
import type { Label } from '../data/targetEncoding';
import type { Task } from '../models/model';
import type { Fold } from './kFold';

/** The matrices of one cross-validation fold. */
export interface FoldMatrices {
  readonly Xtrain: DenseMatrix;
  readonly ytrain: Float64Array;
  readonly Xval: DenseMatrix;
  readonly yval: Float64Array;
  /** Columns of the fold's matrices (one-hot columns follow the fold's training rows). */
  readonly featureNames: readonly string[];
}

/**
 * Builds a fold's matrices from the training rows as read. The data
 * preparation (imputation, outlier limits, scaling, one-hot categories) is
 * fitted again on the fold's training part only, as a scikit-learn Pipeline
 * inside `cross_val_score` does: fitting it on all training rows would let
 * the validation rows leak into their own preprocessing and flatter the
 * scores. `classes` keeps the class indices of the whole run.
 */
export function foldMatrices(frame: Frame, fold: Fold, data: DataConfig, task: Task, classes?: readonly Label[]): FoldMatrices {
  const fitted = fitPreprocessor(withRows(frame, fold.train), data, task, classes ? { classes } : {});
  const val = withRows(frame, fold.validation);
  return {
    Xtrain: fitted.X,
    ytrain: fitted.y,
    Xval: fitted.preprocessor.transform(val),
    yval: fitted.preprocessor.encodeTarget(val),
    featureNames: fitted.preprocessor.featureNames,
  };
}
