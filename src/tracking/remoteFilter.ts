/**
 * RunLens's filter on an MLflow server, with the same results as on the local
 * store. MLflow's `search_runs` filter is an AND-chain of comparisons (no OR,
 * NOT or parentheses; metrics numeric only; params/tags =, !=, LIKE, ILIKE;
 * `run_id` IN lists), so a filter runs in two steps:
 *
 * 1. Pushed down: the filter in disjunctive normal form, each conjunction one
 *    MLflow search of the comparisons MLflow can express with the same or a
 *    wider meaning (at most {@link MAX_SEARCHES}; past that, one search of
 *    the top-level conjuncts). Comparisons it cannot express are left out,
 *    which only widens that search. The searches' runs are merged by id.
 * 2. Checked: every fetched run goes through the JavaScript evaluator of the
 *    whole filter with the store's semantics (filterEvaluator.ts), so what
 *    was pushed down only narrows what is fetched, never what matches.
 *
 * Sorting: one search sorted by start time (or unsorted) is read in the
 * server's order, which is then the store's order, page by page; anything
 * else is fetched whole and sorted in JavaScript with the store's rules.
 */
import { QueryError } from '../core/query/ast';
import type { CompareOp, FilterExpr, Literal, SortKey } from '../core/query/ast';
import { TAG_GIT_COMMIT, TAG_PARENT_RUN_ID, toMlflowStatus } from '../mlflow/mlflowFormat';
import { convertLiteral, isLiteralError } from '../store/queryFields';
import type { RunStatus } from '../store/types';
import type { RunPredicate } from './filterEvaluator';
import { compileFilter } from './filterEvaluator';
import type { RunComparator } from './sortEvaluator';
import { compileSort } from './sortEvaluator';

/** Searches one filter may become before the pushdown falls back to its top-level conjuncts. */
export const MAX_SEARCHES = 8;

/** Dataset fields MLflow does not record. */
const UNSUPPORTED_DATASET_FIELDS = new Set(['rows', 'columns']);

export interface RemotePlan {
  /** MLflow filter strings, one search each ('' = every run); their runs are merged by id. */
  readonly searches: readonly string[];
  /**
   * `order_by` for MLflow when the single search's order is the store's order
   * (then pages can be read lazily); undefined: fetch every candidate and sort with {@link comparator}.
   */
  readonly orderBy?: readonly string[];
  /** The whole filter (and the parent scope) with the store's semantics. */
  readonly predicate: RunPredicate;
  readonly comparator: RunComparator;
}

export interface PlanOptions {
  /** Filter text, so errors point into it. */
  readonly filterText?: string;
  readonly sortText?: string;
  /** "Now" for `attributes.duration`. */
  readonly now?: number;
  /** A run id: only its children; null: only top-level runs. */
  readonly parentId?: string | null;
  readonly maxSearches?: number;
}

type Leaf = Extract<FilterExpr, { kind: 'compare' | 'in' | 'exists' }>;
/** A leaf of the filter in negation normal form. */
interface Lit {
  readonly leaf: Leaf;
  readonly negated: boolean;
}
type Nnf = { readonly kind: 'and' | 'or'; readonly parts: readonly Nnf[] } | { readonly kind: 'lit'; readonly lit: Lit };

/** Plans the MLflow searches, the JavaScript check and the order for a filter and sort. */
export function planRemoteSearch(filter: FilterExpr | undefined, sort: readonly SortKey[], opts: PlanOptions = {}): RemotePlan {
  const now = opts.now ?? Date.now();
  const text = opts.filterText ?? '';
  const check = filter ? compileFilter(filter, { text, now }) : () => true;
  if (filter) refuseUnsupported(filter, text);
  const comparator = compileSort(sort, { text: opts.sortText ?? '', now });
  const parentId = opts.parentId;
  const predicate: RunPredicate =
    parentId === undefined ? check : parentId === null ? (r) => r.row.parentId === null && check(r) : (r) => r.row.parentId === parentId && check(r);

  const scope = typeof parentId === 'string' ? tagClause(TAG_PARENT_RUN_ID, '=', parentId) : undefined;
  const searches = pushDown(filter, opts.maxSearches ?? MAX_SEARCHES).map((clauses) =>
    [...new Set(scope ? [scope, ...clauses] : clauses)].join(' and '),
  );
  const orderBy = searches.length === 1 ? serverOrder(sort) : undefined;
  return { searches, orderBy, predicate, comparator };
}

