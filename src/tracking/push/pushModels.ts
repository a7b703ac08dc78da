/**
 * Pushes registered model versions to an MLflow model registry: the
 * version's run is pushed (its `model/` folder is then an MLflow model), the
 * registered model is created when missing, a version is created with its
 * source at the pushed run's `model` artifacts, and the aliases follow. A
 * version already there (tagged `runlens.version` with this version, on the
 * pushed run) is not created twice, so a second push only moves aliases.
 */
import type { WireModelVersion } from '../../mlflow/client/mlflowWire';
import type { RegistryStore } from '../../store/registryStore';
import type { ModelVersionRecord } from '../../store/types';
import { MODEL_DIR, pushRuns } from './pushRuns';
import type { PushOptions } from './pushRuns';
import type { PushSummary } from './pushTypes';

/** Tag on an MLflow model version: the RunLens version it was pushed from. */
export const TAG_RUNLENS_VERSION = 'runlens.version';

export interface ModelPushSummary {
  readonly runs: PushSummary;
  /** `name:version` (local) → the version number MLflow gave it. */
  readonly versions: Record<string, string>;
  versionsCreated: number;
  aliasesSet: number;
  readonly failures: { readonly ref: string; readonly message: string }[];
}

/** `name` (every version), `name:3` or `name@alias`: the local versions a push sends. */
export function versionsToPush(registry: RegistryStore, ref: string): ModelVersionRecord[] {
  const at = ref.lastIndexOf('@');
  if (at > 0) return [registry.getModelVersionByAlias(ref.slice(0, at), ref.slice(at + 1))];
  const colon = ref.lastIndexOf(':');
  if (colon > 0) return [registry.getModelVersion(ref.slice(0, colon), Number(ref.slice(colon + 1).replace(/^v/, '')))];
  return registry.listModelVersions(registry.getModel(ref).name);
}

export async function pushModelVersions(
  versions: readonly ModelVersionRecord[],
  registry: RegistryStore,
  opts: Omit<PushOptions, 'onRun'> & { readonly onRun?: PushOptions['onRun'] },
): Promise<ModelPushSummary> {
  const { client, ledger, signal } = opts;
  const live = versions.filter((v) => v.runExists);
  const runs = await pushRuns([...new Set(live.map((v) => v.runId))], opts);
  const summary: ModelPushSummary = { runs, versions: {}, versionsCreated: 0, aliasesSet: 0, failures: [] };
  for (const v of versions) {
    if (!v.runExists) summary.failures.push({ ref: `${v.name}:${v.version}`, message: `its run ${v.runId} was deleted here, so it has no artifacts to push` });
  }
  const failedRuns = new Set(runs.failures.map((f) => f.runId));
  const byModel = new Map<string, ModelVersionRecord[]>();
  for (const v of live) byModel.set(v.name, [...(byModel.get(v.name) ?? []), v]);
  for (const [name, list] of byModel) {
    try {
      const model = registry.getModel(name);
      if (!(await client.getRegisteredModel(name, signal))) {
        await client.createRegisteredModel(name, { description: model.description ?? undefined, tags: model.tags }, signal);
      }
      const existing = await client.searchModelVersions(`name='${name.replace(/'/g, "\\'")}'`, signal);
      for (const v of list) {
        const ref = `${name}:${v.version}`;
        if (failedRuns.has(v.runId)) {
          summary.failures.push({ ref, message: `its run ${v.runId} was not pushed` });
          continue;
        }
        const link = ledger.remoteRun(v.runId, client.server)!;
        const there = existing.find((e: WireModelVersion) => e.runId === link.remoteRunId && e.tags[TAG_RUNLENS_VERSION] === String(v.version));
        const remote = there ?? await client.createModelVersion({
          name, source: `${link.artifactUri}/${MODEL_DIR}`, runId: link.remoteRunId, description: v.description ?? undefined,
          tags: { ...v.tags, [TAG_RUNLENS_VERSION]: String(v.version) },
        }, signal);
        if (!there) summary.versionsCreated++;
        summary.versions[ref] = remote.version;
        // Setting an alias is idempotent in MLflow; one moved here moves there too.
        for (const alias of v.aliases) {
          await client.setRegisteredModelAlias(name, alias, remote.version, signal);
          summary.aliasesSet++;
        }
      }
    } catch (e) {
      summary.failures.push({ ref: name, message: (e as Error).message });
    }
  }
  return summary;
}
