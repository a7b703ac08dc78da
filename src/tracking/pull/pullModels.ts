/**
 * `runlens pull --models`: a server's registered models into RunLens's
 * registry. A version comes when its source run is in the store (pulled, or
 * pushed from it) and holds a RunLens model package (`model/model.json`, the
 * folder the version's source names); it becomes the next RunLens version
 * of the model, with its description and tags. Versions are matched by
 * their run (RunLens registers a run once per model), so a second pull
 * registers nothing again and only moves aliases. Numbers can differ from
 * the server's when a version was skipped; the summary says which is which.
 */
import type { MlflowClient } from '../../mlflow/client/mlflowClient';
import type { WireModelVersion, WireRegisteredModel } from '../../mlflow/client/mlflowWire';
import { MODEL_ARTIFACT_PATH } from '../../store/modelRepo';
import type { RunStore } from '../../store/runStore';

export interface ModelPullSummary {
  modelsNew: number;
  versionsNew: number;
  versionsUnchanged: number;
  aliasesSet: number;
  /** `name:remote version` → the RunLens version it is. */
  readonly versions: Record<string, number>;
  /** One line per version or alias left out, saying why. */
  readonly skipped: string[];
  requests: number;
}

export interface ModelPullOptions {
  readonly store: RunStore;
  readonly client: MlflowClient;
  readonly signal?: AbortSignal;
  /** After each registered model. */
  readonly onModel?: (name: string, done: number, total: number) => void;
}

/** The folder of the run a version's source names (`runs:/<id>/model`, `mlflow-artifacts:/…/<id>/artifacts/model`), or undefined when the source says no run folder. */
export function sourceFolder(v: Pick<WireModelVersion, 'source' | 'runId'>): string | undefined {
  const runs = /^runs:\/([^/]+)\/(.*)$/.exec(v.source);
  if (runs) return runs[1] === v.runId ? runs[2]!.replace(/\/+$/, '') : undefined;
  const marker = `/${v.runId}/artifacts/`;
  const at = v.source.indexOf(marker);
  return at >= 0 ? v.source.slice(at + marker.length).replace(/\/+$/, '') : undefined;
}

const MODEL_FOLDER = MODEL_ARTIFACT_PATH.slice(0, MODEL_ARTIFACT_PATH.lastIndexOf('/'));

function quote(name: string): string {
  return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Pulls every registered model's versions and aliases; a model that fails is a skipped line, the others still come. */
export async function pullModels(opts: ModelPullOptions): Promise<ModelPullSummary> {
  const { client, signal } = opts;
  const summary: ModelPullSummary = { modelsNew: 0, versionsNew: 0, versionsUnchanged: 0, aliasesSet: 0, versions: {}, skipped: [], requests: 1 };
  const models = await client.searchRegisteredModels(signal);
  for (let i = 0; i < models.length; i++) {
    const model = models[i]!;
    try {
      summary.requests++;
      const versions = (await client.searchModelVersions(`name=${quote(model.name)}`, signal)).sort((a, b) => Number(a.version) - Number(b.version));
      pullModel(opts, model, versions, summary);
    } catch (e) {
      if (signal?.aborted) throw e;
      summary.skipped.push(`model ${model.name}: ${(e as Error).message.split('\n')[0]}`);
    }
    opts.onModel?.(model.name, i + 1, models.length);
  }
  return summary;
}

function pullModel(opts: ModelPullOptions, model: WireRegisteredModel, versions: readonly WireModelVersion[], summary: ModelPullSummary): void {
  const { store, client } = opts;
  const registry = store.registry;
  const isNew = registry.findModel(model.name) === undefined;
  for (const v of versions) {
    const ref = `${model.name} version ${v.version}`;
    const runId = v.runId ? store.sync.localRunOf(client.server, v.runId) : undefined;
    if (runId === undefined) {
      summary.skipped.push(`${ref}: its run ${v.runId || '(none)'} is not in this store; pull it first`);
      continue;
    }
    const existing = registry.listModelVersionsOfRun(runId).find((x) => x.name === model.name);
    if (existing) {
      summary.versions[`${model.name}:${v.version}`] = existing.version;
      summary.versionsUnchanged++;
      continue;
    }
    const folder = sourceFolder(v);
    if (folder !== undefined && folder !== MODEL_FOLDER) {
      summary.skipped.push(`${ref}: its source ${v.source} is not the run's ${MODEL_FOLDER}/ folder, which is where RunLens keeps a model package`);
      continue;
    }
    if (!store.listArtifacts(runId).some((a) => a.path === MODEL_ARTIFACT_PATH)) {
      summary.skipped.push(`${ref}: run ${runId} has no RunLens model package (${MODEL_ARTIFACT_PATH})`);
      continue;
    }
    try {
      const local = registry.registerModel(runId, model.name, { description: v.description || undefined, tags: { ...v.tags } });
      summary.versions[`${model.name}:${v.version}`] = local.version;
      summary.versionsNew++;
    } catch (e) {
      summary.skipped.push(`${ref}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (registry.findModel(model.name) === undefined) return;
  if (isNew) {
    summary.modelsNew++;
    if (model.description || Object.keys(model.tags).length > 0) registry.updateModel(model.name, { description: model.description || null, tags: model.tags });
  }
  for (const [alias, remoteVersion] of Object.entries(model.aliases)) {
    const local = summary.versions[`${model.name}:${remoteVersion}`];
    if (local === undefined) {
      summary.skipped.push(`${model.name}@${alias}: version ${remoteVersion} was not pulled`);
      continue;
    }
    if (registry.getModelVersion(model.name, local).aliases.includes(alias)) continue;
    try {
      registry.setModelAlias(model.name, local, alias);
      summary.aliasesSet++;
    } catch (e) {
      summary.skipped.push(`${model.name}@${alias}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}
