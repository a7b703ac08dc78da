import { resolve } from 'node:path';
import type { DataConfig } from '../config/trainConfig';
import type { Task } from '../models/model';
import type { DenseMatrix, Frame } from './frame';
import { columnByName, columnNames } from './frame';
import { CsvError, DataError, quoteValue, showNames } from './dataError';
import { dropIncomplete, resolveClean, withRows } from './clean';
import { assertNumericColumnsClean } from './csvColumns';
import type { DataFileFrame, DataFormat } from './dataFile';
import { dataFormatOf, readDataFile } from './dataFile';
import { selectFeatureColumns } from './features';
import type { DatasetFingerprint } from './fingerprint';
import { fingerprintFrame } from './fingerprint';
import type { Preprocessor } from './preprocessor';
import type { DroppedRows } from './preprocessorFit';
import { fitPreprocessor } from './preprocessorFit';
import { splitIndices } from './split';
import type { Label } from './targetEncoding';
import { cellLabel, labelKey, labelsOf, mergeLabels, withLabelColumn } from './targetEncoding';
import { inferTask, targetMissingError } from './taskInference';
import { applyInfinite } from './infinite';
import { checkCategoryCounts } from './categoryLimit';
import type { LoadEstimate } from './loadEstimate';
import { checkLoadFits, estimateLoad } from './loadEstimate';
import type { MemoryBudget } from '../util/memory';
import { currentMemoryBudget } from '../util/memory';

/** A data file a run read, as recorded with the run. */
export interface DataFile {
  /** The path as written in the config. */
  readonly path: string;
  /** `data`: one file split into train and test; `train` / `test`: explicit files. */
  readonly role: 'data' | 'train' | 'test';
  readonly fingerprint: DatasetFingerprint;
}

/** Everything a model needs from the data section of a config. */
export interface PreparedData {
  readonly task: Task;
  readonly Xtrain: DenseMatrix;
  readonly ytrain: Float64Array;
  readonly Xtest: DenseMatrix;
  readonly ytest: Float64Array;
  readonly preprocessor: Preprocessor;
  /** Class labels, index i = class i (classification). */
  readonly classes?: readonly Label[];
  readonly featureNames: readonly string[];
  /** The rows behind Xtrain / Xtest, as read (before cleaning and encoding). */
  readonly trainFrame: Frame;
  readonly testFrame: Frame;
  readonly files: readonly DataFile[];
  /** Rows dropped from train and test together. */
  readonly dropped: DroppedRows;
  /** Things the user may want to know (e.g. a setting that had no effect). */
  readonly warnings: readonly string[];
}

export interface PrepareOptions {
  /** The config's `task`; inferred from the target when absent (`inferTask`). */
  readonly task?: Task;
  /** The config's top-level seed, used when `data.split.seed` is absent (default 42). */
  readonly seed?: number;
  /**
   * What loading may use: a file whose estimated load is larger is refused
   * before it is read (`checkLoadFits`). Default: what this process has left;
   * `unchecked` skips the check.
   */
  readonly memory?: MemoryBudget | 'unchecked';
  /** Told the estimate of each file larger than the sample, before it is read. */
  readonly onEstimate?: (file: string, estimate: LoadEstimate) => void;
  /**
   * The data already made files by the caller (a query's snapshot): read
   * these instead of `data.path` / `data.train` + `data.test`. `path` is the
   * name recorded and shown; `file` the absolute file read.
   */
  readonly sources?: readonly ResolvedSource[];
}

/** A data source the caller has made a file (see `PrepareOptions.sources`). */
export interface ResolvedSource {
  readonly path: string;
  readonly role: DataFile['role'];
  readonly file: string;
  readonly format: DataFormat;
}

/**
 * Reads the data file(s) of a config, infers the task, splits, cleans and
 * encodes: `data.path` is split by `data.split` (test 0.2, seed 42,
 * stratified for classification); `data.train` + `data.test` are used as
 * they are, in file order. Paths are relative to `configDir`.
 */
