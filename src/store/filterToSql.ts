import { QueryError } from '../core/query/ast';
import type { CompareOp, FieldRef, FilterExpr } from '../core/query/ast';
import type { ColumnRef, CompileContext } from './queryFields';
import { attributeColumn, convertLiteral, datasetField, isLiteralError, likeToGlob } from './queryFields';

/** A WHERE-clause fragment over `runs r` and the values it binds, in order. */
export interface FilterSql {
  readonly sql: string;
  readonly params: unknown[];
}

export interface FilterOptions {
  /** The query text the AST came from, so errors can point into it. */
  readonly text?: string;
  /** "Now" (ms) for `attributes.duration` of unfinished runs; default Date.now(). */
  readonly now?: number;
  /**
   * How metric/param/tag terms reach `runs r`. `sets` (default): each term is
   * `r.id IN (its runs)`, a set SQLite builds once from the key's index: best
   * when every match is wanted. `probes`: each term is a correlated EXISTS,
   * one primary-key probe per run the query visits: best when the runs come
   * in an index's order and a limit stops the walk early. `leadSet`: one
   * term of the top-level AND drives as a set (the first metric/param/tag
   * comparison, else the first term); the other terms about metrics, params,
   * tags and datasets probe each of its rows inside that set, by run id, so
   * `runs` is read only for the runs that pass them; attribute terms follow
   * on `runs r`.
   */
  readonly terms?: 'sets' | 'probes' | 'leadSet';
}

type Node = Extract<FilterExpr, { kind: 'compare' | 'in' | 'exists' }>;

/**
 * Compiles a filter AST to SQL over `runs r`. Semantics (as MLflow's):
 * `metrics.k` compares the latest value, `params.k`/`tags.k` the text, or the
 * number when the literal is a number and the value looks numeric; a
 * comparison on a key the run lacks is false (so `not (...)` is true).
 * `IS NULL` asks whether the key is missing. LIKE is case-sensitive, ILIKE not.
 * Keys and values are always bound parameters.
 */
