/**
 * Syntax tree of the run filter language, e.g.
 * `metrics.test_accuracy > 0.9 and (params.model = "tree" or not tags.x LIKE 'a%')`.
 *
 * Produced by `parseFilter` (src/core/query/parseFilter.ts), compiled to SQL
 * by the store (src/store/filterToSql.ts). Positions are 0-based character
 * offsets into the query text so errors can point at the offending token.
 */
export type Entity = 'metrics' | 'params' | 'tags' | 'attributes' | 'datasets';

export interface FieldRef {
  readonly entity: Entity;
  /** Metric/param/tag key, attribute name (`status`, `name`, `start_time`…), or dataset field. */
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

export type Literal = string | number | boolean | null;

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'NOT LIKE' | 'NOT ILIKE';

export type FilterExpr =
  | { readonly kind: 'and'; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: 'or'; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: 'not'; readonly expr: FilterExpr }
  | { readonly kind: 'compare'; readonly field: FieldRef; readonly op: CompareOp; readonly value: Literal; readonly start: number; readonly end: number }
  | { readonly kind: 'in'; readonly field: FieldRef; readonly negated: boolean; readonly values: readonly Literal[]; readonly start: number; readonly end: number }
  /** `metrics.x IS NULL` / `IS NOT NULL`: whether the run has the key at all. */
  | { readonly kind: 'exists'; readonly field: FieldRef; readonly negated: boolean; readonly start: number; readonly end: number };

export interface SortKey {
  readonly field: FieldRef;
  readonly descending: boolean;
}

/** A malformed query: `start`/`end` delimit the offending token in the text. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly query: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
    this.name = 'QueryError';
  }

  /** The query with a caret line under the offending token, for terminals. */
  pointer(): string {
    const width = Math.max(1, this.end - this.start);
    return `${this.query}\n${' '.repeat(this.start)}${'^'.repeat(width)}`;
  }
}
