import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/util/errors';
import { RUN_ID_RE } from '../store/ids';
import type { RunStore } from '../store/runStore';
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
  readonly outcome: 'imported' | 'skipped' | 'deleted';
}

export interface ImportSummary {
  readonly source: string;
  readonly experiments: number;
  readonly imported: number;
  /** Runs already in the store (by `mlflow.runId` tag or by id). */
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

/** Copies every file under `dir` into the run's artifacts, keeping relative paths; returns the count. */
function importArtifacts(store: RunStore, runId: string, dir: string): number {
  let n = 0;
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(child);
      else if (d.isFile()) {
        store.logArtifact(runId, child, { file: path.join(dir, child) });
        n++;
      }
    }
  };
  walk('');
  return n;
}

/** The RunLens id an MLflow run id keeps, when it has RunLens's format (uuid4 hex does). */
function keptId(runId: string): string | undefined {
  return RUN_ID_RE.test(runId) ? runId : undefined;
}

/**
 * Imports an MLflow store into `store`. Idempotent: a run whose MLflow id is
 * already there (tag `mlflow.runId`, or the same run id) is skipped, so a
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
  let skipped = 0;
  let deletedSkipped = 0;
  let metricPoints = 0;
  let artifacts = 0;
  /** MLflow run id → RunLens run id, for parent links (this import and earlier ones). */
  const idMap = new Map<string, string>();
  const needsParent: { runId: string; parent: string }[] = [];
  const usedExperiments = new Set<string>();

  for (const { exp, runId } of plan) {
    const report = (outcome: ImportProgress['outcome']) => opts.onProgress?.({ done: ++done, total: plan.length, experiment: exp.name, runId, outcome });
    const existing = store.findRunIdsByTag(TAG_IMPORTED_RUN_ID, runId)[0] ?? (keptId(runId) && store.findRun(runId)?.id === runId ? runId : undefined);
    if (existing) {
      idMap.set(runId, existing);
      skipped++;
      report('skipped');
      continue;
    }
    const run: MlflowRun = source.readRun(exp.id, runId);
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

  const warnings = [...source.warnings];
  for (const { runId, parent } of needsParent) {
    const parentId = idMap.get(parent) ?? store.findRunIdsByTag(TAG_IMPORTED_RUN_ID, parent)[0];
    if (parentId) store.setParent(runId, parentId);
    else warnings.push(`run ${runId.slice(0, 8)}: parent ${parent} was not imported; kept at the top level`);
  }
  return { source: source.description, experiments: usedExperiments.size, imported, skipped, deletedSkipped, metricPoints, artifacts, warnings };
}
