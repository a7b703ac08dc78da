import { DatasetError } from '../datasetError';

/** How a result column is kept: numbers, true/false, or text (dates as ISO text). */
export type ResultKind = 'numeric' | 'boolean' | 'text';

/** One column of a query's result. */
export interface ResultColumn {
  readonly name: string;
  readonly kind: ResultKind;
  readonly values: (number | boolean | string | null)[];
}

/** A query's rows, column by column. */
export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: number;
}

/**
 * Turns row arrays into typed columns. A column's kind is the declared one
 * when the driver knows it, else what its values are (all numbers: numeric;
 * all booleans: boolean; anything else: text). Refuses what a table cannot
 * hold: no rows, two columns of one name, a nested value.
 */
export function toQueryResult(source: string, names: readonly string[], declared: readonly (ResultKind | undefined)[],
  rows: readonly (readonly unknown[])[]): QueryResult {
  if (rows.length === 0) {
    throw new DatasetError(`${source}: the query returned no rows; a model needs data (check the query's WHERE clause and the table)`);
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new DatasetError(`${source}: the query returns two columns named "${n}"; give each column its own name (AS …)`);
    seen.add(n);
  }
  const columns = names.map((name, c): ResultColumn => {
    const cells = rows.map((r) => r[c]);
    for (let r = 0; r < cells.length; r++) {
      const v = cells[r];
      if (v !== null && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
        throw new DatasetError(`${source}: column "${name}", row ${r + 1} holds a nested value (JSON, an array or a record); select its fields as columns of their own`);
      }
    }
    const kind = declared[c] ?? inferKind(cells);
    return { name, kind, values: cells.map((v) => cellOf(v, kind)) };
  });
  return { columns, rows: rows.length };
}

function inferKind(cells: readonly unknown[]): ResultKind {
  let numbers = 0;
  let bools = 0;
  let others = 0;
  for (const v of cells) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number' || typeof v === 'bigint') numbers++;
    else if (typeof v === 'boolean') bools++;
    else others++;
  }
  if (others > 0 || (numbers > 0 && bools > 0)) return 'text';
  if (bools > 0) return 'boolean';
  return 'numeric';
}

function cellOf(v: unknown, kind: ResultKind): number | boolean | string | null {
  if (v === null || v === undefined) return null;
  if (kind === 'numeric') {
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isNaN(n) ? null : n;
  }
  if (kind === 'boolean') return typeof v === 'boolean' ? v : Boolean(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}
