import { HttpError } from '../http/httpErrors';
import type { RunStore } from '../store/runStore';
import type { ExperimentRecord, Lifecycle } from '../store/types';
import { DEFAULT_EXPERIMENT_NAME, MAX_TAG_VALUE_LENGTH } from './mlflowFormat';
import type { Json } from './restShapes';
import {
  decodeOffset, encodeOffset, experimentJson, invalidParam, lifecycleStage, mlflowExperimentId, optionalArray, optionalInt, optionalString,
  requiredString,
} from './restShapes';
import { clauseHolds, parseSimpleFilter } from './simpleFilter';
import type { Endpoint } from './trackingApi';

/** MLflow's ViewType, as a request names it (enum name or number); ACTIVE_ONLY when absent. */
export function viewTypeOf(r: Json, field: string): Lifecycle {
  const v = r[field];
  if (v === undefined || v === null || v === '') return 'active';
  const name = String(v).toUpperCase();
  if (name === 'ACTIVE_ONLY' || name === '1') return 'active';
  if (name === 'DELETED_ONLY' || name === '2') return 'deleted';
  if (name === 'ALL' || name === '3') return 'all';
  throw invalidParam(`Invalid value ${JSON.stringify(v)} for parameter '${field}' supplied: expected ACTIVE_ONLY, DELETED_ONLY or ALL.`);
}

/** MLflow's SEARCH_MAX_RESULTS_THRESHOLD for experiments. */
const MAX_EXPERIMENTS = 50_000;
const EXPERIMENT_ORDER_KEYS = ['name', 'experiment_id', 'creation_time', 'last_update_time'] as const;

type Row = { e: ExperimentRecord; id: string; tags: Record<string, string> };

function attribute(row: Row, key: string): string | number | undefined {
  switch (key) {
    case 'name':
      return row.e.name;
    case 'creation_time':
      return row.e.createdAt;
    case 'last_update_time':
      return row.e.deletedAt ?? row.e.createdAt;
    default:
      throw invalidParam(`Invalid attribute key '${key}' specified. Valid keys are '{'name', 'creation_time', 'last_update_time'}'`);
  }
}

/**
 * The experiment endpoints: create (with tags), get, get-by-name, search
 * (filter, order_by, view_type and page tokens), delete and restore (soft,
 * with their runs), update (rename) and set-experiment-tag.
 */
export class ExperimentsApi {
  readonly endpoints: Readonly<Record<string, Endpoint>>;

  constructor(private readonly store: RunStore, private readonly experiment: (id: string) => ExperimentRecord) {
    const READ = ['GET', 'POST'];
    const WRITE = ['POST'];
    this.endpoints = {
      'experiments/get-by-name': { methods: READ, handle: (r) => this.getByName(r) },
      'experiments/get': { methods: READ, handle: (r) => ({ experiment: this.json(this.experiment(requiredString(r, 'experiment_id'))) }) },
      'experiments/create': { methods: WRITE, handle: (r) => this.create(r) },
      'experiments/search': { methods: READ, handle: (r) => this.search(r) },
      'experiments/delete': { methods: WRITE, handle: (r) => this.setDeleted(r, true) },
      'experiments/restore': { methods: WRITE, handle: (r) => this.setDeleted(r, false) },
      'experiments/update': { methods: WRITE, handle: (r) => this.update(r) },
      'experiments/set-experiment-tag': { methods: WRITE, handle: (r) => this.setTag(r) },
    };
  }

  json(e: ExperimentRecord): Json {
    return experimentJson(e, this.store.lifecycle.experimentTags(e.id));
  }

  /** The experiment, refused unless active (MLflow's _check_experiment_is_active). */
  active(id: string): ExperimentRecord {
    const e = this.experiment(id);
    if (lifecycleStage(e) !== 'active') throw invalidParam(`The experiment ${id} must be in the 'active' state. Current state is deleted.`);
    return e;
  }

  private getByName(r: Json): Json {
    const name = requiredString(r, 'experiment_name');
    const e = name === DEFAULT_EXPERIMENT_NAME ? this.store.getOrCreateExperiment(name) : this.store.findExperiment(name);
    if (!e) throw new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
    return { experiment: this.json(e) };
  }

