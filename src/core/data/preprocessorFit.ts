import type { DataConfig } from '../config/trainConfig';
import type { Task } from '../models/model';
import type { Column, DenseMatrix, Frame } from './frame';
import { columnByName } from './frame';
import { CsvError, DataError, quoteValue } from './dataError';
import { dropIncomplete, resolveClean } from './clean';
import { assertNumericColumnsClean } from './csvColumns';
import { fitFeatureSpecs, selectFeatureColumns } from './features';
import { Preprocessor } from './preprocessor';
import type { Label } from './targetEncoding';
import { labelsOf } from './targetEncoding';
import { targetMissingError } from './taskInference';

/** Rows removed before fitting. */
export interface DroppedRows {
  /** Rows whose target was missing (always dropped). */
  readonly missingTarget: number;
  /** Rows with a missing feature value, under `data.clean.missing: drop`. */
  readonly missingValues: number;
  /** Rows with an infinite value in a used column, under `data.clean.infinite: drop` (counted by `prepareData`). */
  readonly infiniteValues?: number;
}

export interface FittedPreprocessor {
  readonly preprocessor: Preprocessor;
  readonly X: DenseMatrix;
  readonly y: Float64Array;
  /** The training rows actually used (after dropping). */
  readonly frame: Frame;
  readonly dropped: DroppedRows;
}

export interface FitOptions {
  /** The class labels to use (e.g. from train and test together); default: the training labels. */
  readonly classes?: readonly Label[];
}

/**
 * Fits cleaning, feature encoding, scaling and target encoding on the
 * training rows (see `clean`, `features`) and returns the fitted
 * preprocessor with the training matrix and targets. Rows with a missing
 * target are dropped and counted, as are rows with missing features under
 * `missing: drop`.
 */
export function fitPreprocessor(train: Frame, data: DataConfig, task: Task, opts: FitOptions = {}): FittedPreprocessor {
  const file = train.source ?? '<data>';
  const target = data.target;
  const targetCol = columnByName(train, target);
  if (targetCol === undefined) throw targetMissingError(train, target);
  const featureNames = selectFeatureColumns(train, target, data.features);
  assertNumericColumnsClean(train, [...featureNames, target]);
  const clean = resolveClean(data.clean);

  let frame = train;
  const noTarget = dropIncomplete(frame, [target]);
  frame = noTarget.frame;
  let missingValues = 0;
  if (clean.missing === 'drop') {
    const r = dropIncomplete(frame, featureNames);
    frame = r.frame;
    missingValues = r.dropped;
  }
  if (frame.rows === 0) {
    throw new DataError(`no training rows left in ${file}: ${noTarget.dropped} without target, ${missingValues} with missing values`);
  }

  const y0 = columnByName(frame, target) as Column;
  let classes: readonly Label[] | undefined;
  if (task === 'classification') {
    classes = opts.classes ?? labelsOf(y0, clean.trim);
    const present = labelsOf(y0, clean.trim);
    if (present.length < 2) {
      throw new CsvError({ file, column: train.columns.indexOf(targetCol) + 1, columnName: target },
        `the target has only one class (${present[0] === undefined ? 'none' : quoteValue(String(present[0]))}); classification needs at least two`);
    }
  } else if (y0.type === 'categorical') {
    throw new CsvError({ file, column: train.columns.indexOf(targetCol) + 1, columnName: target },
      'the target is text, but the task is regression; set task: classification or pick a numeric target');
  }

  const columns = featureNames.map((n) => columnByName(frame, n) as Column);
  const specs = fitFeatureSpecs(frame, columns, clean, data.features);
  const preprocessor = new Preprocessor({
    task, target, ...(classes !== undefined ? { classes } : {}), missing: clean.missing, trim: clean.trim, infinite: clean.infinite, specs,
  });
  return {
    preprocessor,
    X: preprocessor.transform(frame),
    y: preprocessor.encodeTarget(frame),
    frame,
    dropped: { missingTarget: noTarget.dropped, missingValues },
  };
}
