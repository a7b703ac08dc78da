import type { RunStore } from '../store/runStore';
import type { RunRecord } from '../store/types';
import type { Json } from './restShapes';
import { invalidParam, optionalArray, optionalString, requiredString } from './restShapes';

/** MLflow's limits on dataset fields (mlflow/utils/validation.py). */
const LIMITS = { name: 500, digest: 36, source: 65_535, schema: 1_048_575, profile: 16_777_215, tagKey: 255, tagValue: 500 } as const;

function limited(what: string, value: string, limit: number): string {
  if (value.length > limit) throw invalidParam(`${what} exceeds the maximum length of ${limit}`);
  return value;
}

/**
 * `runs/log-inputs` (`mlflow.log_input`, autolog's dataset lineage): each
 * MLflow dataset is recorded as a RunLens dataset version and a run input
 * (store.mlflowInputs), the input tags (`mlflow.data.context`) kept.
 */
export function logInputs(store: RunStore, run: RunRecord, r: Json): Json {
  const inputs = optionalArray(r, 'datasets').map((input) => {
    const d = input.dataset;
    if (d === undefined || d === null || typeof d !== 'object' || Array.isArray(d)) {
      throw invalidParam(`Missing value for required parameter 'datasets.dataset'. See the API docs for more information about request parameters.`);
    }
    const ds = d as Json;
    const tags = Object.fromEntries(optionalArray(input, 'tags').map((t) => [
      limited('Input tag key', requiredString(t, 'key'), LIMITS.tagKey),
      limited('Input tag value', optionalString(t, 'value') ?? '', LIMITS.tagValue),
    ]));
    return {
      dataset: {
        name: limited('Dataset name', requiredString(ds, 'name'), LIMITS.name),
        digest: limited('Dataset digest', requiredString(ds, 'digest'), LIMITS.digest),
        sourceType: requiredString(ds, 'source_type'),
        source: limited('Dataset source', requiredString(ds, 'source'), LIMITS.source),
        schema: optionalString(ds, 'schema') !== undefined ? limited('Dataset schema', optionalString(ds, 'schema')!, LIMITS.schema) : null,
        profile: optionalString(ds, 'profile') !== undefined ? limited('Dataset profile', optionalString(ds, 'profile')!, LIMITS.profile) : null,
      },
      tags,
    };
  });
  store.transaction(() => {
    store.mlflowInputs.log(run.id, inputs);
    if (run.status === 'running' || run.status === 'queued') store.heartbeat(run.id);
  });
  return {};
}
