/** Public record types of the run store. Timestamps are ms since the epoch. */

export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'killed';
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'finished', 'failed', 'killed'];
/** Statuses after which a run never changes by itself again. */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['finished', 'failed', 'killed'];

export type InputRole = 'train' | 'test' | 'eval';
export const INPUT_ROLES: readonly InputRole[] = ['train', 'test', 'eval'];

export interface ExperimentRecord {
  readonly id: number;
  readonly name: string;
  readonly createdAt: number;
  /** When an MLflow client deleted it (soft delete, schema 5); null or absent while active. */
  readonly deletedAt?: number | null;
}

/** Which runs or experiments a listing returns (MLflow's ViewType): soft-deleted ones only on request. */
export type Lifecycle = 'active' | 'deleted' | 'all';

export interface ExperimentSummary extends ExperimentRecord {
  readonly runCount: number;
  /** `created_at` of the newest run, or null when the experiment is empty. */
  readonly lastRunAt: number | null;
}

export interface RunRecord {
  /** 32 lowercase hex characters. */
  readonly id: string;
  readonly experimentId: number;
  readonly experiment: string;
  readonly name: string;
  readonly status: RunStatus;
  readonly parentId: string | null;
  readonly configPath: string | null;
  /** Config snapshot as JSON text (parse it when needed; listings stay cheap). */
  readonly configJson: string | null;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly heartbeatAt: number | null;
  readonly pid: number | null;
  /** Host name of the process in `pid` (a pid only means something on its host). */
  readonly host: string | null;
  readonly starred: boolean;
  readonly note: string | null;
  readonly error: string | null;
  readonly runlensVersion: string | null;
  /** When it was deleted by an MLflow client (soft delete, schema 5; restorable); null or absent while active. */
  readonly deletedAt?: number | null;
}

/** A row of `listRuns`: the run plus its params, latest metric values and tags. */
export interface RunRow extends RunRecord {
  readonly params: Readonly<Record<string, string>>;
  /** Latest value per metric key (NaN when the latest point was NaN). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface CreateRunOptions {
  /**
   * The run's id (32 lowercase hex characters) when another store named it
   * already: a cluster job's scratch run takes its workspace run's id, so what
   * it writes (a model package's run id) names that run. Default: a new one.
   */
  readonly id?: string;
  /** Experiment name (created when missing) or id (must exist). */
  readonly experiment: string | number;
  /** Human-readable name; a unique `adjective-animal-NN` is generated when absent. */
  readonly name?: string;
  readonly parentId?: string | null;
  readonly configPath?: string | null;
  /** Config snapshot; stored as JSON text. */
  readonly config?: unknown;
  readonly gitCommit?: string | null;
  readonly gitDirty?: boolean | null;
  readonly pid?: number | null;
  /** Defaults to this machine's host name when a pid is given. */
  readonly host?: string | null;
  /** Default 'running'. */
  readonly status?: RunStatus;
  readonly runlensVersion?: string | null;
  readonly tags?: Readonly<Record<string, string>>;
}

export type ParamValue = string | number | boolean | null;

export interface MetricPoint {
  readonly key: string;
  /** Any number, NaN and ±Infinity included. */
  readonly value: number;
  /** Default: latest step of this key + 1, or 0 for a new key. */
  readonly step?: number;
  /** Default: the store clock. */
  readonly timestamp?: number;
}

