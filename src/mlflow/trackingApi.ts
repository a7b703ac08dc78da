import type { HttpError } from '../http/httpErrors';
import { UserError } from '../core/util/errors';
import { RUN_ID_RE } from '../store/ids';
import type { RunStore } from '../store/runStore';
import type { ExperimentRecord, MetricPoint, RunRecord } from '../store/types';
import { TERMINAL_STATUSES } from '../store/types';
import {
  DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, MAX_ENTITIES_PER_BATCH, MAX_METRICS_PER_BATCH, MAX_PARAM_VALUE_LENGTH,
  MAX_PARAMS_TAGS_PER_BATCH, MAX_TAG_VALUE_LENGTH, TAG_GIT_COMMIT, TAG_LOGGED_MODELS, TAG_PARENT_RUN_ID, TAG_RUN_NAME, TAG_USER,
  fromMlflowStatus, invalidKeyReason, isMlflowStatus,
} from './mlflowFormat';
import type { Json } from './restShapes';
import {
  decodeOffset, encodeOffset, invalidParam, lifecycleStage, notFound, optionalArray, optionalInt, optionalString, requiredDouble, requiredString,
  runIdOf, runInfoJson, runJson,
} from './restShapes';
import { ExperimentsApi } from './experimentsApi';
import { logInputs } from './logInputs';
import { RegistryApi } from './registryApi';
import { searchRuns } from './searchRuns';

export interface TrackingApiOptions {
  /** Clock for defaults (a metric without timestamp, an end without end_time); default Date.now. */
  readonly now?: () => number;
}

/** A request's fields (query string or JSON body) and its HTTP method (one path may answer several). */
export type Handler = (req: Json, method: string) => Json;

/** One endpoint under `/api/2.0/mlflow/`: the HTTP methods it answers and its handler. */
export interface Endpoint {
  readonly methods: readonly string[];
  readonly handle: Handler;
}

const READ = ['GET', 'POST'] as const;
const WRITE = ['POST'] as const;

function checkKey(kind: 'metric' | 'parameter' | 'tag', key: string): void {
  const reason = invalidKeyReason(kind, key);
  if (reason) throw invalidParam(reason.charAt(0).toUpperCase() + reason.slice(1));
}

function checkLength(what: string, value: string, limit: number): void {
  if (value.length > limit) throw invalidParam(`${what} '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`);
}

function batchLimit(entity: string, limit: number, length: number): void {
  if (length > limit) {
    throw invalidParam(`A batch logging request can contain at most ${limit} ${entity}. Got ${length} ${entity}. Please split up ${entity} across multiple requests and try again.`);
  }
}

/**
 * The MLflow tracking REST API subset that `mlflow.start_run`, `log_*`,
 * `set_tag(s)` and `end_run` use, over a RunStore: every call is a plain store
 * write, so runs appear live in the explorer. Errors are HttpErrors with
 * MLflow's error codes, statuses and (mostly) its message texts.
 */
export class TrackingApi {
  private readonly now: () => number;
  readonly endpoints: Readonly<Record<string, Endpoint>>;
  private readonly experiments: ExperimentsApi;

  constructor(private readonly store: RunStore, opts: TrackingApiOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.experiments = new ExperimentsApi(store, (id) => this.experiment(id));
    this.endpoints = {
      ...this.experiments.endpoints,
      'runs/create': { methods: WRITE, handle: (r) => this.createRun(r) },
      'runs/update': { methods: WRITE, handle: (r) => this.updateRun(r) },
      'runs/get': { methods: READ, handle: (r) => ({ run: runJson(this.store, this.run(runIdOf(r))) }) },
      'runs/search': { methods: READ, handle: (r) => searchRuns(this.store, r, (id) => this.experiment(id)) },
      'runs/delete': { methods: WRITE, handle: (r) => this.setRunDeleted(r, true) },
      'runs/restore': { methods: WRITE, handle: (r) => this.setRunDeleted(r, false) },
      'runs/log-metric': { methods: WRITE, handle: (r) => this.logMetric(r) },
      'runs/log-parameter': { methods: WRITE, handle: (r) => this.logParam(r) },
      'runs/log-batch': { methods: WRITE, handle: (r) => this.logBatch(r) },
      'runs/log-inputs': { methods: WRITE, handle: (r) => logInputs(this.store, this.activeRun(runIdOf(r)), r) },
      'runs/log-model': { methods: WRITE, handle: (r) => this.logModel(r) },
      'runs/set-tag': { methods: WRITE, handle: (r) => this.setTag(r) },
      'runs/delete-tag': { methods: WRITE, handle: (r) => this.deleteTag(r) },
      'metrics/get-history': { methods: READ, handle: (r) => this.metricHistory(r) },
      ...new RegistryApi(store).endpoints,
    };
  }

