/**
 * One read interface for runs, whichever engine holds them: the workspace
 * store (`LocalRunSource`) or a team's MLflow tracking server
 * (`MlflowRunSource`). Views and CLI commands read through it and never
 * special-case a remote run: both give the store's record types
 * (`RunRow`, `MetricSummary`, `MetricHistory`, `DownsampledMetric`), and the
 * filter and sort language means the same on both (see remoteFilter.ts).
 *
 * What a run read from MLflow cannot have (RunLens records it, MLflow does
 * not) is null or false on its row: `pid`, `host`, `heartbeatAt`,
 * `configPath`, `configJson`, `gitDirty`, `error`, `runlensVersion`, and
 * `starred` is false. `note` is MLflow's `mlflow.note.content` tag, `gitCommit`
 * its `mlflow.source.git.commit` tag, `parentId` its `mlflow.parentRunId` tag,
 * `createdAt` its start time. A RUNNING run on a server stays `running` until
 * its client ends it: RunLens cannot check another machine's process.
 */
import type { FilterExpr, SortKey } from '../core/query/ast';
import type { DownsampledMetric } from '../store/downsample';
import type { InputRole, MetricHistory, MetricSummary, RunRow, StepRange } from '../store/types';

/** A run as every source lists it: the store's `RunRow` plus what identifies it across sources. */
export interface SourceRunRow extends RunRow {
  /**
   * The experiment's id as its source spells it: the store's integer as text,
   * or MLflow's experiment id (a string that may exceed 2^53). `experimentId`
   * is that number where it is a safe integer, else -1.
   */
  readonly experimentKey: string;
  /** Who ran it: MLflow's `user_id`; null for local runs (RunLens records no user). */
  readonly user: string | null;
}

/** An experiment with what is cheap to know about it. */
export interface SourceExperiment {
  /** Same meaning as {@link SourceRunRow.experimentKey}. */
  readonly key: string;
  readonly name: string;
  /** Null when the source does not say (an MLflow experiment created before 1.29). */
  readonly createdAt: number | null;
  /** Null where counting would mean reading every run (a remote server). */
  readonly runCount: number | null;
  /** `createdAt` of the newest run; null when empty or not cheap to know. */
  readonly lastRunAt: number | null;
}

/** What {@link RunSource.searchRuns} takes: the store's `ListRunsQuery` plus paging by token. */
export interface RunQuery {
  /** Filter AST or text in RunLens's filter language (blank: every run). */
  readonly filter?: FilterExpr | string;
  /** Sort keys or text such as `metrics.acc DESC, attributes.start_time`; default newest first. */
  readonly sort?: readonly SortKey[] | string;
  /** Only runs of the experiment with this name. */
  readonly experiment?: string;
  /** A run id: only its children; null: only top-level runs; undefined: all. */
  readonly parentId?: string | null;
  /** Rows per page; undefined: every matching run in one page. */
  readonly limit?: number;
  /** The `nextPageToken` of the previous page of the same query. */
  readonly pageToken?: string;
}

export interface RunPage {
  readonly rows: readonly SourceRunRow[];
  /** Absent when there is nothing after this page; a remote token may lead to an empty last page. */
  readonly nextPageToken?: string;
}

/** A run's file. */
export interface SourceArtifact {
  readonly runId: string;
  /** Path inside the run, e.g. `model/model.json`. */
  readonly path: string;
  /** Bytes; null when the server does not say. */
  readonly size: number | null;
  /** Content hash; null on MLflow, which keeps none. */
  readonly sha256: string | null;
  /** RunLens's artifact kind (`file`, `model`, …); `file` for MLflow artifacts. */
  readonly kind: string;
  /** Null on MLflow, which keeps no time per file. */
  readonly createdAt: number | null;
}

/** A dataset a run read, with its row count where the source knows it. */
export interface SourceInput {
  readonly runId: string;
  /** The store's fingerprint; MLflow's dataset digest. */
  readonly fingerprint: string;
  /** `train`, `test` or `eval`; MLflow's `mlflow.data.context` tag mapped onto them (see mlflowRows.ts). */
  readonly role: InputRole;
  /** The file; for MLflow the dataset source's uri, else its name. */
  readonly path: string;
  readonly rows: number | null;
}

/** Everything `show` needs about one run. */
export interface RunDetails {
  readonly run: SourceRunRow;
  /** Per metric key, sorted by key. A remote run's min/max/count come from its full histories. */
  readonly metrics: readonly MetricSummary[];
  readonly artifacts: readonly SourceArtifact[];
  readonly inputs: readonly SourceInput[];
}

/** A read-only view of runs; every method may reject with a one-line error naming the source. */
export interface RunSource {
  readonly kind: 'local' | 'mlflow';
  /** The store folder or the server URI, for messages. */
  readonly label: string;
  listExperiments(signal?: AbortSignal): Promise<SourceExperiment[]>;
  /** A page of matching runs, filtered and sorted with the same meaning on every source. */
  searchRuns(query: RunQuery, signal?: AbortSignal): Promise<RunPage>;
  /**
   * A run by id, unique id prefix (4+ hex characters) or name; rejects when
   * none or several match, saying what to give instead.
   */
  resolveRun(ref: string, signal?: AbortSignal): Promise<SourceRunRow>;
  /** {@link resolveRun} plus the metric summaries, artifacts and inputs. */
  getRun(ref: string, signal?: AbortSignal): Promise<RunDetails>;
  /** Every point of one series, ordered by step; empty when the run has no such metric. */
  getMetricHistory(runId: string, key: string, range?: StepRange, signal?: AbortSignal): Promise<MetricHistory>;
  /**
   * About `maxPoints` points of a series: locally min/max buckets (spikes
   * survive); on MLflow ≥ 2.11 the server's evenly spaced steps (its
   * bulk-interval read, at most 2,500), else min/max buckets of the full history.
   */
  downsampleMetric(runId: string, key: string, maxPoints: number, range?: StepRange, signal?: AbortSignal): Promise<DownsampledMetric>;
  /**
   * The top-level runs started from a training config (its absolute path as
   * RunLens records it), newest first, at most `limit`. A source that records
   * no config path (MLflow) has none.
   */
  runsOfConfig(configPath: string, opts?: { readonly limit?: number }, signal?: AbortSignal): Promise<SourceRunRow[]>;
  listArtifacts(runId: string, signal?: AbortSignal): Promise<SourceArtifact[]>;
  readArtifact(runId: string, path: string, signal?: AbortSignal): Promise<Buffer>;
  /**
   * Changes when the source's runs change; poll it and refresh on a new value.
   * Local: SQLite's data_version (commits by other connections). MLflow: a
   * digest of the experiments, the newest runs and every running run's latest
   * metrics (a change to an old finished run can go unnoticed).
   */
  changeToken(signal?: AbortSignal): Promise<string>;
}

/** A failure a user can act on, one line naming the source. */
export class RunSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunSourceError';
  }
}
