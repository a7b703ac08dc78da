import { modelParamsFor } from './modelParams';
import type { TrainConfig } from '../core/config/trainConfig';
import type { PreparedData } from '../core/data/prepareData';
import { summarizeFolds } from '../core/evaluation/cvSummary';
import { foldMatrices } from '../core/evaluation/foldData';
import { kFoldIndices, smallestClassBelow } from '../core/evaluation/kFold';
import { prefixMetrics, scoreModel } from '../core/evaluation/scoreModel';
import { createModel } from '../core/models/registry';
import { AbortError, throwIfAborted } from '../core/util/errors';
import { RUNLENS_VERSION } from '../core/version';
import type { RunStore } from '../store/runStore';
import type { ParamValue, RunRecord } from '../store/types';
import { MetricBuffer } from './metricBuffer';
import type { WorkerMessage } from './protocol';

export interface CrossValidationOptions {
  readonly store: RunStore;
  /** The run being trained; each fold becomes a child of it. */
  readonly parent: RunRecord;
  readonly config: TrainConfig & { readonly model: NonNullable<TrainConfig['model']>; readonly data: NonNullable<TrainConfig['data']> };
  readonly data: PreparedData;
  /** The parent's params, repeated on each fold (with the fold number) so folds filter like runs. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly positiveIndex?: number;
  readonly signal: AbortSignal;
  readonly emit: (message: WorkerMessage) => void;
  readonly log: (line: string) => void;
}

/** The settings of `evaluate` with their defaults applied. */
export interface CvSettings {
  readonly folds: number;
  readonly stratified: boolean;
  readonly seed: number;
}

/**
 * `evaluate.cv` resolved: stratified by default for classification (ignored
 * for regression), seeded by `evaluate.seed`, else the split seed, else the
 * master seed, else 42.
 */
export function cvSettings(config: TrainConfig, task: string): CvSettings | undefined {
  const cv = config.evaluate?.cv;
  if (cv === undefined) return undefined;
  return {
    folds: cv,
    stratified: task === 'classification' && (config.evaluate?.stratified ?? true),
    seed: config.evaluate?.seed ?? config.data?.split?.seed ?? config.seed ?? 42,
  };
}

/**
 * K-fold cross-validation on the training rows, in this process, one fold
 * after the other (deterministic, and the worker already is the unit of
 * parallelism). Each fold is a child run named `<run>-fold-<i>` (1-based)
 * tagged `runlens.kind=cv_fold`, with its fit curves and `val_<metric>`;
 * it ends `finished`, or `killed` / `failed` when the fold is cancelled or
 * throws (the error then propagates and ends the parent the same way).
 * Returns `cv_<metric>_mean` and `cv_<metric>_std` for the parent.
 */
export async function crossValidate(o: CrossValidationOptions, settings: CvSettings): Promise<Record<string, number>> {
  const { store, parent, data, config, signal } = o;
  const strata = settings.stratified ? data.ytrain : undefined;
  const folds = kFoldIndices(data.ytrain.length, { k: settings.folds, seed: settings.seed, ...(strata ? { strata } : {}) });
  const small = strata ? smallestClassBelow(strata, settings.folds) : undefined;
  if (small) o.log(`[cv] class ${String(data.classes?.[small.cls])} has ${small.rows} training rows, fewer than ${settings.folds} folds: some folds will not see it`);
  const perFold: Record<string, number>[] = [];
  for (const [i, fold] of folds.entries()) {
    throwIfAborted(signal);
    const n = i + 1;
    o.emit({ type: 'progress', runId: parent.id, phase: 'cv', step: n, total: folds.length, message: `fold ${n}/${folds.length}: ${fold.train.length} training rows, ${fold.validation.length} validation rows` });
    const run = store.createRun({
      experiment: parent.experimentId,
      name: `${parent.name}-fold-${n}`,
      parentId: parent.id,
      configPath: parent.configPath,
      config,
      gitCommit: parent.gitCommit,
      gitDirty: parent.gitDirty,
      pid: process.pid,
      status: 'running',
      runlensVersion: RUNLENS_VERSION,
      tags: { ...(config.tags ?? {}), 'runlens.kind': 'cv_fold', 'runlens.cv.fold': String(n), 'runlens.cv.folds': String(folds.length) },
    });
    const buffer = new MetricBuffer((points) => store.logMetrics(run.id, points));
    try {
      store.logParams(run.id, { ...o.params, 'cv.fold': n, 'cv.folds': folds.length, 'cv.stratified': settings.stratified, 'cv.seed': settings.seed });
      const m = foldMatrices(data.trainFrame, fold, config.data, data.task, data.classes);
      const model = createModel(config.model.type, modelParamsFor(config), data.task);
      await model.fit(m.Xtrain, m.ytrain, {
        task: data.task,
        nClasses: data.classes?.length,
        featureNames: m.featureNames,
        signal,
        onProgress: (p) => buffer.add(Object.entries(p.metrics).map(([key, value]) => ({ key, value, step: p.step }))),
      });
      buffer.flush();
      throwIfAborted(signal);
      const metrics = scoreModel(model, m.Xval, m.yval, { nClasses: data.classes?.length, positiveIndex: o.positiveIndex });
      store.logMetrics(run.id, Object.entries(prefixMetrics('val', metrics)).map(([key, value]) => ({ key, value, step: 0 })));
      store.setStatus(run.id, 'finished');
      perFold.push(metrics);
      o.log(`[cv] fold ${n}/${folds.length} ${Object.entries(metrics).map(([k, v]) => `val_${k}=${v}`).join(' ')}`);
    } catch (e) {
      safe(() => buffer.flush());
      const cancelled = e instanceof AbortError || signal.aborted;
      safe(() => store.setStatus(run.id, cancelled ? 'killed' : 'failed', { error: cancelled ? 'cancelled' : (e as Error).message }));
      throw e;
    }
  }
  return summarizeFolds(perFold);
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // Recording a fold's end must not hide the error that ended it.
  }
}
