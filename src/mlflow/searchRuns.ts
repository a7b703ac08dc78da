import { QueryError } from '../core/query/ast';
import type { FieldRef, FilterExpr, SortKey } from '../core/query/ast';
import { parseFilterOrEmpty } from '../core/query/parseFilter';
import { parseSort } from '../core/query/parseSort';
import type { MlflowInput } from '../store/mlflowInputRepo';
import { CONTEXT_TAG } from '../store/mlflowInputRepo';
import type { RunStore } from '../store/runStore';
import type { ExperimentRecord, RunRow } from '../store/types';
import { viewTypeOf } from './experimentsApi';
import { TAG_USER } from './mlflowFormat';
import type { Json } from './restShapes';
import { artifactUri, decodeOffset, encodeOffset, invalidParam, mlflowExperimentId, optionalInt, optionalString, runJson } from './restShapes';
import type { SimpleClause } from './simpleFilter';
import { clauseHolds } from './simpleFilter';

const MAX_RESULTS = 50_000;

function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  // A GET query string with one value arrives as a plain string.
  const list = Array.isArray(v) ? v : [v];
  if (list.some((x) => typeof x !== 'string')) throw invalidParam(`Invalid value ${JSON.stringify(v)} for parameter '${field}' supplied: expected an array of strings.`);
  return list as string[];
}

type Leaf = Extract<FilterExpr, { kind: 'compare' | 'in' | 'exists' }>;

/** MLflow fields the store has no column for: checked here, on the runs the store's part of the filter found. */
const DATASET_FIELDS = new Set(['name', 'digest', 'context']);

function isPostField(f: FieldRef): boolean {
  const key = f.key.toLowerCase();
  return (f.entity === 'attributes' && key === 'artifact_uri') || (f.entity === 'datasets' && DATASET_FIELDS.has(key));
}

/** `attributes.user_id` is the `mlflow.user` tag here (runInfoJson reads it from there). */
function mapField(f: FieldRef): FieldRef {
  return f.entity === 'attributes' && f.key.toLowerCase() === 'user_id' ? { ...f, entity: 'tags', key: TAG_USER } : f;
}

interface SplitFilter {
  /** What the store evaluates (undefined: everything). */
  readonly store: FilterExpr | undefined;
  /** Top-level AND terms on MLflow-only fields. */
  readonly post: readonly Leaf[];
}

function mentionsPost(e: FilterExpr): boolean {
  switch (e.kind) {
    case 'and':
    case 'or':
      return mentionsPost(e.left) || mentionsPost(e.right);
    case 'not':
      return mentionsPost(e.expr);
    default:
      return isPostField(e.field);
  }
}

function mapFields(e: FilterExpr): FilterExpr {
  switch (e.kind) {
    case 'and':
    case 'or':
      return { ...e, left: mapFields(e.left), right: mapFields(e.right) };
    case 'not':
      return { ...e, expr: mapFields(e.expr) };
    default:
      return { ...e, field: mapField(e.field) };
  }
}

/**
 * Splits a filter into the part the store answers and the top-level AND
 * terms on MLflow-only fields (artifact_uri, datasets.name/digest/context).
 * MLflow's grammar has only AND, so that covers every MLflow filter; the
 * same fields under OR or NOT are refused.
 */
function splitFilter(e: FilterExpr | undefined): SplitFilter {
  if (!e) return { store: undefined, post: [] };
  if (e.kind === 'and') {
    const l = splitFilter(e.left);
    const r = splitFilter(e.right);
    const store = l.store && r.store ? { ...e, left: l.store, right: r.store } : l.store ?? r.store;
    return { store, post: [...l.post, ...r.post] };
  }
  if (e.kind !== 'or' && e.kind !== 'not' && isPostField(e.field)) return { store: undefined, post: [e] };
  if (mentionsPost(e)) throw invalidParam('Invalid filter: attributes.artifact_uri and datasets.name, digest and context can only be combined with AND');
  return { store: mapFields(e), post: [] };
}

