import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/util/errors';
import { RUN_ID_RE } from '../store/ids';
import type { RunStore } from '../store/runStore';
import type { MetricPoint } from '../store/types';
import { isFileStore, openFileStore } from './fileStoreReader';
import { TAG_GIT_COMMIT, TAG_IMPORTED_RUN_ID, TAG_PARENT_RUN_ID } from './mlflowFormat';
import type { MlflowRun, MlflowSource } from './mlflowSource';
import { isSqliteFile, openSqliteStore } from './sqliteStoreReader';

/** Metric points written per call: bounded memory per statement batch, one transaction per run anyway. */
const METRIC_CHUNK = 5000;

export interface ImportOptions {
  /** Also import runs (and experiments) MLflow has marked deleted. */
  readonly includeDeleted?: boolean;
  /** Called after each run (imported or skipped). */
  readonly onProgress?: (p: ImportProgress) => void;
}

export interface ImportProgress {
  readonly done: number;
  readonly total: number;
  readonly experiment: string;
  readonly runId: string;
  readonly outcome: 'imported' | 'updated' | 'skipped' | 'deleted';
}

export interface ImportSummary {
  readonly source: string;
  readonly experiments: number;
  readonly imported: number;
  /** Runs already in the store that MLflow had carried on with: brought up to date. */
  readonly updated: number;
  /** Runs already in the store (by `mlflow.runId` tag or by id) with nothing new. */
  readonly skipped: number;
  /** Runs left out because MLflow marked them deleted. */
  readonly deletedSkipped: number;
  readonly metricPoints: number;
  readonly artifacts: number;
  readonly warnings: readonly string[];
}

/** Opens `p` as an MLflow file store (a folder) or SQLite tracking database (a file). */
export function openMlflowSource(p: string): MlflowSource {
  const abs = path.resolve(p);
  if (!fs.existsSync(abs)) throw new UserError(`${p} does not exist (expected an mlruns folder or an MLflow SQLite database)`);
  if (fs.statSync(abs).isDirectory()) {
    if (isFileStore(abs)) return openFileStore(abs);
    const nested = path.join(abs, 'mlruns');
    if (isFileStore(nested)) return openFileStore(nested);
    throw new UserError(
      `${p} is not an MLflow file store: expected experiment folders holding meta.yaml (<dir>/<experiment id>/meta.yaml, e.g. mlruns/0/meta.yaml)`,
    );
  }
  if (isSqliteFile(abs)) return openSqliteStore(abs);
  throw new UserError(`${p} is not an MLflow store: expected an mlruns folder or an MLflow SQLite database (mlflow.db)`);
}

/**
 * Copies the files under `dir` into the run's artifacts, keeping relative
 * paths; with `known` (path → size of what the run has), only files that are
 * new or whose size changed. Returns the count copied.
 */
function importArtifacts(store: RunStore, runId: string, dir: string, known?: ReadonlyMap<string, number>): number {
  let n = 0;
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(child);
      else if (d.isFile()) {
        const file = path.join(dir, child);
        if (known && known.get(child) === fs.statSync(file).size) continue;
        store.logArtifact(runId, child, { file });
        n++;
      }
    }
  };
  walk('');
  return n;
}

interface RunUpdate {
  readonly changed: boolean;
  readonly points: number;
  readonly artifacts: number;
}

/**
 * Brings an imported run up to date with MLflow's copy, which may have grown
 * since (MLflow continued the run): the points of each series past the ones
 * already here (series are append-only, in logging order), new params, tags
 * whose value changed, the name, the final status and end time, and new or
 * changed artifact files. A param MLflow has with another value (params are
 * immutable here) is a warning.
 */
function updateRun(store: RunStore, localId: string, run: MlflowRun, warnings: string[]): RunUpdate {
  const local = store.getRun(localId);
  const counts = new Map(store.getMetricSummaries(localId).map((m) => [m.key, m.count]));
  const byKey = new Map<string, MetricPoint[]>();
  for (const p of run.metrics) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  const newPoints: MetricPoint[] = [];
  for (const [key, points] of byKey) {
    const have = counts.get(key) ?? 0;
    if (points.length > have) newPoints.push(...points.slice(have));
    else if (points.length < have) warnings.push(`run ${localId.slice(0, 8)}: metric ${key} has ${have} points here but ${points.length} in MLflow; kept the ones here`);
  }
  const params = store.getParams(localId);
  const newParams: Record<string, string> = {};
  for (const [k, v] of Object.entries(run.params)) {
    if (params[k] === undefined) newParams[k] = v;
    else if (params[k] !== v) warnings.push(`run ${localId.slice(0, 8)}: param ${k} is '${v}' in MLflow but '${params[k]}' here; params do not change, kept '${params[k]}'`);
  }
  const tags = store.getTags(localId);
  const wanted: Record<string, string> = { ...run.tags, [TAG_IMPORTED_RUN_ID]: run.runId };
  const newTags = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => tags[k] !== v));
  // A run MLflow still calls RUNNING keeps the state the store gave it (failed once its process is gone).
  const statusChanged = run.status !== 'running' && run.status !== 'queued' && (run.status !== local.status || run.endTime !== local.endedAt);
  const renamed = run.name !== null && run.name !== local.name;
  const changed = newPoints.length > 0 || Object.keys(newParams).length > 0 || Object.keys(newTags).length > 0 || statusChanged || renamed;
  if (changed) {
    store.transaction(() => {
      if (Object.keys(newParams).length) store.logParams(localId, newParams);
      for (let i = 0; i < newPoints.length; i += METRIC_CHUNK) store.logMetrics(localId, newPoints.slice(i, i + METRIC_CHUNK));
      if (Object.keys(newTags).length) store.setTags(localId, newTags);
      if (renamed) store.rename(localId, run.name!);
      if (statusChanged) store.setStatus(localId, run.status, { endedAt: run.endTime ?? undefined, error: null });
    });
  }
  const known = new Map(store.listArtifacts(localId).map((a) => [a.path, a.size]));
  const artifacts = run.artifactDir ? importArtifacts(store, localId, run.artifactDir, known) : 0;
  return { changed: changed || artifacts > 0, points: newPoints.length, artifacts };
}