  // ── lookups ──────────────────────────────────────────────────────────────

  /** Experiment "0" is MLflow's Default experiment, created on first use. */
  experiment(id: string): ExperimentRecord {
    if (id === DEFAULT_EXPERIMENT_ID) return this.store.getOrCreateExperiment(DEFAULT_EXPERIMENT_NAME);
    const e = /^\d+$/.test(id) ? this.store.getExperimentById(Number(id)) : undefined;
    if (!e) throw notFound(`No Experiment with id=${id} exists`);
    return e;
  }

  /** A run by exact id (no prefixes or names: clients always send full ids). */
  run(id: string): RunRecord {
    const run = RUN_ID_RE.test(id) ? this.store.findRun(id) : undefined;
    if (!run || run.id !== id) throw notFound(`Run '${id}' not found`);
    return run;
  }

  /** A run that may be written: MLflow refuses writes to a deleted run. */
  activeRun(id: string): RunRecord {
    const run = this.run(id);
    if (lifecycleStage(run) !== 'active') throw invalidParam(`The run ${run.id} must be in the 'active' state. Current state is deleted.`);
    return run;
  }

  private setRunDeleted(r: Json, deleted: boolean): Json {
    const run = this.run(runIdOf(r));
    if (deleted) this.store.lifecycle.deleteRun(run.id);
    else this.store.lifecycle.restoreRun(run.id);
    return {};
  }

  /** `runs/log-model`: MLflow appends the model's metadata to the run's `mlflow.log-model.history` tag. */
  private logModel(r: Json): Json {
    const run = this.activeRun(runIdOf(r));
    const text = requiredString(r, 'model_json');
    let model: unknown;
    try {
      model = JSON.parse(text);
    } catch {
      throw invalidParam(`Malformed model info. \n ${text} \n is not a valid JSON.`);
    }
    if (model === null || typeof model !== 'object' || Array.isArray(model)) throw invalidParam(`Malformed model info. \n ${text} \n is not a valid JSON.`);
    const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter((k) => !(k in model));
    if (missing.length) throw invalidParam(`Model json is missing mandatory fields: {${missing.map((k) => `'${k}'`).join(', ')}}`);
    this.store.transaction(() => {
      const previous = this.store.getTags(run.id)[TAG_LOGGED_MODELS];
      const list = previous === undefined ? [] : (JSON.parse(previous) as unknown[]);
      const value = JSON.stringify([...list, model]);
      checkLength('Tag value', value, MAX_TAG_VALUE_LENGTH);
      this.store.setTags(run.id, { [TAG_LOGGED_MODELS]: value });
      this.alive(run);
    });
    return {};
  }

  // ── experiments ──────────────────────────────────────────────────────────

  // ── runs ─────────────────────────────────────────────────────────────────

  private createRun(r: Json): Json {
    const exp = this.experiments.active(optionalString(r, 'experiment_id') || DEFAULT_EXPERIMENT_ID);
    const tags = this.tagList(optionalArray(r, 'tags'));
    const runName = optionalString(r, 'run_name');
    const tagName = tags[TAG_RUN_NAME];
    if (runName && tagName && runName !== tagName) {
      throw invalidParam(`Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${runName}', mlflow.runName='${tagName}').`);
    }
    const start = optionalInt(r, 'start_time') ?? this.now();
    const userId = optionalString(r, 'user_id');
    if (userId && tags[TAG_USER] === undefined) tags[TAG_USER] = userId;
    const parent = tags[TAG_PARENT_RUN_ID];
    const parentId = parent && RUN_ID_RE.test(parent) && this.store.findRun(parent)?.id === parent ? parent : null;
    const run = this.store.transaction(() => {
      const created = this.store.createRunAt({
        experiment: exp.id,
        name: runName || tagName,
        status: 'running',
        createdAt: start,
        startedAt: start,
        parentId,
        gitCommit: tags[TAG_GIT_COMMIT] ?? null,
        // The client's process, not this server, owns the run, and its pid means nothing here: without a pid the
        // store judges the run by its heartbeat (every logging call), so a server restart does not fail it.
        pid: null,
        tags,
      });
      this.store.heartbeat(created.id);
      // MLflow stores the (possibly generated) name as a tag too; clients read either.
      this.store.setTags(created.id, { [TAG_RUN_NAME]: created.name });
      return created;
    });
    return { run: runJson(this.store, run) };
  }