function refuseUnsupported(e: FilterExpr, text: string): void {
  switch (e.kind) {
    case 'and':
    case 'or':
      refuseUnsupported(e.left, text);
      refuseUnsupported(e.right, text);
      return;
    case 'not':
      refuseUnsupported(e.expr, text);
      return;
    default:
      if (e.field.entity === 'datasets' && UNSUPPORTED_DATASET_FIELDS.has(e.field.key.toLowerCase())) {
        throw new QueryError(
          `datasets.${e.field.key} cannot be filtered on an MLflow server: MLflow records no row or column counts (datasets.path, datasets.fingerprint and datasets.role work)`,
          text, e.field.start, e.field.end,
        );
      }
  }
}

/** The store's order as MLflow's `order_by`, when MLflow orders exactly so; else undefined. */
function serverOrder(sort: readonly SortKey[]): readonly string[] | undefined {
  // Both fall back to start time (= a remote run's created_at) descending, then id.
  if (sort.length === 0) return [];
  if (sort.length > 1) return undefined;
  const k = sort[0]!;
  const key = k.field.key.toLowerCase();
  // created_at is the start time on a remote row; end_time is nullable, whose order differs between MLflow's databases.
  if (k.field.entity === 'attributes' && (key === 'start_time' || key === 'started_at' || key === 'created' || key === 'created_at')) {
    return [`attributes.start_time ${k.descending ? 'DESC' : 'ASC'}`];
  }
  return undefined;
}

// ── disjunctive normal form ─────────────────────────────────────────────────

function nnf(e: FilterExpr, negated: boolean): Nnf {
  switch (e.kind) {
    case 'not':
      return nnf(e.expr, !negated);
    case 'and':
    case 'or': {
      const kind = (e.kind === 'and') !== negated ? 'and' : 'or';
      return { kind, parts: [nnf(e.left, negated), nnf(e.right, negated)] };
    }
    default:
      return { kind: 'lit', lit: { leaf: e, negated } };
  }
}

/** The conjunctions of `n`'s DNF, or undefined when there would be more than `max`. */
function dnf(n: Nnf, max: number): Lit[][] | undefined {
  if (n.kind === 'lit') return [[n.lit]];
  const parts: Lit[][][] = [];
  for (const p of n.parts) {
    const d = dnf(p, max);
    if (!d) return undefined;
    parts.push(d);
  }
  if (n.kind === 'or') {
    const all = parts.flat();
    return all.length > max ? undefined : all;
  }
  let acc: Lit[][] = [[]];
  for (const d of parts) {
    if (acc.length * d.length > max) return undefined;
    acc = acc.flatMap((a) => d.map((c) => [...a, ...c]));
  }
  return acc;
}

/** Literals that must all hold: the top-level AND-chain of the NNF. */
function topConjuncts(n: Nnf): Lit[] {
  if (n.kind === 'lit') return [n.lit];
  return n.kind === 'and' ? n.parts.flatMap(topConjuncts) : [];
}

/** Each search's MLflow clauses; [[]] is one search of every run. */
function pushDown(filter: FilterExpr | undefined, max: number): string[][] {
  if (!filter) return [[]];
  const n = nnf(filter, false);
  const conjunctions = dnf(n, max) ?? [topConjuncts(n)];
  const searches = conjunctions.map((c) => [...new Set(c.map(mlflowClause).filter((s): s is string => s !== undefined))]);
  // A search whose clauses are a subset of another's finds all the other finds: keep the wider one.
  const kept: string[][] = [];
  for (const s of searches.sort((a, b) => a.length - b.length)) {
    if (!kept.some((k) => k.every((c) => s.includes(c)))) kept.push(s);
  }
  return kept;
}

// ── one comparison in MLflow's syntax ───────────────────────────────────────

/** A key in backticks, or undefined when it holds a backtick (MLflow has no escape for it). */
function quoteKey(key: string): string | undefined {
  return key.includes('`') ? undefined : `\`${key}\``;
}

/**
 * A string in single quotes, or undefined: MLflow strips the quotes without
 * unescaping, so a value holding a quote or a backslash cannot be said exactly.
 */
function quoteString(s: string): string | undefined {
  return /['\\]/.test(s) ? undefined : `'${s}'`;
}

/**
 * A number as MLflow's SQL tokenizer (sqlparse 0.4) reads it: it has no
 * `e+NN` exponent, so large integers are written out digit by digit.
 */
export function mlflowNumber(n: number): string | undefined {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e308) return undefined; // MLflow keeps ±Infinity as ±1.797e308
  if (Number.isInteger(n)) return BigInt(n).toString();
  const s = String(n);
  return s.includes('e+') ? undefined : s;
}

function tagClause(tag: string, op: string, value: string): string | undefined {
  const v = quoteString(value);
  return v && `tags.${quoteKey(tag)} ${op} ${v}`;
}

