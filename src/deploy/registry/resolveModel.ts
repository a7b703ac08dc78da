import fs from 'node:fs';
import { parseModelPackage } from '../../core/package/modelPackage';
import type { ModelPackage } from '../../core/package/modelPackage';
import { parseModelRef } from '../../core/registry/modelRef';
import { StoreError } from '../../store/errors';
import { mlflowModelNote } from '../../views/modelVersionKind';
import { MODEL_ARTIFACT_PATH } from '../../store/modelRepo';
import type { RunStore } from '../../store/runStore';
import type { ModelVersionRecord, RunRecord } from '../../store/types';

/** A model reference resolved to the package to serve or build, with its lineage. */
export interface ResolvedModel {
  /** Registered model name and version; null when a bare run was given. */
  readonly name: string | null;
  readonly version: number | null;
  readonly runId: string;
  readonly runName: string;
  /** For messages and titles: `churn v3` or `run brave-otter-12`. */
  readonly label: string;
  /** Absolute path of the model.json (CAS blob) to serve/build. */
  readonly packagePath: string;
  readonly pkg: ModelPackage;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly configPath: string | null;
  readonly datasets: { readonly role: string; readonly fingerprint: string; readonly path: string }[];
}

function readPackage(file: string, what: string): ModelPackage {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new StoreError(`the model package of ${what} is missing from the store (${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return parseModelPackage(text, `the model package of ${what}`);
  } catch (e) {
    throw new StoreError((e as Error).message);
  }
}

function fromVersion(store: RunStore, v: ModelVersionRecord): ResolvedModel {
  const note = mlflowModelNote(v);
  if (note) throw new StoreError(note);
  const label = `${v.name} v${v.version}`;
  const packagePath = store.artifactPath(v.packageSha256);
  return {
    name: v.name,
    version: v.version,
    runId: v.runId,
    runName: v.runName,
    label,
    packagePath,
    pkg: readPackage(packagePath, label),
    gitCommit: v.gitCommit,
    gitDirty: v.gitDirty,
    configPath: v.configPath,
    datasets: v.datasets.map((d) => ({ role: d.role, fingerprint: d.fingerprint, path: d.path })),
  };
}

function fromRun(store: RunStore, run: RunRecord): ResolvedModel {
  const artifact = store.listArtifacts(run.id).find((a) => a.path === MODEL_ARTIFACT_PATH);
  if (!artifact) {
    throw new StoreError(`run ${run.name} has no model package (${MODEL_ARTIFACT_PATH}); only finished training runs have one`);
  }
  const label = `run ${run.name}`;
  const packagePath = store.artifactPath(artifact.sha256);
  return {
    name: null,
    version: null,
    runId: run.id,
    runName: run.name,
    label,
    packagePath,
    pkg: readPackage(packagePath, label),
    gitCommit: run.gitCommit,
    gitDirty: run.gitDirty,
    configPath: run.configPath,
    datasets: store.datasets.listInputs(run.id).map((i) => ({ role: i.role, fingerprint: i.fingerprint, path: i.path })),
  };
}

/**
 * Resolves `churn@production`, `churn:3`, `churn` (newest version),
 * `run:<id>`, or a bare run id / prefix / name when no model has that name.
 * Unknown models, versions and aliases are StoreErrors naming what exists.
 */
export function resolveModel(store: RunStore, text: string): ResolvedModel {
  const ref = parseModelRef(text);
  switch (ref.kind) {
    case 'alias':
      return fromVersion(store, store.registry.getModelVersionByAlias(ref.name, ref.alias));
    case 'version':
      return fromVersion(store, store.registry.getModelVersion(ref.name, ref.version));
    case 'run':
      return fromRun(store, store.getRun(ref.runId));
    case 'latest': {
      if (store.registry.findModel(ref.name)) return fromVersion(store, store.registry.getLatestModelVersion(ref.name));
      const run = store.findRun(ref.name);
      if (run) return fromRun(store, run);
      const models = store.registry.listModels().map((m) => m.name);
      throw new StoreError(
        `no model or run named "${ref.name}" (models: ${models.length ? models.join(', ') : 'none'}; or give a run id, an id prefix of 4+ characters, or a run name)`,
      );
    }
  }
}