  private updateRun(r: Json): Json {
    const run = this.activeRun(runIdOf(r));
    const statusText = optionalString(r, 'status');
    const endTime = optionalInt(r, 'end_time');
    const runName = optionalString(r, 'run_name');
    if (statusText !== undefined && !isMlflowStatus(statusText)) {
      throw invalidParam(`Invalid value "${statusText}" for parameter 'status': expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED`);
    }
    this.store.transaction(() => {
      const status = statusText === undefined ? run.status : fromMlflowStatus(statusText)!;
      const terminal = (TERMINAL_STATUSES as readonly string[]).includes(status);
      if (statusText !== undefined || (terminal && endTime !== undefined)) {
        this.store.setStatus(run.id, status, terminal ? { endedAt: endTime ?? this.now(), error: run.error } : {});
      }
      if (runName) this.rename(run.id, runName);
      this.alive({ ...run, status });
    });
    const updated = this.run(run.id);
    return { run_info: runInfoJson(updated, this.store.getTags(run.id)) };
  }

  private rename(runId: string, name: string): void {
    this.store.rename(runId, name);
    this.store.setTags(runId, { [TAG_RUN_NAME]: name });
  }

  /** A logging call is the client's sign of life: the heartbeat that keeps its (pid-less) run from being marked failed. */
  private alive(run: RunRecord): void {
    if (run.status === 'running' || run.status === 'queued') this.store.heartbeat(run.id);
  }

  // ── logging ──────────────────────────────────────────────────────────────

  private metricOf(m: Json): MetricPoint {
    const key = requiredString(m, 'key');
    checkKey('metric', key);
    const value = requiredDouble(m, 'value');
    const timestamp = optionalInt(m, 'timestamp');
    if (timestamp === undefined) throw invalidParam(`Missing value for required parameter 'timestamp'. See the API docs for more information about request parameters.`);
    if (timestamp < 0) throw invalidParam(`Got invalid timestamp ${timestamp} for metric '${key}' (value=${value}). Timestamp must be a nonnegative long (64-bit integer) `);
    return { key, value, timestamp, step: optionalInt(m, 'step') ?? 0 };
  }

  private paramOf(p: Json): [string, string] {
    const key = requiredString(p, 'key');
    checkKey('parameter', key);
    const value = optionalString(p, 'value') ?? '';
    checkLength('Param value', value, MAX_PARAM_VALUE_LENGTH);
    return [key, value];
  }

  private tagOf(t: Json): [string, string] {
    const key = requiredString(t, 'key');
    checkKey('tag', key);
    const value = optionalString(t, 'value') ?? '';
    checkLength('Tag value', value, MAX_TAG_VALUE_LENGTH);
    return [key, value];
  }

  private tagList(list: Json[]): Record<string, string> {
    // Later entries win, as MLflow documents for repeated tag keys.
    return Object.fromEntries(list.map((t) => this.tagOf(t)));
  }

  /** Params are immutable: the same value again is fine, another value is MLflow's INVALID_PARAMETER_VALUE. */
  private writeParams(runId: string, params: readonly [string, string][]): void {
    const existing = this.store.getParams(runId);
    for (const [key, value] of params) {
      const old = existing[key];
      if (old !== undefined && old !== value) {
        throw invalidParam(`Changing param values is not allowed. Param with key='${key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${value}'.`);
      }
    }
    if (params.length) this.store.logParams(runId, Object.fromEntries(params));
  }

