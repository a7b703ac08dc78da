/**
 * How an MLflow run becomes a RunLens run, for every way one arrives: a pull
 * from a tracking server (pullRuns.ts) and, meant to move here too, the
 * import of an MLflow store (src/mlflow/importer.ts does the same inline).
 * One place says which MLflow fields and system tags fill which run column.
 */
import type { WireRun } from '../../mlflow/client/mlflowWire';
import { fromMlflowStatus, TAG_GIT_COMMIT, TAG_RUN_NAME } from '../../mlflow/mlflowFormat';
import { RUN_ID_RE } from '../../store/ids';
import type { RunStatus } from '../../store/types';
import { TAG_NOTE } from '../mlflowRows';

/** The tag `runlens push` writes with the pushing RunLens's version (pushRuns.ts systemTags). */
export const TAG_RUNLENS_VERSION = 'runlens.version';

/** What the mapping reads of an MLflow run (the importer's `MlflowRun` has these fields too). */
export interface MlflowRunFacts {
  readonly runId: string;
  /** The run name, else null (then the `mlflow.runName` tag is used). */
  readonly name: string | null;
  readonly status: RunStatus;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly tags: Readonly<Record<string, string>>;
}

/** The columns of the RunLens run (as `RunStore.createRunAt` takes them, less experiment and tags). */
export interface MappedRun {
  /** The MLflow id when it has RunLens's format (MLflow's uuid4 hex does), else undefined: a new id. */
  readonly id: string | undefined;
  readonly name: string | undefined;
  readonly status: RunStatus;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly gitCommit: string | null;
  readonly runlensVersion: string | null;
  /** MLflow's run description (`mlflow.note.content`), RunLens's note. */
  readonly note: string | null;
}

/** The RunLens id an MLflow run id keeps, when it has RunLens's format. */
export function keptRunId(mlflowRunId: string): string | undefined {
  return RUN_ID_RE.test(mlflowRunId) ? mlflowRunId : undefined;
}

/** The RunLens run for an MLflow run; `fallbackCreatedAt` when MLflow has no start time (the experiment's creation, or now). */
export function mapMlflowRun(run: MlflowRunFacts, fallbackCreatedAt: number): MappedRun {
  return {
    id: keptRunId(run.runId),
    name: run.name?.trim() || run.tags[TAG_RUN_NAME]?.trim() || undefined,
    status: run.status,
    createdAt: run.startTime ?? fallbackCreatedAt,
    startedAt: run.startTime,
    endedAt: run.endTime,
    gitCommit: run.tags[TAG_GIT_COMMIT] ?? null,
    runlensVersion: run.tags[TAG_RUNLENS_VERSION] ?? null,
    note: run.tags[TAG_NOTE] ?? null,
  };
}

/** A tracking server's run record as {@link MlflowRunFacts}; an unknown status from a newer MLflow reads as running. */
export function wireRunFacts(run: WireRun): MlflowRunFacts {
  const { info } = run;
  return {
    runId: info.runId, name: info.runName || null, status: fromMlflowStatus(info.status) ?? 'running',
    startTime: info.startTime, endTime: info.endTime, tags: run.tags,
  };
}
