/**
 * Typed queries for what the editor asks about one training config: its runs,
 * newest first, and its last run. Callers name what they want instead of
 * building a filter syntax tree (the filter language stays the user-facing
 * API; this file is the one place that speaks it for these questions).
 */
import type { FieldRef, FilterExpr, SortKey } from '../core/query/ast';
import type { Sql } from './connection';
import { listRuns } from './runQuery';
import type { RunRow } from './types';

export interface ConfigRunsOptions {
  /** At most this many runs; undefined: every run of the config. */
  readonly limit?: number;
  /** Trials of a sweep too (runs with a parent); default: top-level runs only, as the CodeLens and "Compare with Previous" want. */
  readonly includeChildren?: boolean;
}

/** A field of the filter language, made here so callers never spell one. */
function attribute(key: string): FieldRef {
  return { entity: 'attributes', key, start: 0, end: 0 };
}

const NEWEST_FIRST: readonly SortKey[] = [{ field: attribute('start_time'), descending: true }];

function configPathIs(path: string): FilterExpr {
  return { kind: 'compare', field: attribute('config_path'), op: '=', value: path, start: 0, end: 0 };
}

/** The runs started from the config at `configPath` (its absolute path as recorded), newest first. */
export function runsOfConfig(sql: Sql, now: number, configPath: string, opts: ConfigRunsOptions = {}): RunRow[] {
  return listRuns(sql, {
    filter: configPathIs(configPath),
    sort: NEWEST_FIRST,
    limit: opts.limit,
    ...(opts.includeChildren ? {} : { parentId: null }),
  }, now);
}

/** The newest top-level run of the config, or undefined when it never ran. */
export function lastRunOf(sql: Sql, now: number, configPath: string): RunRow | undefined {
  return runsOfConfig(sql, now, configPath, { limit: 1 })[0];
}