  /** Tags with meaning to RunLens: the run name and the parent link. */
  private writeTags(runId: string, tags: Readonly<Record<string, string>>): void {
    this.store.setTags(runId, tags);
    const name = tags[TAG_RUN_NAME];
    if (name?.trim()) this.store.rename(runId, name);
    const parent = tags[TAG_PARENT_RUN_ID];
    if (parent !== undefined && RUN_ID_RE.test(parent) && this.store.findRun(parent)?.id === parent) this.store.setParent(runId, parent);
  }

  private logMetric(r: Json): Json {
    const run = this.activeRun(runIdOf(r));
    const point = this.metricOf(r);
    this.store.transaction(() => {
      this.store.logMetrics(run.id, [point]);
      this.alive(run);
    });
    return {};
  }

  private logParam(r: Json): Json {
    const run = this.activeRun(runIdOf(r));
    const param = this.paramOf(r);
    this.store.transaction(() => {
      this.writeParams(run.id, [param]);
      this.alive(run);
    });
    return {};
  }

  private setTag(r: Json): Json {
    const run = this.activeRun(runIdOf(r));
    const [key, value] = this.tagOf(r);
    this.store.transaction(() => {
      this.writeTags(run.id, { [key]: value });
      this.alive(run);
    });
    return {};
  }

  private deleteTag(r: Json): Json {
    const run = this.activeRun(runIdOf(r));
    const key = requiredString(r, 'key');
    if (this.store.getTags(run.id)[key] === undefined) throw notFound(`No tag with name: ${key} in run with id ${run.id}`);
    this.store.transaction(() => {
      this.store.setTags(run.id, { [key]: null });
      this.alive(run);
    });
    return {};
  }

  /** Limits first (MLflow's order), then every entry is validated, then one transaction writes it all. */
  private logBatch(r: Json): Json {
    const runId = runIdOf(r);
    const metrics = optionalArray(r, 'metrics');
    const params = optionalArray(r, 'params');
    const tags = optionalArray(r, 'tags');
    batchLimit('metrics', MAX_METRICS_PER_BATCH, metrics.length);
    batchLimit('params', MAX_PARAMS_TAGS_PER_BATCH, params.length);
    batchLimit('tags', MAX_PARAMS_TAGS_PER_BATCH, tags.length);
    batchLimit('metrics, params, and tags', MAX_ENTITIES_PER_BATCH, metrics.length + params.length + tags.length);
    const points = metrics.map((m) => this.metricOf(m));
    const paramPairs = params.map((p) => this.paramOf(p));
    const keys = paramPairs.map(([k]) => k);
    const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
    if (dupes.length) {
      throw invalidParam(`Duplicate parameter keys have been submitted: ${JSON.stringify([...new Set(dupes)])}. Please ensure the request contains only one param value per param key.`);
    }
    const tagValues = this.tagList(tags);
    const run = this.activeRun(runId);
    this.store.transaction(() => {
      this.writeParams(run.id, paramPairs);
      if (points.length) this.store.logMetrics(run.id, points);
      if (Object.keys(tagValues).length) this.writeTags(run.id, tagValues);
      this.alive(run);
    });
    return {};
  }

  private metricHistory(r: Json): Json {
    const run = this.run(runIdOf(r));
    const key = requiredString(r, 'metric_key');
    const max = optionalInt(r, 'max_results');
    const token = optionalString(r, 'page_token');
    const offset = token ? decodeOffset(token) : 0;
    const h = this.store.getMetricHistory(run.id, key);
    const end = max && max > 0 ? Math.min(h.values.length, offset + max) : h.values.length;
    const metrics: Json[] = [];
    for (let i = offset; i < end; i++) metrics.push({ key, value: h.values[i], timestamp: h.timestamps[i], step: h.steps[i] });
    return end < h.values.length ? { metrics, next_page_token: encodeOffset(end) } : { metrics };
  }
}

/** Store errors the client caused (an unknown parent, an empty name) become INVALID_PARAMETER_VALUE. */
export function userErrorToHttp(e: unknown): HttpError | undefined {
  return e instanceof UserError ? invalidParam(e.message) : undefined;
}
