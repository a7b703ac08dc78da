/**
 * RunLens's filter language evaluated in JavaScript on rows read from a
 * server, with exactly the store's semantics (src/store/filterToSql.ts):
 * `metrics.k` is the latest value (a NaN latest compares false, except
 * `= NaN` / `!= NaN`); `params.k` / `tags.k` compare as text, or as numbers
 * when the literal is a number and the value looks numeric; a comparison on a
 * key the run lacks is false, so `not (...)` is true; `IS NULL` asks whether
 * the key is missing; LIKE is case-sensitive, ILIKE folds ASCII letters only.
 * The same literals are refused with the same messages, because the literal
 * conversion and the field tables are the store's own (queryFields.ts).
 */
import { QueryError } from '../core/query/ast';
import type { CompareOp, FieldRef, FilterExpr, Literal } from '../core/query/ast';
import { numericValue } from '../store/keyValues';
import type { CompileContext, ValueType } from '../store/queryFields';
import { attributeColumn, convertLiteral, datasetField, isLiteralError } from '../store/queryFields';
import type { EvalInput, EvalRun, SqlValue } from './runFields';
import { attributeGetter, datasetValue } from './runFields';
import { asciiLower, compareText, likeMatches } from './sqlText';

/** A compiled filter: true when the run matches. */
export type RunPredicate = (run: EvalRun) => boolean;

export interface EvalOptions {
  /** The query text, so errors point into it. */
  readonly text?: string;
  /** "Now" (ms) for `attributes.duration` of unfinished runs; default Date.now(). */
  readonly now?: number;
}

type Leaf = Extract<FilterExpr, { kind: 'compare' | 'in' | 'exists' }>;
type Compare = Extract<FilterExpr, { kind: 'compare' }>;
type In = Extract<FilterExpr, { kind: 'in' }>;

const FALSE: RunPredicate = () => false;

/** Compiles `expr` to a predicate; throws the QueryError the store would throw for the same filter. */
export function compileFilter(expr: FilterExpr, opts: EvalOptions = {}): RunPredicate {
  const ctx: CompileContext = { text: opts.text ?? '', now: opts.now ?? Date.now() };
  return new Evaluator(ctx).expr(expr);
}

/** SQL's ordering of two non-null values: numbers before text, text by code point. */
export function compareSql(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return compareText(a, b);
}

function holds(op: CompareOp, a: string | number, b: string | number): boolean {
  const c = compareSql(a, b);
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    default:
      return false;
  }
}

function isLike(op: CompareOp): boolean {
  return op === 'LIKE' || op === 'ILIKE' || op === 'NOT LIKE' || op === 'NOT ILIKE';
}

function like(value: string, op: CompareOp, pattern: string): boolean {
  switch (op) {
    case 'LIKE':
      return likeMatches(value, pattern, false);
    case 'NOT LIKE':
      return !likeMatches(value, pattern, false);
    case 'ILIKE':
      return likeMatches(value, pattern, true);
    default:
      return !likeMatches(value, pattern, true);
  }
}

function isNaNLiteral(v: Literal): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

/** How a typed field reads its value(s) from a run: one attribute, or each of the run's inputs. */
interface TypedField {
  readonly type: ValueType;
  /** The run's values to test; a condition holds when one of them satisfies it (SQL's `IN (subquery)`). */
  readonly values: (run: EvalRun) => SqlValue[];
  /** What a vacuous `NOT IN ()` means: the attribute is present, or the run has any input. */
  readonly present: (run: EvalRun) => boolean;
}

class Evaluator {
  constructor(private readonly ctx: CompileContext) {}

