/**
 * RunLens run store: one SQLite file (`store.db`, WAL) plus content-addressed
 * artifact blobs, in a store directory (normally `<workspace>/.runlens/`, see
 * `resolveStoreDir` in location.ts).
 *
 * ```ts
 * const store = RunStore.open(resolveStoreDir(root, { store: flags.store, env: process.env }));
 * const run = store.createRun({ experiment: 'iris', config });
 * store.logParams(run.id, { lr: 0.01 });
 * store.logMetrics(run.id, [{ key: 'loss', value: 0.3 }, { key: 'acc', value: 0.9 }]);
 * store.setStatus(run.id, 'finished');
 * store.listRuns({ filter: 'metrics.acc > 0.8', sort: 'metrics.acc DESC', limit: 50 });
 * store.datasets.logInput(run.id, { fingerprint, path: 'data/iris.csv' }, 'train');  // datasetStore.ts
 * store.registry.registerModel(run.id, 'iris');  // the model registry: registryStore.ts
 * store.close();
 * ```
 *
 * - Sync API (better-sqlite3). Every write is one `BEGIN IMMEDIATE`
 *   transaction, so several processes (trainers, the CLI, the editor) can
 *   write at once; busy_timeout waits for the lock, a retry covers the rest.
 * - Schema migrations are keyed on `PRAGMA user_version`; a store from a newer
 *   RunLens is refused untouched. `readonly: true` never writes to the
 *   database (untrusted workspaces; SQLite may still create the -wal/-shm files).
 * - Params are immutable, tags mutable; metric summaries (latest/min/max/count)
 *   are updated in the same transaction as the points; NaN and ±Infinity
 *   round-trip.
 * - Runs whose process died (pid gone on this host; without a local pid, no
 *   heartbeat for `staleAfterMs`) are marked failed on open and, throttled,
 *   on listRuns. Logging a metric batch counts as a heartbeat.
 * - `transaction(fn)` groups calls into one commit (nested calls are savepoints).
 * - `dataVersion()` changes when another connection commits: poll it to refresh views.
 * - Clock injectable (`now`) for tests. Errors users can act on are `StoreError`s.
 */
import { Disposable, toDisposable } from '../core/util/disposable';
import { ArtifactStore } from './artifactStore';
import type { Db } from './connection';
import { Sql } from './connection';
import { DatasetStore } from './datasetStore';
import { collectStoreGarbage } from './garbageCollector';
import type { DownsampledMetric } from './downsample';
import { StoreError } from './errors';
import { ExperimentRepo } from './experimentRepo';
import type { StorePaths } from './location';
import { storePaths } from './location';
import { MetricRepo } from './metricRepo';
import type { OpenedDatabase } from './openDatabase';
import { openStoreDatabase } from './openDatabase';
import type { OpenStoreOptions } from './storeOpening';
import { closeStoreDatabase, openDatabaseOptions } from './storeOpening';
import { ParamRepo } from './paramRepo';
import { RegistryStore } from './registryStore';
import { LifecycleRepo } from './lifecycleRepo';
import { MlflowInputRepo } from './mlflowInputRepo';
import { SyncRepo } from './syncRepo';
import { deleteRunTree } from './runDeletion';
import type { RunAtOptions } from './importedRuns';
import { insertRunAt, runIdsWithTag, setRunParent } from './importedRuns';
import type { ListRunsQuery } from './runQuery';
import { countRuns, listRuns } from './runQuery';
import type { ConfigRunsOptions } from './configRuns';
import { lastRunOf, runsOfConfig } from './configRuns';
import type { ChangeProbe } from './changes/storeChangeHub';
import { readChangeToken, readSnapshot } from './changes/storeSnapshot';
import { RunRepo } from './runRepo';
import { DEFAULT_STALE_AFTER_MS, StaleRunSweeper } from './staleRuns';
import { TagRepo } from './tagRepo';
import type {
  ArtifactRecord, ArtifactSource, CreateRunOptions, DeleteResult, ExperimentRecord, ExperimentSummary, GcResult, Lifecycle,
  MetricHistory, MetricPoint, MetricSummary, ParamValue, RunRecord, RunRow, RunStatus, StepRange,
} from './types';

export type { OpenStoreOptions } from './storeOpening';

