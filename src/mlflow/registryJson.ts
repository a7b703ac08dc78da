/**
 * RunLens registry records in the JSON shapes of MLflow's model registry
 * REST API (`RegisteredModel`, `ModelVersion`), and the source URIs of
 * versions RunLens registered itself.
 */
import { MODEL_ARTIFACT_PATH } from '../store/modelRepo';
import type { RunStore } from '../store/runStore';
import type { ModelRecord, ModelVersionRecord } from '../store/types';
import type { Json } from './restShapes';
import { artifactUri, mlflowExperimentId } from './restShapes';

function tagList(tags: Readonly<Record<string, string>>): Json[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/**
 * The source URI MLflow shows for a version: the one the client registered,
 * or for a RunLens registration the run's `model/` folder under this
 * server's artifact URI (where `model.json` is).
 */
export function versionSource(store: RunStore, v: ModelVersionRecord): string {
  if (v.source) return v.source;
  const run = v.runExists ? store.findRun(v.runId) : undefined;
  const folder = MODEL_ARTIFACT_PATH.slice(0, MODEL_ARTIFACT_PATH.lastIndexOf('/'));
  return run ? `${artifactUri(mlflowExperimentId({ id: run.experimentId, name: run.experiment }), run.id)}/${folder}` : `runs:/${v.runId}/${folder}`;
}

/** `ModelVersion`; `withAliases` false gives the alias-less copy MLflow nests in `latest_versions`. */
export function modelVersionJson(store: RunStore, v: ModelVersionRecord, withAliases = true): Json {
  const out: Json = {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.createdAt,
    last_updated_timestamp: v.updatedAt ?? v.createdAt,
    current_stage: v.stage ?? 'None',
    source: versionSource(store, v),
    status: 'READY',
  };
  if (v.description !== null) out.description = v.description;
  if (v.runId) out.run_id = v.runId;
  const tags = tagList(v.tags);
  if (tags.length) out.tags = tags;
  if (withAliases && v.aliases.length) out.aliases = [...v.aliases];
  return out;
}

/** `RegisteredModel` with the newest version of each stage in `latest_versions`, as MLflow's SQL store builds it. */
export function registeredModelJson(store: RunStore, m: ModelRecord): Json {
  const out: Json = { name: m.name, creation_timestamp: m.createdAt, last_updated_timestamp: m.updatedAt };
  if (m.description !== null) out.description = m.description;
  const latest = new Map<string, ModelVersionRecord>();
  if (m.latestVersion !== null) {
    for (const v of [...store.registry.listModelVersions(m.name)].reverse()) latest.set(v.stage ?? 'None', v);
  }
  if (latest.size) out.latest_versions = [...latest.values()].map((v) => modelVersionJson(store, v, false));
  const tags = tagList(m.tags);
  if (tags.length) out.tags = tags;
  const aliases = Object.entries(m.aliases).map(([alias, version]) => ({ alias, version: String(version) }));
  if (aliases.length) out.aliases = aliases;
  return out;
}