  expr(e: FilterExpr): RunPredicate {
    switch (e.kind) {
      case 'and': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        return (run) => l(run) && r(run);
      }
      case 'or': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        return (run) => l(run) || r(run);
      }
      case 'not': {
        const p = this.expr(e.expr);
        return (run) => !p(run);
      }
      case 'exists':
        return this.exists(e.field, e.negated);
      case 'compare':
        if (e.value === null) {
          if (e.op === '=') return this.exists(e.field, true);
          if (e.op === '!=') return this.exists(e.field, false);
          throw this.error(e, `${e.op} cannot compare with null; use IS NULL or IS NOT NULL`);
        }
        return this.compare(e);
      case 'in':
        return this.in(e);
    }
  }

  private error(node: Leaf, message: string): QueryError {
    return new QueryError(`${message} (${node.field.entity}.${node.field.key})`, this.ctx.text, node.start, node.end);
  }

  private exists(field: FieldRef, negated: boolean): RunPredicate {
    const has = this.presence(field);
    return negated ? (run) => !has(run) : has;
  }

  private presence(field: FieldRef): RunPredicate {
    const key = field.key;
    switch (field.entity) {
      case 'metrics':
        return (run) => Object.hasOwn(run.row.metrics, key);
      case 'params':
        return (run) => Object.hasOwn(run.row.params, key);
      case 'tags':
        return (run) => Object.hasOwn(run.row.tags, key);
      case 'attributes': {
        const typed = this.attribute(field);
        return (run) => typed.values(run)[0] !== null;
      }
      case 'datasets': {
        const typed = this.dataset(field);
        return (run) => typed.values(run).some((v) => v !== null);
      }
    }
  }

  private attribute(field: FieldRef): TypedField {
    const col = attributeColumn(field, this.ctx); // unknown attribute: the store's message
    const get = attributeGetter(field.key);
    if (!get) throw new QueryError(`attribute "${field.key}" is not readable here`, this.ctx.text, field.start, field.end);
    const now = this.ctx.now;
    return { type: col.type, values: (run) => [get(run.row, now)], present: (run) => get(run.row, now) !== null };
  }

  private dataset(field: FieldRef): TypedField {
    const { column } = datasetField(field, this.ctx);
    const key = field.key;
    return {
      type: column.type,
      values: (run) => run.inputs.map((i: EvalInput) => datasetValue(i, key)),
      present: (run) => run.inputs.length > 0,
    };
  }

  private compare(e: Compare): RunPredicate {
    const f = e.field;
    switch (f.entity) {
      case 'metrics':
        return this.metricCompare(e);
      case 'params':
      case 'tags':
        return this.kvCompare(e);
      case 'attributes':
        return this.typedCompare(e, this.attribute(f));
      case 'datasets':
        return this.typedCompare(e, this.dataset(f));
    }
  }

  private in(e: In): RunPredicate {
    const f = e.field;
    switch (f.entity) {
      case 'metrics':
        return this.metricIn(e);
      case 'params':
      case 'tags':
        return this.kvIn(e);
      case 'attributes':
        return this.typedIn(e, this.attribute(f));
      case 'datasets':
        return this.typedIn(e, this.dataset(f));
    }
  }

  /** The latest value of the metric, or undefined when the run lacks it; NaN stays NaN. */
  private static latest(run: EvalRun, key: string): number | undefined {
    return Object.hasOwn(run.row.metrics, key) ? run.row.metrics[key] : undefined;
  }

  private metricCompare(e: Compare): RunPredicate {
    const { op, value } = e;
    const key = e.field.key;
    if (isLike(op)) throw this.error(e, `${op} needs a text field`);
    if (isNaNLiteral(value)) {
      // The store keeps a NaN latest as NULL: NaN equals only NaN and orders against nothing.
      if (op === '=') return (run) => Number.isNaN(Evaluator.latest(run, key) ?? 0);
      if (op === '!=') return (run) => { const l = Evaluator.latest(run, key); return l !== undefined && !Number.isNaN(l); };
      return FALSE;
    }
    const v = convertLiteral(value, 'number');
    if (isLiteralError(v)) throw this.error(e, v.message);
    const n = v as number;
    return (run) => {
      const l = Evaluator.latest(run, key);
      return l !== undefined && !Number.isNaN(l) && holds(op, l, n);
    };
  }

  private metricIn(e: In): RunPredicate {
    const key = e.field.key;
    const values: number[] = [];
    for (const lit of e.values) {
      if (lit === null || isNaNLiteral(lit)) continue; // equals nothing
      const v = convertLiteral(lit, 'number');
      if (isLiteralError(v)) throw this.error(e, v.message);
      values.push(v as number);
    }
    if (values.length === 0) return e.negated ? (run) => Evaluator.latest(run, key) !== undefined : FALSE;
    return (run) => {
      const l = Evaluator.latest(run, key);
      if (l === undefined || Number.isNaN(l)) return false;
      return values.includes(l) !== e.negated;
    };
  }

  private static kv(run: EvalRun, e: Leaf): string | undefined {
    const map = e.field.entity === 'params' ? run.row.params : run.row.tags;
    return Object.hasOwn(map, e.field.key) ? map[e.field.key] : undefined;
  }

  private kvCompare(e: Compare): RunPredicate {
    const { op, value } = e;
    if (isLike(op)) {
      const pattern = String(value);
      return (run) => { const t = Evaluator.kv(run, e); return t !== undefined && like(t, op, pattern); };
    }
    if (typeof value === 'number') {
      if (Number.isNaN(value)) {
        if (op === '=') return (run) => { const t = Evaluator.kv(run, e); return t !== undefined && asciiLower(t) === 'nan'; };
        if (op === '!=') return (run) => { const t = Evaluator.kv(run, e); return t !== undefined && asciiLower(t) !== 'nan'; };
        return FALSE;
      }
      return (run) => {
        const t = Evaluator.kv(run, e);
        const num = t === undefined ? null : numericValue(t);
        return num !== null && holds(op, num, value);
      };
    }
    if (typeof value === 'boolean') {
      const text = String(value);
      return (run) => { const t = Evaluator.kv(run, e); return t !== undefined && holds(op, asciiLower(t), text); };
    }
    const text = value as string;
    return (run) => { const t = Evaluator.kv(run, e); return t !== undefined && holds(op, t, text); };
  }

  private kvIn(e: In): RunPredicate {
    const texts: string[] = [];
    const nums: number[] = [];
    for (const v of e.values) {
      if (typeof v === 'number') {
        if (!Number.isNaN(v)) nums.push(v);
      } else if (v !== null) texts.push(String(v));
    }
    return (run) => {
      const t = Evaluator.kv(run, e);
      if (t === undefined) return false;
      const num = numericValue(t);
      if (!e.negated) return texts.includes(t) || (num !== null && nums.includes(num));
      return !texts.includes(t) && (num === null || !nums.includes(num));
    };
  }

  private typedCompare(e: Compare, field: TypedField): RunPredicate {
    const { op, value } = e;
    if (isLike(op)) {
      if (field.type !== 'text' && field.type !== 'status' && field.type !== 'id') throw this.error(e, `${op} needs a text field`);
      const pattern = field.type === 'text' ? String(value) : String(value).toLowerCase();
      return (run) => field.values(run).some((v) => v !== null && like(String(v), op, pattern));
    }
    if (isNaNLiteral(value)) throw this.error(e, 'NaN only compares with metrics');
    const converted = convertLiteral(value, field.type);
    if (isLiteralError(converted)) throw this.error(e, converted.message);
    const c = converted as string | number;
    return (run) => field.values(run).some((v) => v !== null && holds(op, v, c));
  }

  private typedIn(e: In, field: TypedField): RunPredicate {
    const values: (string | number)[] = [];
    for (const lit of e.values) {
      if (lit === null || isNaNLiteral(lit)) continue; // equals nothing
      const converted = convertLiteral(lit, field.type);
      if (isLiteralError(converted)) throw this.error(e, converted.message);
      values.push(converted as string | number);
    }
    if (values.length === 0) return e.negated ? field.present : FALSE;
    return (run) => field.values(run).some((v) => v !== null && values.some((x) => compareSql(v, x) === 0) !== e.negated);
  }
}