export class RunStore extends Disposable {
  private readonly sql: Sql;
  private readonly experiments: ExperimentRepo;
  private readonly runs: RunRepo;
  private readonly params: ParamRepo;
  private readonly tags: TagRepo;
  private readonly metrics: MetricRepo;
  private readonly artifacts: ArtifactStore;
  /** The model registry (models, versions, aliases, builds, deployments) on this store's connection. */
  readonly registry: RegistryStore;
  /** Dataset versions, the runs that used them (run inputs) and their snapshots: datasetStore.ts. */
  readonly datasets: DatasetStore;
  /** The sync ledger: what was pushed to which tracking server (schema 4). */
  readonly sync: SyncRepo;
  /** Soft delete and restore of runs and experiments, experiment renames and tags (schema 5, MLflow's lifecycle). */
  readonly lifecycle: LifecycleRepo;
  /** MLflow dataset inputs, recorded as dataset versions too (schema 5). */
  readonly mlflowInputs: MlflowInputRepo;
  private readonly staleRuns: StaleRunSweeper;
  /** What a store-change hub polls (changes/storeChangeHub.ts): a token that moves on every commit, and a snapshot. */
  readonly changes: ChangeProbe = {
    token: () => readChangeToken(this.sql),
    snapshot: (previous) => readSnapshot(this.sql, previous),
  };

  /** True when writes are refused: asked read-only, a file this process cannot write, or a damaged file ({@link writeRefusal} says which). */
  readonly readonly: boolean;
  /** One line saying why writes are refused, or undefined when they are allowed. */
  readonly writeRefusal: string | undefined;
  /** quick_check's first finding when the file is damaged. */
  readonly damage: string | undefined;
  /** When the read-write open before this one succeeded; gc keeps blobs newer than it. */
  private readonly previousOpenAt: number | undefined;
  private readonly openedAt: number;

  private constructor(
    db: Db,
    readonly paths: StorePaths,
    opened: Omit<OpenedDatabase, 'db'>,
    private readonly now: () => number,
    staleAfterMs: number,
  ) {
    super();
    this.writeRefusal = opened.refusal;
    this.readonly = opened.refusal !== undefined;
    this.damage = opened.damage;
    this.previousOpenAt = opened.previousOpenAt;
    this.openedAt = now();
    const readonly = this.readonly;
    this._register(toDisposable(() => closeStoreDatabase(db, paths, opened, readonly, now())));
    this.sql = new Sql(db, readonly, paths.db);
    this.experiments = new ExperimentRepo(this.sql, now);
    this.runs = new RunRepo(this.sql, now);
    this.params = new ParamRepo(this.sql);
    this.tags = new TagRepo(this.sql);
    this.metrics = new MetricRepo(this.sql, now);
    this.artifacts = new ArtifactStore(this.sql, paths, now);
    this.registry = new RegistryStore(this.sql, this.artifacts, now, () => this.assertWritable());
    this.sync = new SyncRepo(this.sql, now, () => this.assertWritable());
    this.lifecycle = new LifecycleRepo(this.sql, now, () => this.assertWritable());
    this.mlflowInputs = new MlflowInputRepo(this.sql, now, () => this.assertWritable());
    this.datasets = new DatasetStore(this.sql, this.artifacts, now, () => this.assertWritable());
    this.staleRuns = new StaleRunSweeper(this.sql, now, staleAfterMs);
  }