  private create(r: Json): Json {
    const name = requiredString(r, 'name');
    if (name.length > 500) throw invalidParam('Experiment name exceeds the maximum length of 500 characters');
    const tags = optionalArray(r, 'tags').map((t) => [requiredString(t, 'key'), optionalString(t, 'value') ?? ''] as const);
    for (const [key, value] of tags) {
      if (value.length > MAX_TAG_VALUE_LENGTH) throw invalidParam(`Tag value '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${MAX_TAG_VALUE_LENGTH}`);
      if (key.length > 250) throw invalidParam(`Tag key '${key.slice(0, 250)}' had length ${key.length}, which exceeded length limit of 250`);
    }
    // artifact_location is accepted and not kept: this server stores every artifact in the RunLens store.
    const e = this.store.transaction(() => {
      if (this.store.findExperiment(name)) throw new HttpError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
      const created = this.store.getOrCreateExperiment(name);
      if (tags.length) this.store.lifecycle.setExperimentTags(created.id, Object.fromEntries(tags));
      return created;
    });
    return { experiment_id: mlflowExperimentId(e) };
  }

  private search(r: Json): Json {
    const max = optionalInt(r, 'max_results') ?? 1000;
    if (max < 1) throw invalidParam(`Invalid value for max_results. It must be a positive integer, but got ${max}`);
    if (max > MAX_EXPERIMENTS) throw invalidParam(`Invalid value for max_results. It must be at most ${MAX_EXPERIMENTS}, but got ${max}`);
    const view = viewTypeOf(r, 'view_type');
    const clauses = parseSimpleFilter(optionalString(r, 'filter'));
    const order = (Array.isArray(r.order_by) ? r.order_by : r.order_by === undefined ? [] : [r.order_by]).map(String);
    const token = optionalString(r, 'page_token');
    const offset = token ? decodeOffset(token) : 0;
    let rows: Row[] = this.store.listExperiments(view).map((e) => ({ e, id: mlflowExperimentId(e), tags: this.store.lifecycle.experimentTags(e.id) }));
    rows = rows.filter((row) => clauses.every((c) => clauseHolds(c, c.entity === 'tag' ? row.tags[c.key] : attribute(row, c.key))));
    rows.sort(this.comparator(order.length ? order : ['creation_time DESC', 'experiment_id ASC']));
    const page = rows.slice(offset, offset + max);
    const body: Json = { experiments: page.map((row) => experimentJson(row.e, row.tags)) };
    if (offset + max < rows.length) body.next_page_token = encodeOffset(offset + max);
    return body;
  }

  /** MLflow's order: the given keys, then experiment_id ascending as the tie-breaker (ids compare as numbers). */
  private comparator(order: readonly string[]): (a: Row, b: Row) => number {
    const keys = order.map((o) => {
      const m = /^\s*(?:attributes?\.)?(\w+)\s*(ASC|DESC)?\s*$/i.exec(o);
      const key = m?.[1]?.toLowerCase();
      if (!m || !(EXPERIMENT_ORDER_KEYS as readonly string[]).includes(key!)) {
        throw invalidParam(`Invalid order_by clause '${o}'. Valid keys are ${EXPERIMENT_ORDER_KEYS.join(', ')}`);
      }
      return { key: key!, sign: m[2]?.toUpperCase() === 'DESC' ? -1 : 1 };
    });
    if (!keys.some((k) => k.key === 'experiment_id')) keys.push({ key: 'experiment_id', sign: 1 });
    const value = (row: Row, key: string): string | number => (key === 'experiment_id' ? Number(row.id) : attribute(row, key)!);
    return (a, b) => {
      for (const k of keys) {
        const x = value(a, k.key);
        const y = value(b, k.key);
        if (x !== y) return (x < y ? -1 : 1) * k.sign;
      }
      return 0;
    };
  }

  private setDeleted(r: Json, deleted: boolean): Json {
    const id = requiredString(r, 'experiment_id');
    const e = this.experiment(id);
    if (deleted && lifecycleStage(e) !== 'active') throw new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
    if (!deleted && lifecycleStage(e) !== 'deleted') throw new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
    if (deleted) this.store.lifecycle.deleteExperiment(e.id);
    else this.store.lifecycle.restoreExperiment(e.id);
    return {};
  }

  private update(r: Json): Json {
    const id = requiredString(r, 'experiment_id');
    const name = requiredString(r, 'new_name');
    const e = this.experiment(id);
    if (lifecycleStage(e) !== 'active') throw new HttpError(400, 'INVALID_STATE', 'Cannot rename a non-active experiment.');
    const other = this.store.findExperiment(name);
    if (other && other.id !== e.id) throw new HttpError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
    this.store.lifecycle.renameExperiment(e.id, name);
    return {};
  }

  private setTag(r: Json): Json {
    const e = this.active(requiredString(r, 'experiment_id'));
    const key = requiredString(r, 'key');
    const value = optionalString(r, 'value') ?? '';
    if (value.length > MAX_TAG_VALUE_LENGTH) throw invalidParam(`Tag value '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${MAX_TAG_VALUE_LENGTH}`);
    this.store.lifecycle.setExperimentTags(e.id, { [key]: value });
    return {};
  }
}
