import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { RunStore } from '../store/runStore';
import type { TrainConfig } from '../core/config/trainConfig';
import { ConfigError } from '../core/config/parseConfig';
import { prepareData } from '../core/data/prepareData';
import { formatBytes, formatCount } from '../core/util/memory';
import { createModel } from '../core/models/registry';
import { MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_VERSION, type ModelPackage } from '../core/package/modelPackage';
import { RUNLENS_VERSION } from '../core/version';
import { AbortError, throwIfAborted } from '../core/util/errors';
import type { TrainRequest, WorkerMessage, WorkerError } from './protocol';
import { MetricBuffer } from './metricBuffer';
import { paramsForConfig } from './runParams';
import { evaluateModel } from './evaluate';
import { groupRows, sliceSpecs } from '../core/evaluation/slices/sliceGroups';
import { resolveClean } from '../core/data/clean';
import { toWorkerError } from './workerError';
import { crossValidate, cvSettings } from './trainFolds';
import { loadTrainConfig } from './loadTrainConfig';
import { modelParamsFor } from './modelParams';
import { failQueuedRun } from './queuedRuns';
import { startRun } from './startRun';
import { trainCommand } from './command/commandTrain';
import type { OutputStream } from './command/commandRunner';
import { snapshotDatasetFile, snapshotLimitBytes } from '../datasets/snapshot';
import { recordQuerySnapshot, resolveSqlData } from '../datasets/sql/sqlSources';
import type { SqlData } from '../datasets/sql/sqlSources';
import { startRunSystemMetrics } from './system/runSystemMetrics';

export interface TrainRunOptions {
  readonly store: RunStore;
  readonly request: TrainRequest;
  readonly emit: (message: WorkerMessage) => void;
  readonly signal: AbortSignal;
  /** The run's captured stdout/stderr, saved as `logs/train.log`. */
  readonly readLog?: () => string;
  readonly heartbeatMs?: number;
  /** Human-readable lines about the run (the worker prints them to stdout). */
  readonly log?: (line: string) => void;
  /** A command run's output lines; default this process's stdout / stderr. */
  readonly onCommandOutput?: (line: string, stream: OutputStream) => void;
}


/** Set on a run whose fit ended with a warning (e.g. L-BFGS stopped at max_iter), as one line. */
export const FIT_WARNING_TAG = 'runlens.fit.warning';
/**
 * Trains one config end to end inside the current process and records
 * everything in the store: run, params, dataset inputs, metric curves, final
 * metrics, artifacts and the model package. Never throws: the outcome is
 * reported through `emit` and the run's status.
 */