export async function prepareData(data: DataConfig, configDir: string, opts: PrepareOptions = {}): Promise<PreparedData> {
  const warnings: string[] = [];
  const clean = resolveClean(data.clean);
  const sources = opts.sources ?? dataFiles(data).map((s): ResolvedSource => ({ ...s, file: resolve(configDir, s.path), format: dataFormatOf(s.path) }));
  // The estimate samples CSV text; Parquet and JSON Lines are read whole.
  for (const s of sources) if (s.format === 'csv') checkMemory(s.file, s.path, opts);
  const frames = await Promise.all(sources.map((s) => readDataFile(s.file, { displayPath: s.path, format: s.format })));
  const files = frames.map((f, i): DataFile => ({ path: sources[i].path, role: sources[i].role, fingerprint: fingerprintFrame(f, f.sha256) }));
  const first = frames[0];
  if (frames.length === 2) checkSameColumns(frames[0], frames[1]);
  for (const f of frames) {
    if (columnByName(f, data.target) === undefined) throw targetMissingError(f, data.target);
  }
  const features = selectFeatureColumns(first, data.target, data.features);
  for (const f of frames) assertNumericColumnsClean(f, [...features, data.target]);
  // Before anything is encoded: one-hot columns of an id would not fit in memory.
  checkCategoryCounts(first, features, data.features, clean.trim);
  // Class labels as written: a yes/no target predicts "yes", not true (a regression target stays 0/1).
  const labelled = opts.task === 'regression' ? frames : frames.map((f) => withLabelColumn(f, data.target));
  const finite = labelled.map((f) => applyInfinite(f, features, data.target, clean.infinite));
  const infiniteValues = finite.reduce((a, r) => a + r.dropped, 0);

  // Rows without a target can be neither trained on nor scored.
  const withTarget = finite.map((r) => dropIncomplete(r.frame, [data.target]));
  const missingTarget = withTarget.reduce((a, r) => a + r.dropped, 0);
  const task = opts.task ?? inferTask(withTarget[0].frame, data.target);

  let classes: Label[] | undefined;
  if (task === 'classification') {
    classes = withTarget.map((r) => labelsOf(columnByName(r.frame, data.target)!, clean.trim)).reduce(mergeLabels);
    if (classes.length < 2) {
      const col = first.columns.findIndex((c) => c.name === data.target);
      throw new CsvError({ file: first.source, column: col + 1, columnName: data.target },
        `the target has only one class (${classes[0] === undefined ? 'none' : quoteValue(String(classes[0]))}); classification needs at least two`);
    }
  }

  let train: Frame;
  let test: Frame;
  if (withTarget.length === 2) {
    train = withTarget[0].frame;
    test = withTarget[1].frame;
    if (data.split !== undefined) warnings.push('data.split is ignored because data.train and data.test are given');
  } else {
    const all = withTarget[0].frame;
    let stratify = data.split?.stratify ?? task === 'classification';
    if (stratify && task !== 'classification') {
      warnings.push('data.split.stratify is ignored for regression');
      stratify = false;
    }
    const strata = stratify && classes ? classIndices(all, data.target, classes, clean.trim) : undefined;
    const parts = splitIndices(all.rows, {
      test: data.split?.test ?? 0.2,
      seed: data.split?.seed ?? opts.seed ?? 42,
      ...(strata ? { strata } : {}),
    });
    train = withRows(all, parts.train);
    test = withRows(all, parts.test);
  }

  let missingValues = 0;
  if (clean.missing === 'drop') {
    const r = dropIncomplete(test, features);
    test = r.frame;
    missingValues += r.dropped;
  }
  const fitted = fitPreprocessor(train, data, task, classes ? { classes } : {});
  missingValues += fitted.dropped.missingValues;
  const { preprocessor } = fitted;
  return {
    task,
    Xtrain: fitted.X,
    ytrain: fitted.y,
    Xtest: preprocessor.transform(test),
    ytest: preprocessor.encodeTarget(test),
    preprocessor,
    ...(classes ? { classes } : {}),
    featureNames: preprocessor.featureNames,
    trainFrame: fitted.frame,
    testFrame: test,
    files,
    dropped: { missingTarget, missingValues, infiniteValues },
    warnings,
  };
}

/** Refuses a file too large for the memory left, before reading it (see `estimateLoad`). */
function checkMemory(abs: string, shown: string, opts: PrepareOptions): void {
  if (opts.memory === 'unchecked') return;
  let estimate: LoadEstimate | undefined;
  try {
    estimate = estimateLoad(abs);
  } catch {
    return; // unreadable: the read says why, at the file
  }
  if (estimate === undefined) return;
  opts.onEstimate?.(shown, estimate);
  checkLoadFits(shown, estimate, opts.memory ?? currentMemoryBudget());
}

function dataFiles(data: DataConfig): { path: string; role: DataFile['role'] }[] {
  const hasPair = data.train !== undefined || data.test !== undefined;
  if (data.path !== undefined && hasPair) {
    throw new DataError('data.path cannot be combined with data.train / data.test: use one file to split, or two files');
  }
  if (data.path !== undefined) return [{ path: data.path, role: 'data' }];
  if (data.train !== undefined && data.test !== undefined) {
    return [{ path: data.train, role: 'train' }, { path: data.test, role: 'test' }];
  }
  if (hasPair) throw new DataError(`data.${data.train === undefined ? 'train' : 'test'} is missing: give both data.train and data.test, or data.path`);
  throw new DataError('the data section needs data.path (one file to split) or data.train and data.test');
}

function checkSameColumns(train: DataFileFrame, test: DataFileFrame): void {
  const a = columnNames(train);
  const b = columnNames(test);
  const onlyTrain = a.filter((n) => !b.includes(n));
  const onlyTest = b.filter((n) => !a.includes(n));
  if (onlyTrain.length === 0 && onlyTest.length === 0) return;
  const parts = [
    onlyTrain.length ? `only in ${train.source}: ${showNames(onlyTrain)}` : '',
    onlyTest.length ? `only in ${test.source}: ${showNames(onlyTest)}` : '',
  ].filter(Boolean);
  throw new DataError(`data.train and data.test must have the same columns; ${parts.join('; ')}`);
}

function classIndices(frame: Frame, target: string, classes: readonly Label[], trim: boolean): Int32Array {
  const index = new Map(classes.map((l, i) => [labelKey(l), i]));
  const col = columnByName(frame, target)!;
  const out = new Int32Array(frame.rows);
  for (let r = 0; r < frame.rows; r++) {
    const l = cellLabel(col, r, trim) as Label;
    out[r] = index.get(labelKey(l)) ?? index.get(labelKey(String(l))) ?? 0;
  }
  return out;
}
