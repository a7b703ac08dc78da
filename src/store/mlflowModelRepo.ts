import { validateModelName } from '../core/registry/modelNames';
import type { Sql } from './connection';
import { StoreError } from './errors';
import type { ModelRepo } from './modelRepo';
import type { ModelRecord, ModelVersionRecord } from './types';

/** MLflow's stages; `None` is a version's stage until someone moves it. */
export const MODEL_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

/** A model version as an MLflow client registers it: a source URI and what the store found there. */
export interface SourceVersion {
  /** The source run, when the client named one (it need not exist here, nor be finished). */
  readonly runId: string | null;
  /** The model URI the client gave (`runs:/…`, `mlflow-artifacts:/…`, `s3://…`). */
  readonly source: string;
  /** `runlens` when the source holds a RunLens model package, else `mlflow`. */
  readonly packageFormat: 'runlens' | 'mlflow';
  /** The package blob, or for an MLflow model its MLmodel blob (or a blob of the source text). */
  readonly packageSha256: string;
  readonly description?: string | null;
  readonly tags?: Readonly<Record<string, string>>;
}

interface LineageRow {
  name: string;
  experiment: string;
  config_path: string | null;
  git_commit: string | null;
  git_dirty: number | null;
}

/**
 * The registry writes an MLflow client makes beyond what RunLens's own
 * registration does (modelRepo.ts): a model created before any version, a
 * version from a source URI (any run status, a package RunLens may not be
 * able to serve: `packageFormat` says which), stages, version descriptions
 * and tags. Same tables, same invariants: versions count up and are never
 * reused, a version outlives its run and keeps its blob alive.
 */
export class MlflowModelRepo {
  constructor(
    private readonly sql: Sql,
    private readonly models: ModelRepo,
    private readonly now: () => number,
  ) {}

  /** Creates a model with no versions; a StoreError when the name is taken. */
  createModel(name: string, opts: { description?: string | null; tags?: Readonly<Record<string, string>> } = {}): ModelRecord {
    validateModelName(name);
    return this.sql.write(() => {
      if (this.models.get(name)) throw new StoreError(`a model named "${name}" already exists`);
      const now = this.now();
      this.sql.stmt('INSERT INTO models (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)').run(name, opts.description ?? null, now, now);
      const insertTag = this.sql.stmt('INSERT INTO model_tags (name, key, value) VALUES (?, ?, ?)');
      for (const [k, v] of Object.entries(opts.tags ?? {})) insertTag.run(name, k, v);
      return this.models.require(name);
    });
  }

  /** Registers the next version of an existing model from a source; lineage from the run when the store has it. */
  registerSource(name: string, v: SourceVersion): ModelVersionRecord {
    return this.sql.write(() => {
      this.models.require(name);
      const run = v.runId === null ? undefined : (this.sql
        .stmt(`SELECT r.name, e.name AS experiment, r.config_path, r.git_commit, r.git_dirty
               FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`)
        .get(v.runId) as LineageRow | undefined);
      const now = this.now();
      const version = this.sql.stmt('SELECT next_version FROM models WHERE name = ?').pluck(true).get(name) as number;
      this.sql.stmt('UPDATE models SET next_version = ?, updated_at = ? WHERE name = ?').run(version + 1, now, name);
      this.sql
        .stmt(`INSERT INTO model_versions (name, version, run_id, package_sha256, description, run_name, experiment,
                 config_path, git_commit, git_dirty, created_at, source, package_format, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(name, version, v.runId ?? '', v.packageSha256, v.description ?? null, run?.name ?? '', run?.experiment ?? '',
          run?.config_path ?? null, run?.git_commit ?? null, run?.git_dirty ?? null, now, v.source, v.packageFormat, now);
      if (v.runId !== null) {
        this.sql
          .stmt(`INSERT INTO model_version_inputs (name, version, role, fingerprint, path)
                 SELECT ?, ?, role, fingerprint, path FROM run_inputs WHERE run_id = ?`)
          .run(name, version, v.runId);
      }
      const insertTag = this.sql.stmt('INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)');
      for (const [k, val] of Object.entries(v.tags ?? {})) insertTag.run(name, version, k, val);
      return this.models.version(name, version);
    });
  }

  /** Changes a version's description (null clears it). */
  setVersionDescription(name: string, version: number, description: string | null): ModelVersionRecord {
    return this.touch(name, version, () => this.sql.stmt('UPDATE model_versions SET description = ? WHERE name = ? AND version = ?').run(description, name, version));
  }

  /** Sets version tags; a null value deletes one. */
  setVersionTags(name: string, version: number, tags: Readonly<Record<string, string | null>>): ModelVersionRecord {
    return this.touch(name, version, () => {
      for (const [k, v] of Object.entries(tags)) {
        if (k.trim() === '') throw new StoreError('model version tag keys must not be empty');
        if (v === null) this.sql.stmt('DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?').run(name, version, k);
        else {
          this.sql
            .stmt(`INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)
                   ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value`)
            .run(name, version, k, v);
        }
      }
    });
  }

  /** Moves a version to a stage; `archiveOthers` moves the model's other versions in that stage to Archived. */
  setStage(name: string, version: number, stage: string, archiveOthers: boolean): ModelVersionRecord {
    const canonical = MODEL_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
    if (!canonical) throw new StoreError(`unknown stage "${stage}" (expected ${MODEL_STAGES.join(', ')})`);
    return this.touch(name, version, () => {
      if (archiveOthers && (canonical === 'Staging' || canonical === 'Production')) {
        this.sql
          .stmt(`UPDATE model_versions SET stage = 'Archived', updated_at = ? WHERE name = ? AND version != ? AND stage = ?`)
          .run(this.now(), name, version, canonical);
      }
      this.sql.stmt('UPDATE model_versions SET stage = ? WHERE name = ? AND version = ?').run(canonical, name, version);
    });
  }

  /** Deletes a model with all its versions (MLflow's delete-registered-model). */
  deleteModelAndVersions(name: string, deleteVersion: (version: number) => void): void {
    this.sql.write(() => {
      const model = this.models.require(name);
      for (const v of this.models.versions(model.name)) deleteVersion(v.version);
      this.sql.stmt('DELETE FROM models WHERE name = ?').run(name);
    });
  }

  private touch(name: string, version: number, change: () => void): ModelVersionRecord {
    return this.sql.write(() => {
      this.models.version(name, version);
      change();
      const now = this.now();
      this.sql.stmt('UPDATE model_versions SET updated_at = ? WHERE name = ? AND version = ?').run(now, name, version);
      this.sql.stmt('UPDATE models SET updated_at = ? WHERE name = ?').run(now, name);
      return this.models.version(name, version);
    });
  }
}
