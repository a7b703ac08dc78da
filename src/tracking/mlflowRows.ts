/**
 * MLflow's run records as RunLens rows: statuses, the system tags RunLens
 * reads (`mlflow.parentRunId`, `mlflow.source.git.commit`,
 * `mlflow.note.content`), dataset inputs, and experiment ids kept as the
 * strings MLflow gives (`experimentKey`).
 */
import type { WireDatasetInput, WireExperiment, WireRun } from '../mlflow/client/mlflowWire';
import { fromMlflowStatus, TAG_GIT_COMMIT, TAG_PARENT_RUN_ID } from '../mlflow/mlflowFormat';
import type { InputRole } from '../store/types';
import type { EvalInput, EvalRun } from './runFields';
import type { SourceExperiment, SourceInput, SourceRunRow } from './runSource';

/** MLflow's tag for a run's description (its UI's "Description"). */
export const TAG_NOTE = 'mlflow.note.content';
/** MLflow's tag for what a dataset was used for (`training`, `eval`, …). */
export const TAG_DATASET_CONTEXT = 'mlflow.data.context';

/** The number of an MLflow experiment id where it is a safe integer, else -1 (use the key). */
export function experimentNumber(key: string): number {
  const n = /^\d+$/.test(key) ? Number(key) : NaN;
  return Number.isSafeInteger(n) ? n : -1;
}

export function toSourceExperiment(e: WireExperiment): SourceExperiment {
  return { key: e.experimentId, name: e.name, createdAt: e.creationTime, runCount: null, lastRunAt: null };
}

/** A run of an experiment named `experiment`, as a RunLens row. */
export function toSourceRow(run: WireRun, experiment: string): SourceRunRow {
  const { info, tags } = run;
  const metrics: Record<string, number> = {};
  for (const m of run.metrics) metrics[m.key] = m.value;
  return {
    id: info.runId,
    experimentId: experimentNumber(info.experimentId),
    experimentKey: info.experimentId,
    experiment,
    name: info.runName || tags['mlflow.runName'] || '',
    // An unknown status from a newer MLflow reads as running: not finished, not failed.
    status: fromMlflowStatus(info.status) ?? 'running',
    parentId: tags[TAG_PARENT_RUN_ID] || null,
    configPath: null,
    configJson: null,
    gitCommit: tags[TAG_GIT_COMMIT] ?? null,
    gitDirty: null,
    createdAt: info.startTime ?? 0,
    startedAt: info.startTime,
    endedAt: info.endTime,
    heartbeatAt: null,
    pid: null,
    host: null,
    starred: false,
    note: tags[TAG_NOTE] ?? null,
    error: null,
    runlensVersion: null,
    user: info.userId || null,
    params: run.params,
    metrics,
    tags,
  };
}

/** MLflow's free-text dataset context as a RunLens role: training → train, test(ing) → test, anything else → eval. */
export function roleOf(context: string | undefined): InputRole {
  const c = (context ?? '').toLowerCase();
  if (c.startsWith('train')) return 'train';
  if (c.startsWith('test')) return 'test';
  return 'eval';
}

/** Where a dataset came from: its source's uri (MLflow keeps the source as JSON), else its name. */
export function datasetPath(d: WireDatasetInput): string {
  try {
    const s = JSON.parse(d.source) as Record<string, unknown>;
    for (const k of ['uri', 'url', 'path']) if (typeof s[k] === 'string' && s[k]) return s[k] as string;
  } catch {
    // not JSON: fall back to the name
  }
  return d.name;
}

function profileRows(d: WireDatasetInput): number | null {
  try {
    const p = JSON.parse(d.profile ?? '') as Record<string, unknown>;
    return typeof p.num_rows === 'number' ? p.num_rows : null;
  } catch {
    return null;
  }
}

export function toSourceInputs(run: WireRun): SourceInput[] {
  return run.inputs.map((d) => ({ runId: run.info.runId, fingerprint: d.digest, role: roleOf(d.tags[TAG_DATASET_CONTEXT]), path: datasetPath(d), rows: profileRows(d) }));
}

/** The run as the filter evaluator reads it. Row and column counts stay unknown: filters on them are refused remotely. */
export function toEvalRun(run: WireRun, row: SourceRunRow): EvalRun {
  const inputs: EvalInput[] = run.inputs.map((d) => ({ fingerprint: d.digest, path: datasetPath(d), role: roleOf(d.tags[TAG_DATASET_CONTEXT]), rows: null, columns: null }));
  return { row, inputs };
}
