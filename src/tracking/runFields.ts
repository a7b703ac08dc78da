/**
 * The values the filter and sort languages read from a run, in JavaScript:
 * the same attributes as the store's SQL columns (src/store/queryFields.ts),
 * with SQL's types (booleans as 0/1, a missing value as null).
 */
import type { RunRow } from '../store/types';

/** A dataset a run read, as the evaluator sees it (`rows`/`columns` null when unknown). */
export interface EvalInput {
  readonly fingerprint: string;
  readonly path: string;
  readonly role: string;
  readonly rows: number | null;
  readonly columns: number | null;
}

/** A run as the filter evaluator reads it: its row and its inputs. */
export interface EvalRun {
  readonly row: RunRow;
  readonly inputs: readonly EvalInput[];
}

export type SqlValue = string | number | null;

type Getter = (row: RunRow, now: number) => SqlValue;

const bool = (b: boolean | null): SqlValue => (b === null ? null : b ? 1 : 0);

const byName: Readonly<Record<string, Getter>> = {
  id: (r) => r.id,
  name: (r) => r.name,
  status: (r) => r.status,
  experiment: (r) => r.experiment,
  experiment_id: (r) => r.experimentId,
  created_at: (r) => r.createdAt,
  started_at: (r) => r.startedAt,
  ended_at: (r) => r.endedAt,
  heartbeat_at: (r) => r.heartbeatAt,
  // coalesce(ended_at, now) - started_at: null while the run has no start.
  duration: (r, now) => (r.startedAt === null ? null : (r.endedAt ?? now) - r.startedAt),
  starred: (r) => bool(r.starred),
  git_dirty: (r) => bool(r.gitDirty),
  parent_id: (r) => r.parentId,
  config_path: (r) => r.configPath,
  git_commit: (r) => r.gitCommit,
  note: (r) => r.note,
  error: (r) => r.error,
  pid: (r) => r.pid,
  host: (r) => r.host,
  runlens_version: (r) => r.runlensVersion,
};

const ALIASES: Readonly<Record<string, string>> = {
  run_id: 'id',
  run_name: 'name',
  experiment_name: 'experiment',
  created: 'created_at',
  start_time: 'started_at',
  end_time: 'ended_at',
};

/** The getter of an attribute (any case, aliases included), or undefined when the store has no such attribute. */
export function attributeGetter(name: string): Getter | undefined {
  const k = name.toLowerCase();
  return byName[ALIASES[k] ?? k];
}

/** Dataset fields as the store's `run_inputs`/`datasets` columns. */
export function datasetValue(input: EvalInput, field: string): SqlValue {
  switch (field.toLowerCase()) {
    case 'fingerprint':
      return input.fingerprint;
    case 'path':
      return input.path;
    case 'role':
      return input.role;
    case 'rows':
      return input.rows;
    case 'columns':
      return input.columns;
    default:
      return null;
  }
}
