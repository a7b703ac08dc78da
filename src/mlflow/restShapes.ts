/**
 * RunLens records in the JSON shapes of MLflow's REST API (`mlflow.Run`,
 * `mlflow.Experiment`, `mlflow.Metric` as protobuf JSON), and the request
 * field readers every handler shares. Error bodies are MLflow's
 * `{"error_code": ..., "message": ...}` (see HttpError).
 */
import { HttpError } from '../http/httpErrors';
import type { RunStore } from '../store/runStore';
import type { MlflowInput } from '../store/mlflowInputRepo';
import type { ExperimentRecord, RunRecord } from '../store/types';
import { DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, TAG_USER, toMlflowStatus } from './mlflowFormat';

export type Json = Record<string, unknown>;

export function invalidParam(message: string): HttpError {
  return new HttpError(400, 'INVALID_PARAMETER_VALUE', message);
}

export function notFound(message: string): HttpError {
  return new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', message);
}

/** MLflow's id for an experiment: "0" is the one named "Default", else the RunLens id. */
export function mlflowExperimentId(e: { id: number; name: string }): string {
  return e.name === DEFAULT_EXPERIMENT_NAME ? DEFAULT_EXPERIMENT_ID : String(e.id);
}

/** `mlflow-artifacts:` URI of a run's artifacts; the client uploads them to this server. */
export function artifactUri(experimentId: string, runId: string): string {
  return `mlflow-artifacts:/${experimentId}/${runId}/artifacts`;
}

/** MLflow's lifecycle stage of a soft-deletable record. */
export function lifecycleStage(r: { readonly deletedAt?: number | null }): 'active' | 'deleted' {
  return r.deletedAt == null ? 'active' : 'deleted';
}

/** `mlflow.Experiment`; tags omitted when there are none, as protobuf JSON does. */
export function experimentJson(e: ExperimentRecord, tags: Readonly<Record<string, string>> = {}): Json {
  const id = mlflowExperimentId(e);
  const tagList = Object.entries(tags).map(([key, value]) => ({ key, value }));
  return {
    experiment_id: id,
    name: e.name,
    artifact_location: `mlflow-artifacts:/${id}`,
    lifecycle_stage: lifecycleStage(e),
    last_update_time: e.deletedAt ?? e.createdAt,
    creation_time: e.createdAt,
    ...(tagList.length ? { tags: tagList } : {}),
  };
}

export function runInfoJson(run: RunRecord, tags: Readonly<Record<string, string>>): Json {
  const experimentId = mlflowExperimentId({ id: run.experimentId, name: run.experiment });
  return {
    run_id: run.id,
    run_uuid: run.id,
    run_name: run.name,
    experiment_id: experimentId,
    user_id: tags[TAG_USER] ?? '',
    status: toMlflowStatus(run.status),
    start_time: run.startedAt ?? run.createdAt,
    ...(run.endedAt !== null ? { end_time: run.endedAt } : {}),
    artifact_uri: artifactUri(experimentId, run.id),
    lifecycle_stage: lifecycleStage(run),
  };
}

/** A run with its latest metrics, params and tags, as `GetRun.Response.run`. Empty lists are omitted, as protobuf JSON does. */
export function runJson(store: RunStore, run: RunRecord): Json {
  const tags = store.getTags(run.id);
  const metrics = store.getMetricSummaries(run.id).map((m) => ({ key: m.key, value: m.latest, timestamp: m.latestTimestamp, step: m.latestStep }));
  const params = Object.entries(store.getParams(run.id)).map(([key, value]) => ({ key, value }));
  const tagList = Object.entries(tags).map(([key, value]) => ({ key, value }));
  const data: Json = {};
  if (metrics.length) data.metrics = metrics;
  if (params.length) data.params = params;
  if (tagList.length) data.tags = tagList;
  return { info: runInfoJson(run, tags), data, inputs: inputsJson(store.mlflowInputs.inputsOf([run.id]).get(run.id) ?? []) };
}

/** `mlflow.RunInputs`: the MLflow dataset inputs of a run (RunLens's own file inputs are not MLflow datasets). */
export function inputsJson(inputs: readonly MlflowInput[]): Json {
  if (inputs.length === 0) return {};
  return {
    dataset_inputs: inputs.map((i) => {
      const tags = Object.entries(i.tags).map(([key, value]) => ({ key, value }));
      const d = i.dataset;
      const dataset: Json = { name: d.name, digest: d.digest, source_type: d.sourceType, source: d.source };
      if (d.schema !== null) dataset.schema = d.schema;
      if (d.profile !== null) dataset.profile = d.profile;
      return tags.length ? { tags, dataset } : { dataset };
    }),
  };
}

/**
 * JSON text with protobuf's spelling of non-finite doubles ("NaN",
 * "Infinity", "-Infinity"): JSON.stringify would write null, which the
 * MLflow client cannot parse into a double.
 */
export function toProtoJson(body: unknown): string {
  return JSON.stringify(body, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return v;
  });
}

// ── request fields ─────────────────────────────────────────────────────────

export function requiredString(req: Json, field: string): string {
  const v = req[field];
  if (v === undefined || v === null || v === '') throw invalidParam(`Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`);
  if (typeof v !== 'string') throw invalidParam(`Invalid value ${JSON.stringify(v)} for parameter '${field}' supplied: expected a string.`);
  return v;
}

export function optionalString(req: Json, field: string): string | undefined {
  const v = req[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParam(`Invalid value ${JSON.stringify(v)} for parameter '${field}' supplied: expected a string.`);
  return v;
}

/** The run id of a request: `run_id`, or the deprecated `run_uuid` older clients send. */
export function runIdOf(req: Json): string {
  const v = req.run_id ?? req.run_uuid;
  if (v === undefined || v === null || v === '') return requiredString(req, 'run_id');
  if (typeof v !== 'string') throw invalidParam(`Invalid value ${JSON.stringify(v)} for parameter 'run_id' supplied: expected a string.`);
  return v;
}

/** An int64 field: protobuf JSON allows a number or a decimal string. */
export function optionalInt(req: Json, field: string): number | undefined {
  const v = req[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw invalidParam(`Invalid value ${JSON.stringify(v)} for parameter '${field}' supplied: expected an integer.`);
  return n;
}

/** A double field: a number, or protobuf's "NaN" / "Infinity" / "-Infinity". */
export function requiredDouble(req: Json, field: string): number {
  const v = req[field];
  if (v === undefined || v === null) throw invalidParam(`Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`);
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw invalidParam(`Invalid value ${JSON.stringify(v)} for parameter '${field}' supplied: expected a double.`);
}

export function optionalArray(req: Json, field: string): Json[] {
  const v = req[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => x === null || typeof x !== 'object' || Array.isArray(x))) {
    throw invalidParam(`Invalid value ${JSON.stringify(v).slice(0, 100)} for parameter '${field}' supplied: expected an array of objects.`);
  }
  return v as Json[];
}

/** Page tokens are opaque to clients; an offset in base64 JSON is enough for one store. */
export function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodeOffset(token: string): number {
  try {
    const v = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  } catch {
    // fall through to the error below
  }
  throw invalidParam(`Invalid page token "${token}"`);
}
