import fs from 'node:fs';
import { parseModelPackage } from '../core/package/modelPackage';
import { validateAliasName, validateModelName } from '../core/registry/modelNames';
import type { ArtifactStore } from './artifactStore';
import type { Sql } from './connection';
import { StoreError } from './errors';
import type { ModelRecord, ModelVersionInput, ModelVersionRecord, RegisterModelOptions } from './types';

/** Where a training run keeps its model package (see src/worker/trainRun.ts). */
export const MODEL_ARTIFACT_PATH = 'model/model.json';

interface ModelRow {
  name: string;
  description: string | null;
  created_at: number;
  updated_at: number;
  latest: number | null;
}

interface VersionRow {
  name: string;
  version: number;
  run_id: string;
  package_sha256: string;
  description: string | null;
  run_name: string;
  experiment: string;
  config_path: string | null;
  git_commit: string | null;
  git_dirty: number | null;
  created_at: number;
  run_exists: number;
  source: string | null;
  package_format: 'runlens' | 'mlflow';
  stage: string;
  updated_at: number | null;
}

const VERSION_SELECT = `SELECT v.*, EXISTS (SELECT 1 FROM runs r WHERE r.id = v.run_id) AS run_exists FROM model_versions v`;

interface SourceRun {
  id: string;
  name: string;
  status: string;
  experiment: string;
  config_path: string | null;
  git_commit: string | null;
  git_dirty: number | null;
  children: number;
}

function checkTags(tags: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(tags).map(([k, v]) => {
    if (k.trim() === '') throw new StoreError('model tag keys must not be empty');
    return [k, String(v)];
  });
}