const SYMBOL_OPS = new Set<CompareOp>(['=', '!=', '<', '<=', '>', '>=']);
const STRING_OPS = new Set<CompareOp>(['=', '!=', 'LIKE', 'ILIKE']);
/** What NOT of a comparison is, on a field no run lacks. */
const NEGATED_OP: Partial<Record<CompareOp, CompareOp>> = { '=': '!=', '!=': '=', 'NOT LIKE': 'LIKE', 'NOT ILIKE': 'ILIKE' };

function converted(value: Literal, type: Parameters<typeof convertLiteral>[1]): unknown {
  const v = convertLiteral(value, type);
  return isLiteralError(v) ? undefined : v;
}

/**
 * The MLflow comparison that holds for at least every run the literal holds
 * for, or undefined when MLflow cannot say it (the search is then wider).
 */
function mlflowClause(lit: Lit): string | undefined {
  const e = lit.leaf;
  if (e.kind === 'exists') return undefined;
  const f = e.field;
  if (f.entity === 'attributes') return attributeClause(e, lit.negated);
  if (lit.negated) return undefined; // NOT of a key comparison also holds for runs lacking the key
  if (e.kind === 'in' || f.entity === 'datasets') return undefined;
  const key = quoteKey(f.key);
  if (!key || e.value === null) return undefined;
  if (f.entity === 'metrics') {
    if (!SYMBOL_OPS.has(e.op) || (typeof e.value === 'number' && Number.isNaN(e.value))) return undefined;
    const n = converted(e.value, 'number');
    const s = typeof n === 'number' ? mlflowNumber(n) : undefined;
    return s && `metrics.${key} ${e.op} ${s}`;
  }
  // params/tags: MLflow compares text only, so numeric and boolean literals (compared as numbers / lower-cased) stay in JavaScript.
  if (typeof e.value !== 'string' || !STRING_OPS.has(e.op)) return undefined;
  const v = quoteString(e.value);
  return v && `${f.entity}.${key} ${e.op} ${v}`;
}

function attributeClause(e: Exclude<Leaf, { kind: 'exists' }>, negated: boolean): string | undefined {
  const name = e.field.key.toLowerCase();
  if (name === 'id' || name === 'run_id') return idClause(e, negated);
  if (e.kind === 'in') return undefined; // MLflow takes lists for run_id only
  const op = negated ? NEGATED_OP[e.op] : e.op;
  if (!op || e.value === null) return undefined;
  switch (name) {
    case 'name':
    case 'run_name': {
      // MLflow matches run_name on the mlflow.runName tag, which MLflow sets on every run.
      if (!STRING_OPS.has(op)) return undefined;
      const v = quoteString(String(converted(e.value, 'text')));
      return v && `attributes.run_name ${op} ${v}`;
    }
    case 'status': {
      if (op !== '=' && op !== '!=') return undefined;
      const s = converted(e.value, 'status');
      return s === undefined ? undefined : `attributes.status ${op} '${toMlflowStatus(s as RunStatus)}'`;
    }
    case 'start_time':
    case 'started_at':
    case 'end_time':
    case 'ended_at': {
      if (negated || !SYMBOL_OPS.has(op)) return undefined; // a run without an end time satisfies NOT
      const t = converted(e.value, 'time');
      const s = typeof t === 'number' && Number.isInteger(t) ? mlflowNumber(t) : undefined;
      const column = name.startsWith('start') ? 'start_time' : 'end_time';
      return s && `attributes.${column} ${op} ${s}`;
    }
    case 'parent_id':
      return !negated && op === '=' ? tagClause(TAG_PARENT_RUN_ID, '=', String(converted(e.value, 'id'))) : undefined;
    case 'git_commit':
      return !negated && STRING_OPS.has(op) && op !== '!=' ? tagClause(TAG_GIT_COMMIT, op, String(converted(e.value, 'text'))) : undefined;
    default:
      return undefined;
  }
}

/** Run ids: =, != and LIKE on the lower-cased text, IN lists; NOT flips them (every run has an id). */
function idClause(e: Exclude<Leaf, { kind: 'exists' }>, negated: boolean): string | undefined {
  if (e.kind === 'in') {
    const ids = e.values.filter((v) => v !== null && !(typeof v === 'number' && Number.isNaN(v))).map((v) => quoteString(String(v).toLowerCase()));
    if (ids.length === 0 || ids.some((v) => v === undefined)) return undefined;
    return `attributes.run_id ${e.negated !== negated ? 'NOT IN' : 'IN'} (${ids.join(', ')})`;
  }
  const op = negated ? NEGATED_OP[e.op] : e.op;
  if (!op || !STRING_OPS.has(op) || e.value === null) return undefined;
  const v = quoteString(String(e.value).toLowerCase());
  return v && `attributes.run_id ${op} ${v}`;
}