function postValues(f: FieldRef, row: RunRow, inputs: readonly MlflowInput[]): string[] {
  const key = f.key.toLowerCase();
  if (f.entity === 'attributes') return [artifactUri(mlflowExperimentId({ id: row.experimentId, name: row.experiment }), row.id)];
  if (key === 'name') return inputs.map((i) => i.dataset.name);
  if (key === 'digest') return inputs.map((i) => i.dataset.digest);
  return inputs.flatMap((i) => (i.tags[CONTEXT_TAG] === undefined ? [] : [i.tags[CONTEXT_TAG]!]));
}

/** A post term on a run: true when any of its values (a run may have several inputs) satisfies it. */
function postHolds(leaf: Leaf, values: readonly string[]): boolean {
  if (leaf.kind === 'exists') return leaf.negated ? values.length > 0 : values.length === 0;
  if (leaf.kind === 'in') {
    const clause: SimpleClause = { entity: 'attribute', key: '', op: leaf.negated ? 'NOT IN' : 'IN', value: leaf.values.map(String) };
    return values.some((v) => clauseHolds(clause, v));
  }
  const negated = leaf.op === 'NOT LIKE' || leaf.op === 'NOT ILIKE';
  const op = (negated ? leaf.op.slice(4) : leaf.op) as SimpleClause['op'];
  const clause: SimpleClause = { entity: 'attribute', key: '', op, value: String(leaf.value) };
  return values.some((v) => clauseHolds(clause, v) !== negated);
}

function sortKeys(text: string): SortKey[] {
  return parseSort(text).map((k) => ({ ...k, field: mapField(k.field) }));
}

/**
 * `runs/search`: the runs of the given experiments (MLflow's
 * `run_view_type`: active ones unless asked), filtered with RunLens's filter
 * language, which reads MLflow's filters as they are (`metrics.acc > 0.9`,
 * `params.model = 'tree'`, `tags.\`a b\` = 'x'`, `attributes.status`,
 * `run_name`, `attributes.user_id`, `datasets.name`, …), sorted by
 * `order_by` then newest first, paged by `max_results` and page tokens.
 * Anything it cannot read is INVALID_PARAMETER_VALUE.
 */
export function searchRuns(store: RunStore, r: Json, experimentById: (id: string) => ExperimentRecord): Json {
  const experiments = stringList(r.experiment_ids, 'experiment_ids').map(experimentById);
  const filterText = optionalString(r, 'filter')?.trim() ?? '';
  const sortText = stringList(r.order_by, 'order_by').join(', ');
  const max = optionalInt(r, 'max_results') ?? 1000;
  if (max < 1 || max > MAX_RESULTS) throw invalidParam(`Invalid value ${max} for parameter 'max_results' supplied: it must be between 1 and ${MAX_RESULTS}`);
  const token = optionalString(r, 'page_token');
  const offset = token ? decodeOffset(token) : 0;
  const lifecycle = viewTypeOf(r, 'run_view_type');
  let rows: RunRow[];
  try {
    const split = splitFilter(parseFilterOrEmpty(filterText));
    let filter = split.store;
    if (experiments.length > 0) {
      const field: FieldRef = { entity: 'attributes', key: 'experiment_id', start: 0, end: 0 };
      const inExperiments: FilterExpr = { kind: 'in', field, negated: false, values: experiments.map((e) => e.id), start: 0, end: 0 };
      filter = filter ? { kind: 'and', left: inExperiments, right: filter } : inExperiments;
    }
    const sort = sortKeys(sortText);
    if (split.post.length === 0) {
      rows = store.listRuns({ filter, sort, lifecycle, limit: max + 1, offset });
    } else {
      const all = store.listRuns({ filter, sort, lifecycle });
      const inputs = store.mlflowInputs.inputsOf(all.map((x) => x.id));
      rows = all.filter((row) => split.post.every((leaf) => postHolds(leaf, postValues(leaf.field, row, inputs.get(row.id) ?? [])))).slice(offset, offset + max + 1);
    }
  } catch (e) {
    if (e instanceof QueryError) throw invalidParam(`Invalid filter or order_by: ${e.message}`);
    throw e;
  }
  const page = rows.slice(0, max);
  const body: Json = { runs: page.map((row) => runJson(store, row)) };
  if (rows.length > max) body.next_page_token = encodeOffset(offset + max);
  return body;
}