export interface MetricSummary {
  readonly key: string;
  /** Value at the highest step (ties: the one logged last); NaN when that point was NaN. */
  readonly latest: number;
  readonly latestStep: number;
  readonly latestTimestamp: number;
  /** Smallest/largest non-NaN value; NaN when every point was NaN. */
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** Points of one series ordered by step (ties in logging order). */
export interface MetricHistory {
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export interface StepRange {
  readonly minStep?: number;
  readonly maxStep?: number;
}

export interface ArtifactRecord {
  readonly runId: string;
  /** Logical path inside the run, e.g. `model/model.json`. */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly kind: string;
  readonly createdAt: number;
}

/** Artifact content: bytes, text (UTF-8), or a file to copy in. */
/** Bytes, a file to copy, or a blob already in the store (RunStore.stageArtifactFile) referenced without reading it again. */
export type ArtifactSource = Buffer | Uint8Array | string | { readonly file: string } | { readonly blob: string };

export interface DatasetInfo {
  /** Content fingerprint (the primary key). */
  readonly fingerprint: string;
  readonly path: string;
  readonly rows?: number | null;
  readonly columns?: number | null;
  /** JSON-serialisable schema description. */
  readonly schema?: unknown;
  /** JSON-serialisable per-column statistics. */
  readonly stats?: unknown;
}

export interface DatasetRecord {
  readonly fingerprint: string;
  readonly path: string;
  readonly rows: number | null;
  readonly columns: number | null;
  readonly schema: unknown;
  readonly stats: unknown;
  readonly createdAt: number;
}

export interface RunInput {
  readonly runId: string;
  readonly fingerprint: string;
  readonly role: InputRole;
  readonly path: string;
}

export interface DeleteResult {
  /** Runs removed: the run and its descendants. */
  readonly runs: number;
  readonly blobsRemoved: number;
  readonly bytesFreed: number;
}

export interface GcResult {
  readonly blobsRemoved: number;
  readonly tempFilesRemoved: number;
  readonly bytesFreed: number;
  /** Unreferenced blobs left because they are newer than the cutoff (a live process may be about to reference them). */
  readonly blobsKept: number;
  /** The files removed, or with `dryRun` the files that would be. */
  readonly removed: readonly string[];
  readonly dryRun: boolean;
}

// ── model registry (schema 2, 3) ─────────────────────────────────────────────

/** A registered model: a name whose versions point at runs' model packages. */
export interface ModelRecord {
  readonly name: string;
  readonly description: string | null;
  readonly tags: Record<string, string>;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Newest existing version, or null when every version was deleted. */
  readonly latestVersion: number | null;
  /** Alias → version. */
  readonly aliases: Record<string, number>;
}

/** A dataset the source run read, as recorded when the version was registered. */
export interface ModelVersionInput {
  readonly role: string;
  readonly fingerprint: string;
  readonly path: string;
}

export interface ModelVersionRecord {
  readonly name: string;
  readonly version: number;
  readonly runId: string;
  readonly description: string | null;
  readonly tags: Record<string, string>;
  readonly createdAt: number;
  /** Aliases pointing at this version, sorted. */
  readonly aliases: string[];
  /** sha256 of the run's model.json artifact at registration (the CAS blob). */
  readonly packageSha256: string;
  // Lineage, copied from the run at registration so it survives the run's deletion.
  readonly runName: string;
  readonly experiment: string;
  readonly configPath: string | null;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly datasets: ModelVersionInput[];
  /** False once the source run has been deleted (the version keeps working). */
  readonly runExists: boolean;
  /**
   * What `packageSha256` holds (schema 5): a RunLens model package, or, for
   * a version an MLflow client registered from a model RunLens cannot
   * serve, the MLflow model's `MLmodel` file (or its source URI as text).
   * Absent means `runlens`.
   */
  readonly packageFormat?: 'runlens' | 'mlflow';
  /** The model URI an MLflow client registered the version from; null for RunLens registrations. */
  readonly source?: string | null;
  /** MLflow's (deprecated) stage: `None`, `Staging`, `Production` or `Archived`. */
  readonly stage?: string;
  /** Last change to the version (description, tags, stage); createdAt when never changed. */
  readonly updatedAt?: number;
}

export interface RegisterModelOptions {
  readonly description?: string;
  readonly tags?: Record<string, string>;
  /** Set this alias on the new version (moved from another version if needed). */
  readonly alias?: string;
}

export type BuildStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export const BUILD_STATUSES: readonly BuildStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];

export interface ModelBuildRecord {
  readonly id: number;
  readonly name: string;
  readonly version: number;
  readonly tag: string;
  readonly cli: string | null;
  readonly baseImage: string;
  readonly contextDir: string;
  readonly status: BuildStatus;
  readonly imageId: string | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly durationMs: number | null;
  /** The build log blob (read it at `artifactPath(logSha256)`). */
  readonly logSha256: string | null;
  readonly error: string | null;
  /** The process that ran the build (null for builds recorded before schema 3). */
  readonly pid: number | null;
}

/**
 * What a build starts with; the store adds the id, `running`, the start time
 * and the host. `pid` is the process running the build: default this one.
 */
export type NewModelBuild = Pick<ModelBuildRecord, 'name' | 'version' | 'tag' | 'cli' | 'baseImage' | 'contextDir'> & { readonly pid?: number };

export interface FinishModelBuild {
  readonly status: Exclude<BuildStatus, 'running'>;
  readonly imageId?: string;
  /** A blob already stored with putBlob. */
  readonly logSha256?: string;
  /** The log itself: stored and referenced in one transaction (no window for gc). */
  readonly log?: Buffer | string;
  readonly error?: string;
}

export type DeploymentKind = 'local' | 'container';

export interface DeploymentRecord {
  readonly id: number;
  readonly name: string;
  readonly version: number;
  readonly kind: DeploymentKind;
  readonly url: string;
  readonly pid: number | null;
  readonly image: string | null;
  readonly startedAt: number;
  /** Null while it runs; set on stop, or when its process is found gone. */
  readonly stoppedAt: number | null;
  readonly requestLog: string | null;
}

export interface NewDeployment {
  readonly name: string;
  readonly version: number;
  readonly kind: DeploymentKind;
  readonly url: string;
  readonly pid?: number;
  readonly image?: string;
  readonly requestLog?: string;
}
