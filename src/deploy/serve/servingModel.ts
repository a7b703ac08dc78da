import type { DenseMatrix, Frame } from '../../core/data/frame';
import { columnNames } from '../../core/data/frame';
import { Preprocessor } from '../../core/data/preprocessor';
import type { PreprocessorJSON } from '../../core/data/preprocessor';
import { frameFromRecords } from '../../core/data/records';
import type { Label } from '../../core/data/targetEncoding';
import type { Task } from '../../core/models/model';
import { modelFromJSON } from '../../core/models/registry';
import type { ModelPackage } from '../../core/package/modelPackage';

/** One prediction: a class label (classification) or a value (regression). */
export type Prediction = Label | number;

/** Predictions with class probabilities (classification only). */
export interface ProbaResult {
  readonly predictions: Prediction[];
  /** One row per input row, one column per entry of `classes`. */
  readonly probabilities: number[][];
  readonly classes: readonly Label[];
}

/** What the server reports about the model it serves. */
export interface ServingModelInfo {
  readonly runId: string;
  readonly task: Task;
  readonly target: string;
  readonly modelType: string;
  readonly inputColumns: readonly string[];
  /** Input columns that are numbers (or 0/1); these get count/sum/sum-of-squares metrics. */
  readonly numericInputs: readonly string[];
  readonly classes?: readonly Label[];
  readonly runlensVersion: string;
}

/**
 * A loaded model package that predicts from raw input rows (before
 * encoding), exactly as at training time.
 */
export interface ServingModel {
  readonly info: ServingModelInfo;
  /** Predictions for JSON-like records keyed by input column. */
  predict(records: readonly Record<string, unknown>[]): Prediction[];
  /** Predictions and class probabilities; present for classifiers whose family has them. */
  predictProba?(records: readonly Record<string, unknown>[]): ProbaResult;
  /**
   * The frame of JSON-like records, checked against the input columns
   * (throws `ColumnMismatchError` naming missing and extra keys).
   */
  recordsFrame(records: readonly Record<string, unknown>[]): Frame;
  /** `predict` for a frame (a CSV body); columns are matched by name. */
  predictFrame(frame: Frame): Prediction[];
  predictProbaFrame?(frame: Frame): ProbaResult;
}

/**
 * Input columns that do not match the model's: a client error (HTTP 400)
 * whose message names every missing and every unexpected column.
 */
export class ColumnMismatchError extends Error {
  constructor(readonly missing: readonly string[], readonly extra: readonly string[], expected: readonly string[]) {
    const parts = [
      missing.length ? `missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')}` : '',
      extra.length ? `unexpected column${extra.length > 1 ? 's' : ''} ${extra.map((c) => `"${c}"`).join(', ')}` : '',
    ].filter(Boolean);
    super(`${parts.join('; ')} (the model needs: ${expected.join(', ')})`);
    this.name = 'ColumnMismatchError';
  }
}

/** Throws `ColumnMismatchError` unless `given` holds exactly the input columns (in any order). */
export function checkColumns(given: Iterable<string>, expected: readonly string[]): void {
  const seen = new Set(given);
  const want = new Set(expected);
  const missing = expected.filter((c) => !seen.has(c));
  const extra = [...seen].filter((c) => !want.has(c));
  if (missing.length > 0 || extra.length > 0) throw new ColumnMismatchError(missing, extra, expected);
}

/** Every key of the records, in the order first seen. */
export function recordKeys(records: readonly Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const r of records) if (r !== null && typeof r === 'object') for (const k of Object.keys(r)) keys.add(k);
  return [...keys];
}

/**
 * The columns a request sent that the model does not take (excluded from
 * training, the target, or unknown): served without them, as MLflow does,
 * and named back to the client.
 */
export function ignoredColumns(sent: Iterable<string>, inputColumns: readonly string[]): string[] {
  const wanted = new Set(inputColumns);
  return [...new Set(sent)].filter((c) => !wanted.has(c));
}

/**
 * Builds the predictor of a model package: its fitted preprocessing plus
 * its fitted model. Pure (no I/O); throws when the package's model or
 * preprocessor cannot be loaded.
 */
export function loadModelForServing(pkg: ModelPackage): ServingModel {
  const preprocessor = Preprocessor.fromJSON(pkg.preprocessor as PreprocessorJSON);
  const model = modelFromJSON(pkg.model);
  const classes = pkg.classes ?? preprocessor.classes;
  const inputColumns = preprocessor.inputColumns;
  const types = preprocessor.state.specs.map((s) => (s.kind === 'numeric' || s.kind === 'boolean' ? s.kind : 'categorical'));
  const info: ServingModelInfo = {
    runId: pkg.runId,
    task: pkg.task,
    target: pkg.target,
    modelType: pkg.model.type,
    inputColumns,
    numericInputs: preprocessor.state.specs.filter((s) => s.kind === 'numeric' || s.kind === 'boolean').map((s) => s.column),
    ...(classes !== undefined ? { classes } : {}),
    runlensVersion: pkg.runlensVersion,
  };

  const toFrame = (records: readonly Record<string, unknown>[]): Frame => {
    const keys = new Set(recordKeys(records));
    // Extra keys are ignored, as MLflow's schema enforcement does; a key
    // absent from only some records is still reported by frameFromRecords, per record.
    const missing = records.length > 0 ? inputColumns.filter((c) => !keys.has(c)) : [];
    if (missing.length > 0) throw new ColumnMismatchError(missing, [], inputColumns);
    return frameFromRecords(records, inputColumns, types);
  };
  const matrix = (frame: Frame): DenseMatrix => {
    const names = columnNames(frame);
    checkColumns(names.filter((c) => inputColumns.includes(c)), inputColumns);
    // Columns the model does not take are dropped, as MLflow does.
    return preprocessor.transform({ ...frame, columns: frame.columns.filter((c) => inputColumns.includes(c.name)) });
  };
  const label = (y: Float64Array): Prediction[] =>
    (pkg.task === 'classification' && classes ? Array.from(y, (k) => classes[k]) : Array.from(y));

  const predictFrame = (frame: Frame): Prediction[] => (frame.rows === 0 ? [] : label(model.predict(matrix(frame))));
  const proba = model.predictProba?.bind(model);
  const predictProbaFrame = pkg.task === 'classification' && classes && proba
    ? (frame: Frame): ProbaResult => {
      if (frame.rows === 0) return { predictions: [], probabilities: [], classes };
      const X = matrix(frame);
      const p = proba(X);
      const probabilities: number[][] = [];
      for (let r = 0; r < p.rows; r++) probabilities.push(Array.from(p.data.subarray(r * p.cols, (r + 1) * p.cols)));
      return { predictions: label(model.predict(X)), probabilities, classes };
    }
    : undefined;

  return {
    info,
    recordsFrame: toFrame,
    predict: (records) => predictFrame(toFrame(records)),
    predictFrame,
    ...(predictProbaFrame
      ? { predictProba: (records) => predictProbaFrame(toFrame(records)), predictProbaFrame }
      : {}),
  };
}
