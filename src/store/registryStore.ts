/**
 * The model registry of a store, reached as `store.registry`: models, their
 * versions and aliases (modelRepo.ts), and the container builds and
 * deployments of those versions (deploymentRepo.ts).
 *
 * ```ts
 * const v = store.registry.registerModel(run.id, 'churn', { alias: 'staging' });
 * store.registry.setModelAlias('churn', v.version, 'production');
 * store.registry.listModelBuilds('churn', v.version);
 * ```
 *
 * It shares its RunStore's connection, so `store.transaction(fn)` groups
 * registry calls with run calls in one commit. A build records the pid and
 * host of the process that started it; listing builds marks `failed` the
 * running ones whose process is gone (see staleBuilds.ts).
 */
import type { ArtifactStore } from './artifactStore';
import type { Sql } from './connection';
import { DeploymentRepo } from './deploymentRepo';
import { ModelRepo } from './modelRepo';
import type { SourceVersion } from './mlflowModelRepo';
import { MlflowModelRepo } from './mlflowModelRepo';
import type {
  DeploymentRecord, FinishModelBuild, ModelBuildRecord, ModelRecord, ModelVersionRecord, NewDeployment, NewModelBuild,
  RegisterModelOptions,
} from './types';

export class RegistryStore {
  private readonly models: ModelRepo;
  private readonly deployments: DeploymentRepo;
  private readonly mlflow: MlflowModelRepo;

  /**
   * Made by RunStore on its own connection; `assertWritable` throws the
   * store's read-only error.
   */
  constructor(
    sql: Sql,
    private readonly artifacts: ArtifactStore,
    now: () => number,
    private readonly assertWritable: () => void,
  ) {
    this.models = new ModelRepo(sql, artifacts, now);
    this.deployments = new DeploymentRepo(sql, this.models, artifacts, now);
    this.mlflow = new MlflowModelRepo(sql, this.models, now);
  }

  // ── models and versions ──────────────────────────────────────────────────

  /** Registers a finished run's model package as the next version of `name` (created when new). */
  registerModel(runId: string, name: string, opts?: RegisterModelOptions): ModelVersionRecord {
    this.assertWritable();
    return this.models.register(runId, name, opts);
  }

  /** Points `alias` at a version, moving it from another version. */
  setModelAlias(name: string, version: number, alias: string): void {
    this.assertWritable();
    this.models.setAlias(name, version, alias);
  }

  deleteModelAlias(name: string, alias: string): void {
    this.assertWritable();
    this.models.deleteAlias(name, alias);
  }

  listModels(): ModelRecord[] {
    return this.models.list();
  }

  /** A model by name; a StoreError naming the models that exist. */
  getModel(name: string): ModelRecord {
    return this.models.require(name);
  }

  findModel(name: string): ModelRecord | undefined {
    return this.models.get(name);
  }

  /** Sets a model's description (null clears) and tags (a null value deletes one). */
  updateModel(name: string, changes: { description?: string | null; tags?: Readonly<Record<string, string | null>> }): ModelRecord {
    this.assertWritable();
    return this.models.update(name, changes);
  }

  /** Versions of a model, newest first. */
  listModelVersions(name: string): ModelVersionRecord[] {
    return this.models.versions(name);
  }

  /** A version; a StoreError naming the versions (or models) that exist. */
  getModelVersion(name: string, version: number): ModelVersionRecord {
    return this.models.version(name, version);
  }

  /** The version an alias points at; a StoreError naming the model's aliases. */
  getModelVersionByAlias(name: string, alias: string): ModelVersionRecord {
    return this.models.versionByAlias(name, alias);
  }

  /** The newest version of a model. */
  getLatestModelVersion(name: string): ModelVersionRecord {
    return this.models.latest(name);
  }

  /** The versions registered from a run (any model). */
  listModelVersionsOfRun(runId: string): ModelVersionRecord[] {
    return this.models.versionsOfRun(runId);
  }

  /** Deletes a version (its number is not reused) with its aliases, tags, builds and deployments. */
  deleteModelVersion(name: string, version: number): { blobsRemoved: number; bytesFreed: number } {
    this.assertWritable();
    return this.models.deleteVersion(name, version);
  }

  /** Deletes a model with no versions left. */
  deleteModel(name: string): void {
    this.assertWritable();
    this.models.deleteModel(name);
  }

  // ── what MLflow clients do (mlflowModelRepo.ts) ─────────────────────────

  /** Creates a model before any version (MLflow's create-registered-model); a StoreError when the name is taken. */
  createModel(name: string, opts?: { description?: string | null; tags?: Readonly<Record<string, string>> }): ModelRecord {
    this.assertWritable();
    return this.mlflow.createModel(name, opts);
  }

  /** Registers the next version of a model from an MLflow source URI (any run status; `packageFormat` says what it is). */
  registerSourceVersion(name: string, v: SourceVersion): ModelVersionRecord {
    this.assertWritable();
    return this.mlflow.registerSource(name, v);
  }

  setModelVersionDescription(name: string, version: number, description: string | null): ModelVersionRecord {
    this.assertWritable();
    return this.mlflow.setVersionDescription(name, version, description);
  }

  /** Sets version tags; a null value deletes one. */
  setModelVersionTags(name: string, version: number, tags: Readonly<Record<string, string | null>>): ModelVersionRecord {
    this.assertWritable();
    return this.mlflow.setVersionTags(name, version, tags);
  }

  /** MLflow's (deprecated) stage transition. */
  setModelVersionStage(name: string, version: number, stage: string, archiveOthers: boolean): ModelVersionRecord {
    this.assertWritable();
    return this.mlflow.setStage(name, version, stage, archiveOthers);
  }

  /** Deletes a model and every version of it (blobs only they kept alive go too). */
  deleteModelWithVersions(name: string): void {
    this.assertWritable();
    this.mlflow.deleteModelAndVersions(name, (version) => this.models.deleteVersion(name, version));
  }

  // ── builds ───────────────────────────────────────────────────────────────

  /** Records a build as `running`, with this process's pid (or `b.pid`) and host. */
  addModelBuild(b: NewModelBuild): ModelBuildRecord {
    this.assertWritable();
    return this.deployments.addBuild(b);
  }

  finishModelBuild(id: number, r: FinishModelBuild): ModelBuildRecord {
    this.assertWritable();
    return this.deployments.finishBuild(id, r);
  }

  /**
   * Builds of a model or one version, newest first. A running build whose
   * process (on this host) is gone comes back `failed`; on a writable store
   * that is also recorded.
   */
  listModelBuilds(name: string, version?: number): ModelBuildRecord[] {
    return this.deployments.listBuilds(name, version);
  }

  /**
   * Stores bytes as a blob (e.g. a build log) and returns its sha256. Record
   * it (finishModelBuild) right away: gc removes blobs nothing references;
   * `finishModelBuild(id, { log })` stores and records in one transaction.
   */
  putBlob(bytes: Buffer | string): string {
    this.assertWritable();
    return this.artifacts.put(bytes).sha256;
  }

  // ── deployments ──────────────────────────────────────────────────────────

  addDeployment(d: NewDeployment): DeploymentRecord {
    this.assertWritable();
    return this.deployments.addDeployment(d);
  }

  /** Marks a deployment stopped (no-op when already stopped or deleted with its version). */
  stopDeployment(id: number): void {
    this.assertWritable();
    this.deployments.stopDeployment(id);
  }

  /** Deployments (all, a model's or a version's), newest first; dead local servers show as stopped. */
  listDeployments(name?: string, version?: number): DeploymentRecord[] {
    return this.deployments.listDeployments(name, version);
  }
}