  /** Opens (creating and migrating when needed) the store in `dir`. */
  static open(dir: string, opts: OpenStoreOptions = {}): RunStore {
    const paths = storePaths(dir);
    const now = opts.now ?? Date.now;
    const { db, ...opened } = openStoreDatabase(paths, openDatabaseOptions(opts, now()));
    const store = new RunStore(db, paths, opened, now, opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
    try {
      store.markStaleRuns();
    } catch (e) {
      store.close();
      throw e;
    }
    return store;
  }

  get dir(): string {
    return this.paths.dir;
  }

  /** Closes the database. Same as dispose(). */
  close(): void {
    this.dispose();
  }

  /** Changes whenever another connection commits; cheap to poll. */
  dataVersion(): number {
    return this.sql.pragma('data_version') as number;
  }

  /**
   * Runs `fn` in one write transaction: several calls (create run, params,
   * tags, status…) commit together or not at all, and bulk work commits once.
   */
  transaction<T>(fn: () => T): T {
    this.assertWritable();
    return this.sql.write(fn);
  }

  /** `PRAGMA integrity_check` lines; `['ok']` when healthy. */
  integrityCheck(): string[] {
    const rows = this.sql.pragma('integrity_check', false) as Record<string, unknown>[];
    return rows.map((r) => String(Object.values(r)[0]));
  }

  // ── experiments ──────────────────────────────────────────────────────────

  getOrCreateExperiment(name: string): ExperimentRecord {
    this.assertWritable();
    return this.experiments.getOrCreate(name);
  }

  /** Experiments with their run counts; soft-deleted ones (and their runs) only when `lifecycle` asks. */
  listExperiments(lifecycle: Lifecycle = 'active'): ExperimentSummary[] {
    return this.experiments.list(lifecycle);
  }

  // ── runs ─────────────────────────────────────────────────────────────────

  createRun(opts: CreateRunOptions): RunRecord {
    this.assertWritable();
    return this.sql.write(() => {
      const id = this.runs.insert({ ...opts, experimentId: this.experimentId(opts.experiment) });
      if (opts.tags) this.tags.set(id, opts.tags);
      return this.runs.require(id);
    });
  }

  /** An experiment id as given (it must exist), or a name's (created when new). */
  private experimentId(experiment: string | number): number {
    if (typeof experiment === 'string') return this.experiments.getOrCreate(experiment).id;
    if (!this.experiments.byId(experiment)) throw new StoreError(`no experiment with id ${experiment}`);
    return experiment;
  }

  /** A run by full id, unique id prefix (≥ 4 chars) or name; throws when missing or ambiguous. */
  getRun(ref: string): RunRecord {
    const run = this.runs.resolve(ref);
    if (!run) throw new StoreError(`no run matches "${ref}" (give a run id, an id prefix of 4+ characters, or a run name)`);
    return run;
  }

  /** Like {@link getRun} but undefined when nothing matches (still throws when ambiguous). */
  findRun(ref: string): RunRecord | undefined {
    return this.runs.resolve(ref);
  }

  listRuns(query: ListRunsQuery = {}): RunRow[] {
    if (!this.readonly) this.staleRuns.sweepThrottled();
    return listRuns(this.sql, query, this.now());
  }

  /** The runs started from a config (by its recorded absolute path), newest first: configRuns.ts. */
  runsOfConfig(configPath: string, opts?: ConfigRunsOptions): RunRow[] {
    return runsOfConfig(this.sql, this.now(), configPath, opts);
  }

  /** The newest top-level run of a config, or undefined when it never ran. */
  lastRunOf(configPath: string): RunRow | undefined {
    return lastRunOf(this.sql, this.now(), configPath);
  }

  countRuns(query: ListRunsQuery = {}): number {
    return countRuns(this.sql, query, this.now());
  }

  setStatus(runId: string, status: RunStatus, opts: { error?: string | null; endedAt?: number; pid?: number } = {}): void {
    this.assertWritable();
    this.sql.write(() => this.runs.setStatus(runId, status, opts));
  }

  heartbeat(runIds: string | readonly string[]): void {
    this.assertWritable();
    this.sql.write(() => this.runs.heartbeat(typeof runIds === 'string' ? [runIds] : runIds));
  }

  /** Sets tags; a null value deletes the tag. */
  setTags(runId: string, tags: Readonly<Record<string, ParamValue | undefined>>): void {
    this.assertWritable();
    this.tags.set(runId, tags);
  }

  setStar(runId: string, starred: boolean): void {
    this.assertWritable();
    this.sql.write(() => this.runs.setStar(runId, starred));
  }

  setNote(runId: string, note: string | null): void {
    this.assertWritable();
    this.sql.write(() => this.runs.setNote(runId, note));
  }

  rename(runId: string, name: string): void {
    this.assertWritable();
    this.sql.write(() => this.runs.rename(runId, name));
  }

  /**
   * Creates a run with a given id, times and status (an MLflow import, or an
   * MLflow client that sends its own start_time); tags in the same transaction.
   */
  createRunAt(opts: Omit<RunAtOptions, 'experimentId'> & { experiment: string | number; tags?: Readonly<Record<string, string>> }): RunRecord {
    this.assertWritable();
    return this.sql.write(() => {
      const id = insertRunAt(this.sql, { ...opts, experimentId: this.experimentId(opts.experiment) });
      if (opts.tags) this.tags.set(id, opts.tags);
      return this.runs.require(id);
    });
  }

  /** Ids of the runs whose tag `key` equals `value` exactly (e.g. `mlflow.runId`). */
  findRunIdsByTag(key: string, value: string): string[] {
    return runIdsWithTag(this.sql, key, value);
  }

  /** Makes `parentId` the parent of a run (null: top level); refuses cycles. */
  setParent(runId: string, parentId: string | null): void {
    this.assertWritable();
    this.sql.write(() => setRunParent(this.sql, runId, parentId));
  }

  /** An experiment by exact name, without creating it. */
  findExperiment(name: string): ExperimentRecord | undefined {
    return this.experiments.byName(name);
  }

  /** An experiment by id. */
  getExperimentById(id: number): ExperimentRecord | undefined {
    return this.experiments.byId(id);
  }

  /** Deletes a run, its descendants, their rows and the blobs nothing else references. */
  deleteRun(runId: string): DeleteResult {
    this.assertWritable();
    return deleteRunTree(this.sql, this.artifacts, runId);
  }

  /** Marks runs whose process died as failed (see staleRuns.ts); returns their ids. */
  markStaleRuns(): string[] {
    return this.readonly ? [] : this.staleRuns.sweep();
  }

  // ── params & tags ────────────────────────────────────────────────────────

  /** Logs params; re-logging a key with another value throws (params are immutable). */
  logParams(runId: string, params: Readonly<Record<string, ParamValue>>): void {
    this.assertWritable();
    this.params.log(runId, params);
  }

  getParams(runId: string): Record<string, string> {
    return this.params.get(runId);
  }

  getTags(runId: string): Record<string, string> {
    return this.tags.get(runId);
  }

  // ── metrics ──────────────────────────────────────────────────────────────

  /** Logs a batch of points in one transaction (also a heartbeat for a live run). */
  logMetrics(runId: string, points: readonly MetricPoint[]): void {
    this.assertWritable();
    this.metrics.log(runId, points);
  }

  getMetricSummaries(runId: string): MetricSummary[] {
    return this.metrics.summaries(runId);
  }

  getMetricHistory(runId: string, key: string, range: StepRange = {}): MetricHistory {
    return this.metrics.history(runId, key, range);
  }
  /** At most `limit` points of a series from position `fromSeq` of logging order on (see MetricRepo.pointsFrom). */
  metricPointsFrom(runId: string, key: string, fromSeq: number, limit: number): MetricHistory {
    return this.metrics.pointsFrom(runId, key, fromSeq, limit);
  }

  /** At most ~maxPoints points keeping each step bucket's first, last, min and max (spikes survive). */
  downsampleMetric(runId: string, key: string, maxPoints: number, range: StepRange = {}): DownsampledMetric {
    return this.metrics.downsample(runId, key, maxPoints, range);
  }

  // ── artifacts ────────────────────────────────────────────────────────────

  /** Stores content under a logical path of the run; identical content shares one blob. */
  logArtifact(runId: string, logicalPath: string, source: ArtifactSource, kind = 'file'): { sha256: string; size: number } {
    this.assertWritable();
    return this.artifacts.log(runId, logicalPath, source, kind);
  }

  /** Copies a file into the blobs with no lock held, for a transaction that then logs it as `{ blob: sha256 }`. */
  stageArtifactFile(file: string): { sha256: string; size: number } {
    this.assertWritable();
    return this.artifacts.stageFile(file);
  }

  listArtifacts(runId: string): ArtifactRecord[] {
    return this.artifacts.list(runId);
  }

  /** Absolute path of the blob with this sha256. */
  artifactPath(sha256: string): string {
    return this.artifacts.blobPath(sha256);
  }

  /**
   * Removes unreferenced blobs older than the store's previous open (or the
   * start of a run or build in flight), stale temp files and unused dataset
   * versions, then truncates the WAL. Refuses (deleting nothing) when no row
   * references any blob while blobs exist. `dryRun` lists, deletes nothing.
   */
  gc(opts: { tempOlderThanMs?: number; dryRun?: boolean } = {}): GcResult {
    if (!opts.dryRun) this.assertWritable();
    return collectStoreGarbage(this.sql, this.paths, { ...opts, previousOpenAt: this.previousOpenAt, openedAt: this.openedAt, now: this.now() });
  }

  private assertWritable(): void {
    if (this.writeRefusal !== undefined) throw new StoreError(this.writeRefusal);
  }
}
