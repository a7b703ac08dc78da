import type { Sql } from './connection';
import type { MetricHistory } from './types';

/**
 * The rows of `select` (step, timestamp, value; ordered) as three typed
 * arrays: the row path of history reads. SQLite gathers each column into one
 * JSON array and V8 parses it: one crossing into JS instead of one per row.
 * Measured on 1,000,000 points (BENCHMARKS.md, Store): about 0.55 s of CPU
 * against 0.8 s for a raw `iterate()` of the same rows and 0.67 s for three
 * `pluck()` reads. Exact: the SQLite that better-sqlite3 bundles (3.53)
 * writes a REAL as text that reads back to the same double
 * (metricRepo.test.ts checks awkward ones), ±Infinity as ±9e999; NULL (a
 * NaN) becomes NaN. The outer aggregate takes the ordered subquery's rows in
 * its order (SQLite does not flatten an ORDER BY subquery into an aggregate).
 */
export function rowColumns(sql: Sql, select: string, ...params: number[]): MetricHistory {
  const json = sql
    .stmt(`SELECT json_group_array(step), json_group_array(timestamp), json_group_array(value) FROM (${select})`)
    .raw(true)
    .get(...params) as [string, string, string];
  return { steps: floats(json[0]), timestamps: floats(json[1]), values: floats(json[2]) };
}

/** A history of no points. */
export function emptyHistory(): MetricHistory {
  return { steps: new Float64Array(0), timestamps: new Float64Array(0), values: new Float64Array(0) };
}

/** A JSON array of numbers and nulls as a Float64Array, null as NaN. */
function floats(json: string): Float64Array {
  const xs = JSON.parse(json) as (number | null)[];
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    out[i] = v === null ? NaN : v;
  }
  return out;
}
