import { QueryError } from '../core/query/ast';
import type { FieldRef, Literal } from '../core/query/ast';
import { RUN_STATUSES } from './types';

/**
 * How the filter and sort compilers see a field: an SQL expression over
 * `runs r` (plus its bound parameters) and the type its literals convert to.
 * Every SQL fragment here is a constant of this file; user text only ever
 * reaches SQL as a bound parameter.
 */
/** `id`: hex run ids, compared lower-case; `status`: also lower-case and checked. */
export type ValueType = 'number' | 'text' | 'id' | 'status' | 'time' | 'duration' | 'bool';

export interface ColumnRef {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly type: ValueType;
  /** Columns declared NOT NULL need no "missing is false" guard (keeps indexes usable). */
  readonly notNull: boolean;
}

export interface CompileContext {
  /** Query text, for QueryError positions. */
  readonly text: string;
  /** "Now" for the duration of unfinished runs. */
  readonly now: number;
}

interface AttributeDef {
  readonly sql: string;
  readonly type: ValueType;
  readonly notNull?: boolean;
  readonly usesNow?: boolean;
}

const EXPERIMENT_NAME: AttributeDef = { sql: '(SELECT name FROM experiments WHERE id = r.experiment_id)', type: 'text', notNull: true };
const ATTRIBUTES: Readonly<Record<string, AttributeDef>> = {
  id: { sql: 'r.id', type: 'id', notNull: true },
  run_id: { sql: 'r.id', type: 'id', notNull: true },
  name: { sql: 'r.name', type: 'text', notNull: true },
  run_name: { sql: 'r.name', type: 'text', notNull: true },
  status: { sql: 'r.status', type: 'status', notNull: true },
  experiment: EXPERIMENT_NAME,
  experiment_name: EXPERIMENT_NAME,
  experiment_id: { sql: 'r.experiment_id', type: 'number', notNull: true },
  created: { sql: 'r.created_at', type: 'time', notNull: true },
  created_at: { sql: 'r.created_at', type: 'time', notNull: true },
  start_time: { sql: 'r.started_at', type: 'time' },
  started_at: { sql: 'r.started_at', type: 'time' },
  end_time: { sql: 'r.ended_at', type: 'time' },
  ended_at: { sql: 'r.ended_at', type: 'time' },
  heartbeat_at: { sql: 'r.heartbeat_at', type: 'time' },
  duration: { sql: '(coalesce(r.ended_at, ?) - r.started_at)', type: 'duration', usesNow: true },
  starred: { sql: 'r.starred', type: 'bool', notNull: true },
  git_dirty: { sql: 'r.git_dirty', type: 'bool' },
  parent_id: { sql: 'r.parent_id', type: 'id' },
  config_path: { sql: 'r.config_path', type: 'text' },
  git_commit: { sql: 'r.git_commit', type: 'text' },
  note: { sql: 'r.note', type: 'text' },
  error: { sql: 'r.error', type: 'text' },
  pid: { sql: 'r.pid', type: 'number' },
  host: { sql: 'r.host', type: 'text' },
  runlens_version: { sql: 'r.runlens_version', type: 'text' },
};

/** Attribute names the filter language accepts. */
export const ATTRIBUTE_NAMES: readonly string[] = Object.keys(ATTRIBUTES);

export function attributeColumn(field: FieldRef, ctx: CompileContext): ColumnRef {
  const def = ATTRIBUTES[field.key.toLowerCase()];
  if (!def) {
    throw new QueryError(
      `unknown attribute "${field.key}" (known: ${ATTRIBUTE_NAMES.join(', ')})`,
      ctx.text, field.start, field.end,
    );
  }
  return { sql: def.sql, params: def.usesNow ? [ctx.now] : [], type: def.type, notNull: def.notNull ?? false };
}

/** Dataset fields: columns of `run_inputs i`, or of `datasets d` joined to it. */
const DATASET_FIELDS: Readonly<Record<string, { sql: string; type: ValueType; joinDataset: boolean }>> = {
  fingerprint: { sql: 'i.fingerprint', type: 'text', joinDataset: false },
  path: { sql: 'i.path', type: 'text', joinDataset: false },
  role: { sql: 'i.role', type: 'text', joinDataset: false },
  rows: { sql: 'd.rows', type: 'number', joinDataset: true },
  columns: { sql: 'd.columns', type: 'number', joinDataset: true },
};

export function datasetField(field: FieldRef, ctx: CompileContext): { column: ColumnRef; from: string } {
  const def = DATASET_FIELDS[field.key.toLowerCase()];
  if (!def) {
    throw new QueryError(
      `unknown dataset field "${field.key}" (known: ${Object.keys(DATASET_FIELDS).join(', ')})`,
      ctx.text, field.start, field.end,
    );
  }
  const from = def.joinDataset ? 'run_inputs i JOIN datasets d ON d.fingerprint = i.fingerprint' : 'run_inputs i';
  return { column: { sql: def.sql, params: [], type: def.type, notNull: false }, from };
}

const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)\s*$/i;
const DURATION_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

export interface LiteralError {
  readonly message: string;
}

/**
 * Converts a literal to the SQL value of a typed column, or explains why it
 * cannot be compared (the caller turns that into a QueryError).
 */
export function convertLiteral(value: Literal, type: ValueType): unknown | LiteralError {
  switch (type) {
    case 'text':
      return typeof value === 'string' ? value : String(value);
    case 'id':
      return String(value).toLowerCase();
    case 'status': {
      const s = String(value).toLowerCase();
      const mapped = s === 'scheduled' ? 'queued' : s;
      if (!(RUN_STATUSES as readonly string[]).includes(mapped)) return { message: `unknown status "${String(value)}" (expected ${RUN_STATUSES.join(', ')})` };
      return mapped;
    }
    case 'bool':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (value === 0 || value === 1) return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true' ? 1 : 0;
      return { message: `expected true or false, got ${JSON.stringify(value)}` };
    case 'number':
      return toNumber(value) ?? { message: `expected a number, got ${JSON.stringify(value)}` };
    case 'time': {
      if (typeof value === 'string' && !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
        const t = Date.parse(value);
        return Number.isNaN(t) ? { message: `expected a time (ms since epoch or a date like '2025-01-31'), got '${value}'` } : t;
      }
      return toNumber(value) ?? { message: `expected a time in ms, got ${JSON.stringify(value)}` };
    }
    case 'duration': {
      const m = typeof value === 'string' ? DURATION_RE.exec(value) : null;
      if (m) return Number(m[1]) * DURATION_MS[m[2].toLowerCase()];
      return toNumber(value) ?? { message: `expected a duration in ms or like '90s', '5m', '2h', got ${JSON.stringify(value)}` };
    }
  }
}

function toNumber(value: Literal): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

export function isLiteralError(v: unknown): v is LiteralError {
  return typeof v === 'object' && v !== null && 'message' in v;
}

/**
 * A LIKE pattern as an equivalent GLOB pattern: SQLite's LIKE ignores ASCII
 * case, GLOB does not, and LIKE must be case-sensitive (as in MLflow).
 */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const c of pattern) {
    if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else if (c === '*' || c === '?' || c === '[') out += `[${c}]`;
    else out += c;
  }
  return out;
}