export function filterToSql(expr: FilterExpr, opts: FilterOptions = {}): FilterSql {
  const ctx: CompileContext = { text: opts.text ?? '', now: opts.now ?? Date.now() };
  const params: unknown[] = [];
  const mode = opts.terms ?? 'sets';
  if (mode !== 'leadSet') return { sql: new Compiler(ctx, params, mode === 'probes').expr(expr), params };
  const terms = conjuncts(expr);
  const leadAt = terms.findIndex(isLeadTerm);
  if (leadAt < 0) {
    const [first, ...rest] = terms;
    const parts = [new Compiler(ctx, params, false).expr(first)];
    const probes = new Compiler(ctx, params, true);
    for (const e of rest) parts.push(probes.expr(e));
    return { sql: parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`, params };
  }
  const others = terms.filter((_, i) => i !== leadAt);
  const inner = others.filter(isAboutRunIdOnly);
  // The lead's tables get other aliases (ls, lp, lt), so a probe's own s/p/t inside it can name `<lead>.run_id`.
  const parts = [
    new Compiler(ctx, params, false, 'r.id', 'l').lead(terms[leadAt] as Node, (leadRunId) => {
      const probes = new Compiler(ctx, params, true, leadRunId);
      return inner.map((e) => probes.expr(e));
    }),
  ];
  const probes = new Compiler(ctx, params, true);
  for (const e of others) if (!inner.includes(e)) parts.push(probes.expr(e));
  return { sql: parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`, params };
}

/** A comparison of a metric, param or tag with a value: its rows come from one key's index range, a set to drive with. */
function isLeadTerm(e: FilterExpr): boolean {
  return (e.kind === 'compare' && e.value !== null || e.kind === 'in') && e.field.entity !== 'attributes' && e.field.entity !== 'datasets';
}

/** Whether a term reads nothing of `runs` but the run's id (metrics, params, tags, datasets, and and/or/not of them). */
function isAboutRunIdOnly(e: FilterExpr): boolean {
  switch (e.kind) {
    case 'and':
    case 'or':
      return isAboutRunIdOnly(e.left) && isAboutRunIdOnly(e.right);
    case 'not':
      return isAboutRunIdOnly(e.expr);
    default:
      return e.field.entity !== 'attributes';
  }
}

/** The terms of a top-level AND chain, left to right (one term when it is not an AND). */
function conjuncts(e: FilterExpr): FilterExpr[] {
  return e.kind === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

const ENTITY_TABLE = { metrics: ['metric_series', 's'], params: ['params', 'p'], tags: ['tags', 't'] } as const;

class Compiler {
  constructor(
    private readonly ctx: CompileContext,
    private readonly params: unknown[],
    /** Correlated EXISTS probes instead of `r.id IN (set)` (see FilterOptions.terms). */
    private readonly probes = false,
    /** The run id the terms are about: `runs r`, or the lead set's row a probe inside it runs for. */
    private readonly runId = 'r.id',
    /** Prefixed to the metrics/params/tags aliases (the lead set's `l`). */
    private readonly aliasPrefix = '',
  ) {}

  private table(entity: keyof typeof ENTITY_TABLE): [string, string] {
    const [table, alias] = ENTITY_TABLE[entity];
    return [table, this.aliasPrefix + alias];
  }

  /**
   * The lead term of a `leadSet` filter as `r.id IN (its rows AND the probes
   * `inner` gives for the row's run id)`: `runs` is read for the runs that pass all.
   */
  lead(e: Node, inner: (runId: string) => string[]): string {
    const [, alias] = this.table(e.field.entity as keyof typeof ENTITY_TABLE);
    const more = () => inner(`${alias}.run_id`).map((p) => ` AND ${p}`).join('');
    if (e.kind === 'in') return this.scoped(e.field, (col, a) => (col ? this.typedIn(col, e) : this.kvIn(a, e)), more);
    if (e.kind === 'compare') return this.scoped(e.field, (col, a) => (col ? this.typedCompare(col, e) : this.kvCompare(a, e)), more);
    throw new Error(`not a lead term: ${e.kind}`);
  }

  /** A param/tag column; in a probe `+` keeps the planner on the (run_id, key) primary key. */
  private kv(alias: string, column: 'value' | 'num'): string {
    return `${this.probes ? '+' : ''}${alias}.${column}`;
  }

  /** `r.id [NOT] IN (SELECT a.run_id FROM from WHERE `, or the correlated EXISTS form; the caller closes the parenthesis. */
  private head(from: string, alias: string, not = ''): string {
    return this.probes
      ? `${not}EXISTS (SELECT 1 FROM ${from} WHERE ${alias}.run_id = ${this.runId} AND `
      : `${this.runId} ${not}IN (SELECT ${alias}.run_id FROM ${from} WHERE `;
  }

  expr(e: FilterExpr): string {
    switch (e.kind) {
      case 'and':
        return `(${this.expr(e.left)} AND ${this.expr(e.right)})`;
      case 'or':
        return `(${this.expr(e.left)} OR ${this.expr(e.right)})`;
      case 'not':
        return `(NOT ${this.expr(e.expr)})`;
      case 'exists':
        return this.exists(e.field, e.negated);
      case 'compare':
        if (e.value === null) {
          if (e.op === '=') return this.exists(e.field, true);
          if (e.op === '!=') return this.exists(e.field, false);
          throw this.error(e, `${e.op} cannot compare with null; use IS NULL or IS NOT NULL`);
        }
        return this.indexedProbe(e) ?? this.scoped(e.field, (col, alias) => (col ? this.typedCompare(col, e) : this.kvCompare(alias, e)));
      case 'in':
        return this.scoped(e.field, (col, alias) => (col ? this.typedIn(col, e) : this.kvIn(alias, e)));
    }
  }

  /**
   * A probe for `params.k = 'text'` (or `= number`, tags alike) through the
   * (key, value|num, run_id) index instead of the (run_id, key) key: runs
   * probed in any order then stay within the few pages of that key and value
   * (at 100,000 runs the primary key's pages for random runs miss the cache).
   */
  private indexedProbe(e: Extract<Node, { kind: 'compare' }>): string | undefined {
    const { field, value } = e;
    if (!this.probes || e.op !== '=' || (field.entity !== 'params' && field.entity !== 'tags')) return undefined;
    let column: 'value' | 'num';
    if (typeof value === 'string') column = 'value';
    else if (typeof value === 'number' && !Number.isNaN(value)) column = 'num';
    else return undefined;
    const [table, alias] = this.table(field.entity);
    return `EXISTS (SELECT 1 FROM ${table} ${alias} INDEXED BY ${table}_by_${column} WHERE ${alias}.key = ${this.bind(field.key)}
      AND ${alias}.${column} = ${this.bind(value)} AND ${alias}.run_id = ${this.runId})`;
  }

  private error(node: Node | { field: FieldRef; start: number; end: number }, message: string): QueryError {
    return new QueryError(`${message} (${node.field.entity}.${node.field.key})`, this.ctx.text, node.start, node.end);
  }

  private use(col: ColumnRef): string {
    this.params.push(...col.params);
    return col.sql;
  }

  private bind(value: unknown): string {
    this.params.push(value);
    return '?';
  }

  /**
   * Wraps a condition in the scope of its entity: `r.id IN (runs whose row for
   * the key satisfies it)` for metrics/params/tags (missing key → false, and
   * NOT of it true), the column itself for attributes, the same IN over the
   * run's inputs for datasets: a set built once from the (key, …) indexes,
   * or a correlated probe per run (FilterOptions.terms).
   * `cond` gets a typed column, or (params/tags) no column and the table alias.
   */
  private scoped(field: FieldRef, cond: (col: ColumnRef | undefined, alias: string) => string, more = () => ''): string {
    switch (field.entity) {
      case 'metrics': {
        const [table, s] = this.table('metrics');
        const head = `${this.head(`${table} ${s}`, s)}${s}.key = ${this.bind(field.key)} AND `;
        // A probe must find its row by (run_id, key): `+` keeps the planner off the (key, latest) index there.
        const latest = this.probes ? `+${s}.latest` : `${s}.latest`;
        // Inside the subquery a NULL condition only drops the row, so no guard is needed: notNull.
        const body = cond({ sql: latest, params: [], type: 'number', notNull: true }, s);
        return `${head}${body}${more()})`;
      }
      case 'params':
      case 'tags': {
        const [table, alias] = this.table(field.entity);
        const head = `${this.head(`${table} ${alias}`, alias)}${alias}.key = ${this.bind(field.key)} AND `;
        const body = cond(undefined, alias);
        return `${head}${body}${more()})`;
      }
      case 'attributes':
        return cond(attributeColumn(field, this.ctx), 'r');
      case 'datasets': {
        const { column, from } = datasetField(field, this.ctx);
        const head = this.head(from, 'i');
        return `${head}${cond({ ...column, notNull: true }, 'i')})`;
      }
    }
  }

  private exists(field: FieldRef, negated: boolean): string {
    const not = negated ? 'NOT ' : '';
    switch (field.entity) {
      case 'metrics':
      case 'params':
      case 'tags': {
        const [table, alias] = this.table(field.entity);
        return `${this.head(`${table} ${alias}`, alias, not)}${alias}.key = ${this.bind(field.key)})`;
      }
      case 'attributes':
        return `${this.use(attributeColumn(field, this.ctx))} IS ${negated ? '' : 'NOT '}NULL`;
      case 'datasets': {
        const { column, from } = datasetField(field, this.ctx);
        return `${this.head(from, 'i', not)}${this.use(column)} IS NOT NULL)`;
      }
    }
  }

  /** `col IS NOT NULL AND …` for nullable attributes, so a missing value compares false even under NOT. */
  private guard(col: ColumnRef, body: () => string): string {
    if (col.notNull) return body();
    const head = `(${this.use(col)} IS NOT NULL AND `;
    return `${head}${body()})`;
  }

  private typedCompare(col: ColumnRef, e: Extract<Node, { kind: 'compare' }>): string {
    const { op, value } = e;
    if (isLike(op)) {
      if (col.type !== 'text' && col.type !== 'status' && col.type !== 'id') throw this.error(e, `${op} needs a text field`);
      const pattern = col.type === 'text' ? String(value) : String(value).toLowerCase();
      return this.guard(col, () => this.like(() => this.use(col), op, pattern));
    }
    if (typeof value === 'number' && Number.isNaN(value)) {
      if (!col.sql.endsWith('s.latest')) throw this.error(e, 'NaN only compares with metrics');
      // NaN is stored as NULL; NaN equals nothing else, and orders against nothing.
      if (op === '=') return `${col.sql} IS NULL`;
      if (op === '!=') return `${col.sql} IS NOT NULL`;
      return '0';
    }
    const converted = convertLiteral(value, col.type);
    if (isLiteralError(converted)) throw this.error(e, converted.message);
    return this.guard(col, () => `${this.use(col)} ${op} ${this.bind(converted)}`);
  }

  private typedIn(col: ColumnRef, e: Extract<Node, { kind: 'in' }>): string {
    const values: unknown[] = [];
    for (const v of e.values) {
      if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue; // equals nothing
      const converted = convertLiteral(v, col.type);
      if (isLiteralError(converted)) throw this.error(e, converted.message);
      values.push(converted);
    }
    if (values.length === 0) return e.negated ? this.guard(col, () => '1') : '0';
    return this.guard(col, () => {
      const column = this.use(col);
      return `${column} ${e.negated ? 'NOT IN' : 'IN'} (${values.map((v) => this.bind(v)).join(', ')})`;
    });
  }

  private like(column: () => string, op: CompareOp, pattern: string): string {
    switch (op) {
      case 'LIKE':
        return `${column()} GLOB ${this.bind(likeToGlob(pattern))}`;
      case 'NOT LIKE':
        return `NOT (${column()} GLOB ${this.bind(likeToGlob(pattern))})`;
      case 'ILIKE':
        return `${column()} LIKE ${this.bind(pattern)}`;
      default:
        return `NOT (${column()} LIKE ${this.bind(pattern)})`;
    }
  }

  /** Params/tags: text compare, or numeric (on the stored `num`) when the literal is a number. */
  private kvCompare(a: string, e: Extract<Node, { kind: 'compare' }>): string {
    const { op, value } = e;
    if (isLike(op)) return this.like(() => this.kv(a, 'value'), op, String(value));
    if (typeof value === 'number') {
      if (Number.isNaN(value)) {
        if (op === '=') return `lower(${this.kv(a, 'value')}) = 'nan'`;
        if (op === '!=') return `lower(${this.kv(a, 'value')}) != 'nan'`;
        return '0';
      }
      return `${this.kv(a, 'num')} ${op} ${this.bind(value)}`;
    }
    if (typeof value === 'boolean') return `lower(${this.kv(a, 'value')}) ${op} ${this.bind(String(value))}`;
    return `${this.kv(a, 'value')} ${op} ${this.bind(value)}`;
  }

  private kvIn(a: string, e: Extract<Node, { kind: 'in' }>): string {
    const texts: string[] = [];
    const nums: number[] = [];
    for (const v of e.values) {
      if (typeof v === 'number') {
        if (!Number.isNaN(v)) nums.push(v);
      } else if (v !== null) texts.push(String(v));
    }
    const textList = () => texts.map((t) => this.bind(t)).join(', ');
    const numList = () => nums.map((n) => this.bind(n)).join(', ');
    if (!e.negated) {
      const parts: string[] = [];
      if (texts.length) parts.push(`${this.kv(a, 'value')} IN (${textList()})`);
      if (nums.length) parts.push(`${this.kv(a, 'num')} IN (${numList()})`);
      return parts.length ? `(${parts.join(' OR ')})` : '0';
    }
    const parts: string[] = [];
    if (texts.length) parts.push(`${this.kv(a, 'value')} NOT IN (${textList()})`);
    if (nums.length) parts.push(`(${this.kv(a, 'num')} IS NULL OR ${this.kv(a, 'num')} NOT IN (${numList()}))`);
    return parts.length ? `(${parts.join(' AND ')})` : '1';
  }
}

function isLike(op: CompareOp): boolean {
  return op === 'LIKE' || op === 'ILIKE' || op === 'NOT LIKE' || op === 'NOT ILIKE';
}