export async function trainRun(options: TrainRunOptions): Promise<void> {
  const { store, request, signal } = options;
  const log = options.log ?? (() => undefined);
  const emit = (message: WorkerMessage) => {
    if (message.type === 'progress' && message.message) log(`[${message.phase}] ${message.message}`);
    if (message.type === 'failed') log(`[error] ${message.error.message}`);
    options.emit(message);
  };
  let config: TrainConfig;
  try {
    config = loadTrainConfig(request.configPath, request.overrides);
    if (config.command !== undefined) {
      // The script's output is the log; the worker's own progress lines would only repeat it.
      await trainCommand({ store, request, config, emit: options.emit, signal, heartbeatMs: options.heartbeatMs, onLine: options.onCommandOutput });
      return;
    }
    if (!config.model || !config.data) {
      throw new ConfigError(request.configPath, [], 'a training config needs `model` and `data`');
    }
  } catch (e) {
    const error = toWorkerError(e);
    if (request.runId) safe(() => failQueuedRun(store, request.runId!, error.message));
    emit({ type: 'failed', ...(request.runId ? { runId: request.runId } : {}), error });
    return;
  }

  const configDir = dirname(request.configPath);
  const run = await startRun(store, request, config, emit);
  if (!run) return;

  const heartbeat = setInterval(() => store.heartbeat(run.id), options.heartbeatMs ?? 5000);
  heartbeat.unref();
  const buffer = new MetricBuffer((points) => store.logMetrics(run.id, points));
  // This process is the run's tree (a sweep trial's worker samples itself). A sample that cannot be written is dropped, not fatal.
  const system = startRunSystemMetrics({ rootPid: process.pid, config: config.system_metrics, add: (points) => safe(() => buffer.add(points)) });
  let lastBeat = Date.now();
  let sql: SqlData | undefined;
  try {
    emit({ type: 'progress', runId: run.id, phase: 'data', message: 'loading data' });
    // A query's rows become a Parquet file first (its kept snapshot, or a fresh result), read like any data file.
    sql = await resolveSqlData(config.data, {
      store, refresh: request.refreshData === true, baseDir: configDir, workspace: dirname(store.paths.dir), env: process.env, log,
    });
    const data = await prepareData(config.data, configDir, {
      ...(sql ? { sources: sql.sources } : {}),
      task: config.task,
      seed: config.seed,
      // The estimate can be wrong: RUNLENS_MEMORY_CHECK=off tries anyway (a run that then dies of memory is marked failed, saying so).
      ...(process.env.RUNLENS_MEMORY_CHECK === 'off' ? { memory: 'unchecked' as const } : {}),
      onEstimate: (file, e) => emit({
        type: 'progress', runId: run.id, phase: 'data',
        message: `loading ${file}: ${formatBytes(e.fileBytes)}, about ${formatCount(e.rows)} rows, needs about ${formatBytes(e.totalBytes)} of memory`,
      }),
    });
    log(`[data] ${data.Xtrain.rows} training rows, ${data.Xtest.rows} test rows, ${data.featureNames.length} features, task ${data.task}`);
    const { missingTarget, missingValues, infiniteValues } = data.dropped;
    const dropped = [[missingTarget, 'without a target'], [missingValues, 'with a missing value'], [infiniteValues ?? 0, 'with an infinite value']]
      .filter(([n]) => Number(n) > 0).map(([n, why]) => `${n} ${why}`);
    if (dropped.length > 0) log(`[data] dropped rows: ${dropped.join(', ')}`);
    const snapshotLimit = snapshotLimitBytes(process.env);
    if (snapshotLimit.warning) log(`[data] ${snapshotLimit.warning}`);
    for (const file of data.files) {
      const fp = file.fingerprint;
      const query = sql?.sources.find((q) => q.role === file.role);
      if (query) {
        // Recorded under its source + query; the snapshot is the version's only copy, so it is kept whatever the limit.
        store.datasets.logInput(run.id, { fingerprint: fp.sha256, path: file.path, rows: fp.rows, columns: fp.columns, schema: fp.schema, stats: fp.stats }, file.role === 'test' ? 'test' : 'train');
        recordQuerySnapshot(store, fp.sha256, query.file);
        continue;
      }
      const path = datasetPath(store.paths.dir, configDir, file.path);
      // One call upserts the dataset and links it, so a concurrent gc cannot drop the row in between.
      // A single file feeds both splits; it is recorded as the training input.
      store.datasets.logInput(run.id, { fingerprint: fp.sha256, path, rows: fp.rows, columns: fp.columns, schema: fp.schema, stats: fp.stats }, file.role === 'test' ? 'test' : 'train');
      recordSnapshot(store, fp.sha256, resolve(configDir, file.path), path, snapshotLimit.bytes, log);
    }
    const params = paramsForConfig(config, data.task);
    const cv = cvSettings(config, data.task);
    store.logParams(run.id, cv ? { ...params, 'cv.folds': cv.folds, 'cv.stratified': cv.stratified, 'cv.seed': cv.seed } : params);
    throwIfAborted(signal);

    // Checked before any fit, so a typo does not cost a training.
    const positive = config.data.positive;
    const positiveIndex = positive === undefined ? undefined : data.classes?.findIndex((c) => String(c) === String(positive));
    if (positiveIndex === -1) {
      throw new ConfigError(request.configPath, [], `data.positive "${String(positive)}" is not a class of ${config.data.target} (classes: ${data.classes?.join(', ')})`);
    }
    // The test rows as read, grouped by each slice column (a feature or not); a missing column fails here, before the fit.
    const slices = sliceSpecs(config.evaluate?.slices).map((spec) => groupRows(data.testFrame, spec, resolveClean(config.data?.clean).trim));

    if (cv) {
      const summary = await crossValidate({ store, parent: run, config: { ...config, model: config.model, data: config.data }, data, params, positiveIndex, signal, emit, log }, cv);
      store.logMetrics(run.id, Object.entries(summary).map(([key, value]) => ({ key, value, step: 0 })));
      log(`[cv] ${Object.entries(summary).filter(([k]) => k.endsWith('_mean')).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      throwIfAborted(signal);
    }

    const modelParams = modelParamsFor(config);
    const model = createModel(config.model.type, modelParams, data.task);
    emit({ type: 'progress', runId: run.id, phase: 'fit', message: `fitting ${config.model.type} on ${data.Xtrain.rows} rows` });
    await model.fit(data.Xtrain, data.ytrain, {
      task: data.task,
      nClasses: data.classes?.length,
      featureNames: data.featureNames,
      signal,
      // As scikit-learn warns (a ConvergenceWarning): in the log, and as a tag the Runs view and `show` list.
      onWarning: (message) => {
        const line = message.replace(/\n+/g, ' ');
        log(`[fit] warning: ${line}`);
        store.setTags(run.id, { [FIT_WARNING_TAG]: line });
      },
      onProgress: (p) => {
        if (p.step === 1 || p.step % 10 === 0 || p.step === p.total) {
          log(`[fit] step ${p.step}${p.total ? `/${p.total}` : ''} ${Object.entries(p.metrics).map(([k, v]) => `${k}=${v}`).join(' ')}`);
        }
        buffer.add(Object.entries(p.metrics).map(([key, value]) => ({ key, value, step: p.step })));
        if (p.epoch) buffer.flush();
        emit({ type: 'progress', runId: run.id, phase: 'fit', step: p.step, total: p.total, metrics: p.metrics });
        const now = Date.now();
        if (now - lastBeat > 2000) {
          lastBeat = now;
          store.heartbeat(run.id);
        }
      },
    });
    buffer.flush();
    buffer.dispose();
    const tags = model.runTags?.();
    if (tags && Object.keys(tags).length > 0) store.setTags(run.id, tags);
    throwIfAborted(signal);

    emit({ type: 'progress', runId: run.id, phase: 'evaluate', message: 'scoring' });
    const evaluation = evaluateModel({
      model,
      Xtrain: data.Xtrain,
      ytrain: data.ytrain,
      Xtest: data.Xtest,
      ytest: data.ytest,
      classes: data.classes,
      positiveIndex,
      featureNames: data.featureNames,
      seed: config.evaluate?.seed ?? config.data.split?.seed ?? config.seed ?? 42,
      testLines: (data.testFrame as { lines?: Uint32Array }).lines,
      slices,
    });
    store.logMetrics(run.id, Object.entries(evaluation.metrics).map(([key, value]) => ({ key, value, step: 0 })));

    emit({ type: 'progress', runId: run.id, phase: 'save', message: 'saving model' });
    for (const artifact of evaluation.artifacts) store.logArtifact(run.id, artifact.path, artifact.content, artifact.kind);
    const pkg: ModelPackage = {
      format: MODEL_PACKAGE_FORMAT,
      version: MODEL_PACKAGE_VERSION,
      task: data.task,
      target: config.data.target,
      classes: data.classes,
      inputColumns: data.preprocessor.inputColumns,
      featureNames: data.featureNames,
      preprocessor: data.preprocessor.toJSON(),
      model: model.toJSON(),
      runId: run.id,
      createdAt: Date.now(),
      runlensVersion: RUNLENS_VERSION,
    };
    store.logArtifact(run.id, 'model/model.json', JSON.stringify(pkg), 'model');
    log(`[done] ${Object.entries(evaluation.metrics).filter(([k]) => k.startsWith('test_')).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    await system?.stop();
    safe(() => buffer.flush());
    saveLog(options, run.id);
    store.setStatus(run.id, 'finished');
    emit({ type: 'finished', runId: run.id, status: 'finished', metrics: evaluation.metrics, maxRssKb: process.resourceUsage().maxRSS });
  } catch (e) {
    await system?.stop().catch(() => undefined);
    safe(() => buffer.flush());
    buffer.dispose();
    saveLog(options, run.id);
    if (e instanceof AbortError || signal.aborted) {
      log('[cancelled] stopped on request');
      safe(() => store.setStatus(run.id, 'killed', { error: 'cancelled' }));
      emit({ type: 'finished', runId: run.id, status: 'killed', metrics: {}, maxRssKb: process.resourceUsage().maxRSS });
    } else {
      const error: WorkerError = withAbsoluteFile(toWorkerError(e), configDir);
      safe(() => store.setStatus(run.id, 'failed', { error: error.message }));
      emit({ type: 'failed', runId: run.id, error });
    }
  } finally {
    void system?.stop().catch(() => undefined);
    clearInterval(heartbeat);
    sql?.dispose();
  }
}

/**
 * The dataset path recorded with a run: relative to the workspace that holds
 * the store (so it reads the same on every machine), absolute outside it.
 */
function datasetPath(storeDir: string, configDir: string, file: string): string {
  const abs = resolve(configDir, file);
  const rel = relative(dirname(storeDir), abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

/**
 * Keeps a copy of the data file so this version can be diffed after the file
 * changes (see src/datasets/snapshot.ts). A failure here costs the run nothing
 * but that copy, so it is logged, not thrown.
 */
function recordSnapshot(store: RunStore, sha256: string, file: string, shown: string, limit: number, log: (line: string) => void): void {
  try {
    const outcome = snapshotDatasetFile(store, sha256, file, limit);
    if (outcome === 'too-large') log(`[data] ${shown} is over the ${Math.round(limit / 1048576)} MB snapshot limit; this version is kept only as its fingerprint`);
    else if (outcome === 'changed') log(`[data] ${shown} changed while the run read it; no snapshot kept`);
  } catch (e) {
    log(`[data] could not keep a snapshot of ${shown}: ${(e as Error).message}`);
  }
}

/** Data errors name the file as the config wrote it; editors need it absolute. */
function withAbsoluteFile(error: WorkerError, configDir: string): WorkerError {
  return error.file && !isAbsolute(error.file) ? { ...error, file: resolve(configDir, error.file) } : error;
}

function saveLog(options: TrainRunOptions, runId: string): void {
  const text = options.readLog?.();
  if (text) safe(() => options.store.logArtifact(runId, 'logs/train.log', text, 'log'));
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // Recording the outcome must not hide the original error.
  }
}