/** The RunLens id an MLflow run id keeps, when it has RunLens's format (uuid4 hex does). */
function keptId(runId: string): string | undefined {
  return RUN_ID_RE.test(runId) ? runId : undefined;
}

/**
 * Imports an MLflow store into `store`. Idempotent: a run whose MLflow id is
 * already there (tag `mlflow.runId`, or the same run id) is brought up to
 * date when MLflow continued it (see updateRun) and skipped otherwise, so a
 * second import only adds what is new. Each run is one transaction (row,
 * params, tags, metrics); artifacts follow it. Parents (`mlflow.parentRunId`)
 * are linked once every run is in, whatever order the runs came in.
 */
export function importMlflow(store: RunStore, source: MlflowSource, opts: ImportOptions = {}): ImportSummary {
  const includeDeleted = opts.includeDeleted ?? false;
  const experiments = source.experiments.filter((e) => includeDeleted || !e.deleted);
  const plan = experiments.flatMap((e) => source.runIds(e.id).map((runId) => ({ exp: e, runId })));
  let done = 0;
  let imported = 0;
  let updated = 0;
  let skipped = 0;
  let deletedSkipped = 0;
  let metricPoints = 0;
  let artifacts = 0;
  /** MLflow run id → RunLens run id, for parent links (this import and earlier ones). */
  const idMap = new Map<string, string>();
  const needsParent: { runId: string; parent: string }[] = [];
  const usedExperiments = new Set<string>();
  const updateWarnings: string[] = [];

  for (const { exp, runId } of plan) {
    const report = (outcome: ImportProgress['outcome']) => opts.onProgress?.({ done: ++done, total: plan.length, experiment: exp.name, runId, outcome });
    const importedId = store.findRunIdsByTag(TAG_IMPORTED_RUN_ID, runId)[0];
    const existing = importedId ?? (keptId(runId) && store.findRun(runId)?.id === runId ? runId : undefined);
    if (existing && importedId === undefined) {
      // The same id without the import tag: a RunLens run exported or pushed to MLflow, not a copy of MLflow's.
      idMap.set(runId, existing);
      skipped++;
      report('skipped');
      continue;
    }
    const run: MlflowRun = source.readRun(exp.id, runId);
    if (existing) {
      idMap.set(runId, existing);
      const u = updateRun(store, existing, run, updateWarnings);
      metricPoints += u.points;
      artifacts += u.artifacts;
      if (u.changed) updated++;
      else skipped++;
      report(u.changed ? 'updated' : 'skipped');
      continue;
    }
    if (run.deleted && !includeDeleted) {
      deletedSkipped++;
      report('deleted');
      continue;
    }
    const created = store.transaction(() => {
      const rec = store.createRunAt({
        experiment: exp.name,
        id: keptId(run.runId),
        name: run.name ?? undefined,
        status: run.status,
        createdAt: run.startTime ?? exp.creationTime ?? Date.now(),
        startedAt: run.startTime,
        endedAt: run.endTime,
        gitCommit: run.tags[TAG_GIT_COMMIT] ?? null,
        tags: { ...run.tags, [TAG_IMPORTED_RUN_ID]: run.runId },
      });
      if (Object.keys(run.params).length > 0) store.logParams(rec.id, run.params);
      for (let i = 0; i < run.metrics.length; i += METRIC_CHUNK) store.logMetrics(rec.id, run.metrics.slice(i, i + METRIC_CHUNK));
      return rec;
    });
    idMap.set(run.runId, created.id);
    usedExperiments.add(exp.name);
    const parent = run.tags[TAG_PARENT_RUN_ID];
    if (parent) needsParent.push({ runId: created.id, parent });
    metricPoints += run.metrics.length;
    if (run.artifactDir) artifacts += importArtifacts(store, created.id, run.artifactDir);
    imported++;
    report('imported');
  }

  const warnings = [...source.warnings, ...updateWarnings];
  for (const { runId, parent } of needsParent) {
    const parentId = idMap.get(parent) ?? store.findRunIdsByTag(TAG_IMPORTED_RUN_ID, parent)[0];
    if (parentId) store.setParent(runId, parentId);
    else warnings.push(`run ${runId.slice(0, 8)}: parent ${parent} was not imported; kept at the top level`);
  }
  return { source: source.description, experiments: usedExperiments.size, imported, updated, skipped, deletedSkipped, metricPoints, artifacts, warnings };
}