function list(items: readonly (string | number)[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

/**
 * The model registry: models, their numbered versions (each the model
 * package of one finished run), aliases and tags. Every write is one
 * BEGIN IMMEDIATE transaction, so two processes registering the same name
 * at once get consecutive versions.
 */
export class ModelRepo {
  constructor(
    private readonly sql: Sql,
    private readonly artifacts: ArtifactStore,
    private readonly now: () => number,
  ) {}

  register(runId: string, name: string, opts: RegisterModelOptions = {}): ModelVersionRecord {
    validateModelName(name);
    if (opts.alias !== undefined) validateAliasName(opts.alias);
    const tags = checkTags(opts.tags ?? {});
    // Parsed before taking the write lock (a package can be megabytes); re-checked under it.
    const sha = this.packageOf(this.sourceRun(runId));
    this.readPackage(runId, sha);
    return this.sql.write(() => {
      const run = this.sourceRun(runId);
      if (this.packageOf(run) !== sha) throw new StoreError(`the model package of run ${run.name} changed while registering; try again`);
      const existing = this.sql.stmt('SELECT version FROM model_versions WHERE name = ? AND run_id = ?').pluck(true).get(name, run.id) as number | undefined;
      if (existing !== undefined) throw new StoreError(`run ${run.name} is already registered as ${name} version ${existing}`);
      const now = this.now();
      this.sql.stmt('INSERT INTO models (name, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING').run(name, now, now);
      const version = this.sql.stmt('SELECT next_version FROM models WHERE name = ?').pluck(true).get(name) as number;
      this.sql.stmt('UPDATE models SET next_version = ?, updated_at = ? WHERE name = ?').run(version + 1, now, name);
      this.sql
        .stmt(
          `INSERT INTO model_versions (name, version, run_id, package_sha256, description, run_name, experiment,
             config_path, git_commit, git_dirty, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(name, version, run.id, sha, opts.description ?? null, run.name, run.experiment, run.config_path, run.git_commit, run.git_dirty, now);
      this.sql
        .stmt(`INSERT INTO model_version_inputs (name, version, role, fingerprint, path)
               SELECT ?, ?, role, fingerprint, path FROM run_inputs WHERE run_id = ?`)
        .run(name, version, run.id);
      const insertTag = this.sql.stmt('INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)');
      for (const [k, v] of tags) insertTag.run(name, version, k, v);
      if (opts.alias !== undefined) this.putAlias(name, version, opts.alias);
      return this.version(name, version);
    });
  }

  /** The source run of a registration, checked: finished and with a model package. */
  private sourceRun(runId: string): SourceRun {
    const run = this.sql
      .stmt(
        `SELECT r.id, r.name, r.status, e.name AS experiment, r.config_path, r.git_commit, r.git_dirty,
           (SELECT count(*) FROM runs c WHERE c.parent_id = r.id) AS children
         FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`,
      )
      .get(runId) as SourceRun | undefined;
    if (!run) throw new StoreError(`no run with id ${runId}`);
    if (run.status !== 'finished') throw new StoreError(`run ${run.name} is ${run.status}; only a finished run can be registered`);
    return run;
  }

  private packageOf(run: SourceRun): string {
    const sha = this.sql.stmt('SELECT sha256 FROM artifacts WHERE run_id = ? AND path = ?').pluck(true).get(run.id, MODEL_ARTIFACT_PATH) as string | undefined;
    if (sha !== undefined) return sha;
    const hint = run.children > 0 ? `; it has ${run.children} child runs (a sweep or cross-validation): register one of those` : '';
    throw new StoreError(`run ${run.name} has no model package (${MODEL_ARTIFACT_PATH})${hint}`);
  }

  private readPackage(runId: string, sha: string): void {
    const file = this.artifacts.blobPath(sha);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new StoreError(`the model package of run ${runId} is missing from the store (${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    try {
      parseModelPackage(text, `${MODEL_ARTIFACT_PATH} of run ${runId}`);
    } catch (e) {
      throw new StoreError((e as Error).message);
    }
  }

  /** Points `alias` at `version`, moving it from another version of the model. */
  setAlias(name: string, version: number, alias: string): void {
    validateAliasName(alias);
    this.sql.write(() => {
      this.version(name, version);
      this.putAlias(name, version, alias);
      this.sql.stmt('UPDATE models SET updated_at = ? WHERE name = ?').run(this.now(), name);
    });
  }

  private putAlias(name: string, version: number, alias: string): void {
    this.sql
      .stmt('INSERT INTO model_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version')
      .run(name, alias, version);
  }

  deleteAlias(name: string, alias: string): void {
    this.sql.write(() => {
      this.require(name);
      if (this.sql.stmt('DELETE FROM model_aliases WHERE name = ? AND alias = ?').run(name, alias).changes === 0) {
        throw new StoreError(`${name} has no alias "${alias}" (aliases: ${this.aliasList(name)})`);
      }
      this.sql.stmt('UPDATE models SET updated_at = ? WHERE name = ?').run(this.now(), name);
    });
  }

  list(): ModelRecord[] {
    return this.sql.read(() => {
      const rows = this.sql.stmt(`SELECT m.*, (SELECT max(version) FROM model_versions v WHERE v.name = m.name) AS latest FROM models m ORDER BY m.name`).all() as ModelRow[];
      return rows.map((r) => this.toModel(r));
    });
  }

  get(name: string): ModelRecord | undefined {
    const row = this.sql.stmt(`SELECT m.*, (SELECT max(version) FROM model_versions v WHERE v.name = m.name) AS latest FROM models m WHERE m.name = ?`).get(name) as ModelRow | undefined;
    return row && this.toModel(row);
  }

  /** The model, or a StoreError naming the models that exist. */
  require(name: string): ModelRecord {
    const model = this.get(name);
    if (model) return model;
    const names = this.sql.stmt('SELECT name FROM models ORDER BY name').pluck(true).all() as string[];
    throw new StoreError(`no model named "${name}" (models: ${list(names)})`);
  }

  private toModel(r: ModelRow): ModelRecord {
    const tags = this.sql.stmt('SELECT key, value FROM model_tags WHERE name = ? ORDER BY key').raw().all(r.name) as [string, string][];
    const aliases = this.sql.stmt('SELECT alias, version FROM model_aliases WHERE name = ? ORDER BY alias').raw().all(r.name) as [string, number][];
    return {
      name: r.name,
      description: r.description,
      tags: Object.fromEntries(tags),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      latestVersion: r.latest,
      aliases: Object.fromEntries(aliases),
    };
  }

  /** Sets the model's description (null clears it) and tags (a null value deletes a tag). */
  update(name: string, changes: { readonly description?: string | null; readonly tags?: Readonly<Record<string, string | null>> }): ModelRecord {
    return this.sql.write(() => {
      this.require(name);
      if (changes.description !== undefined) this.sql.stmt('UPDATE models SET description = ? WHERE name = ?').run(changes.description, name);
      for (const [k, v] of Object.entries(changes.tags ?? {})) {
        if (k.trim() === '') throw new StoreError('model tag keys must not be empty');
        if (v === null) this.sql.stmt('DELETE FROM model_tags WHERE name = ? AND key = ?').run(name, k);
        else this.sql.stmt('INSERT INTO model_tags (name, key, value) VALUES (?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET value = excluded.value').run(name, k, v);
      }
      this.sql.stmt('UPDATE models SET updated_at = ? WHERE name = ?').run(this.now(), name);
      return this.require(name);
    });
  }

  /** Versions of a model, newest first (a StoreError when there is no such model). */
  versions(name: string): ModelVersionRecord[] {
    return this.sql.read(() => {
      this.require(name);
      const rows = this.sql.stmt(`${VERSION_SELECT} WHERE v.name = ? ORDER BY v.version DESC`).all(name) as VersionRow[];
      return rows.map((r) => this.toVersion(r));
    });
  }

  /** Versions registered from a run, any model. */
  versionsOfRun(runId: string): ModelVersionRecord[] {
    const rows = this.sql.stmt(`${VERSION_SELECT} WHERE v.run_id = ? ORDER BY v.name, v.version`).all(runId) as VersionRow[];
    return rows.map((r) => this.toVersion(r));
  }

  /** One version, or a StoreError naming the model's versions (or the models). */
  version(name: string, version: number): ModelVersionRecord {
    const row = this.sql.stmt(`${VERSION_SELECT} WHERE v.name = ? AND v.version = ?`).get(name, version) as VersionRow | undefined;
    if (row) return this.toVersion(row);
    this.require(name);
    throw new StoreError(`${name} has no version ${version} (versions: ${list(this.versionNumbers(name))})`);
  }

  /** The version an alias points at, or a StoreError naming the model's aliases. */
  versionByAlias(name: string, alias: string): ModelVersionRecord {
    const version = this.sql.stmt('SELECT version FROM model_aliases WHERE name = ? AND alias = ?').pluck(true).get(name, alias) as number | undefined;
    if (version !== undefined) return this.version(name, version);
    this.require(name);
    throw new StoreError(`${name} has no alias "${alias}" (aliases: ${this.aliasList(name)})`);
  }

  /** The newest version, or a StoreError when the model has none. */
  latest(name: string): ModelVersionRecord {
    const model = this.require(name);
    if (model.latestVersion === null) throw new StoreError(`${name} has no versions left (all were deleted)`);
    return this.version(name, model.latestVersion);
  }

  private versionNumbers(name: string): number[] {
    return this.sql.stmt('SELECT version FROM model_versions WHERE name = ? ORDER BY version').pluck(true).all(name) as number[];
  }

  private aliasList(name: string): string {
    const rows = this.sql.stmt('SELECT alias, version FROM model_aliases WHERE name = ? ORDER BY alias').raw().all(name) as [string, number][];
    return list(rows.map(([a, v]) => `${a} → ${v}`));
  }

  private toVersion(r: VersionRow): ModelVersionRecord {
    const tags = this.sql.stmt('SELECT key, value FROM model_version_tags WHERE name = ? AND version = ? ORDER BY key').raw().all(r.name, r.version) as [string, string][];
    const aliases = this.sql.stmt('SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias').pluck(true).all(r.name, r.version) as string[];
    const datasets = this.sql
      .stmt(`SELECT role, fingerprint, path FROM model_version_inputs WHERE name = ? AND version = ?
             ORDER BY CASE role WHEN 'train' THEN 0 WHEN 'test' THEN 1 ELSE 2 END, path`)
      .all(r.name, r.version) as ModelVersionInput[];
    return {
      name: r.name,
      version: r.version,
      runId: r.run_id,
      description: r.description,
      tags: Object.fromEntries(tags),
      createdAt: r.created_at,
      aliases,
      packageSha256: r.package_sha256,
      runName: r.run_name,
      experiment: r.experiment,
      configPath: r.config_path,
      gitCommit: r.git_commit,
      gitDirty: r.git_dirty === null ? null : r.git_dirty !== 0,
      datasets,
      runExists: r.run_exists !== 0,
      packageFormat: r.package_format,
      source: r.source,
      stage: r.stage,
      updatedAt: r.updated_at ?? r.created_at,
    };
  }

  /**
   * Deletes a version with its aliases, tags, builds and deployments; its
   * number is never given out again. Blobs only it kept alive (a package
   * whose run is gone, build logs) are removed under the same lock.
   */
  deleteVersion(name: string, version: number): { blobsRemoved: number; bytesFreed: number } {
    return this.sql.write(() => {
      const v = this.version(name, version);
      const logs = this.sql.stmt('SELECT log_sha256 FROM model_builds WHERE name = ? AND version = ? AND log_sha256 IS NOT NULL').pluck(true).all(name, version) as string[];
      this.sql.stmt('DELETE FROM model_versions WHERE name = ? AND version = ?').run(name, version);
      this.sql.stmt('UPDATE models SET updated_at = ? WHERE name = ?').run(this.now(), name);
      return this.artifacts.removeUnreferenced([v.packageSha256, ...logs]);
    });
  }

  /** Deletes a model that has no versions left (its version numbers start again at 1). */
  deleteModel(name: string): void {
    this.sql.write(() => {
      this.require(name);
      const versions = this.versionNumbers(name);
      if (versions.length > 0) throw new StoreError(`${name} still has versions ${versions.join(', ')}; delete them first (e.g. ${name}:${versions[0]})`);
      this.sql.stmt('DELETE FROM models WHERE name = ?').run(name);
    });
  }
}
