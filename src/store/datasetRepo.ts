import type { Sql } from './connection';
import { StoreError, isForeignKeyError } from './errors';
import type { DatasetInfo, DatasetRecord, InputRole, RunInput } from './types';
import { INPUT_ROLES } from './types';

interface DatasetRow {
  fingerprint: string;
  path: string;
  rows: number | null;
  columns: number | null;
  schema: string | null;
  stats: string | null;
  created_at: number;
}

function parseJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

function toRecord(r: DatasetRow): DatasetRecord {
  return {
    fingerprint: r.fingerprint,
    path: r.path,
    rows: r.rows,
    columns: r.columns,
    schema: parseJson(r.schema),
    stats: parseJson(r.stats),
    createdAt: r.created_at,
  };
}

function toJson(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

/** A run's use of a dataset version, with what the dataset views show about the run. */
export interface DatasetUse {
  readonly fingerprint: string;
  /** The path the run read it from (as recorded: workspace-relative inside the workspace). */
  readonly path: string;
  readonly role: InputRole;
  readonly runId: string;
  readonly runName: string;
  readonly runCreatedAt: number;
  /** The commit checked out when the run started, if it was in a git repository. */
  readonly gitCommit: string | null;
}

/** Datasets (by content fingerprint) and the runs that used them. */
export class DatasetRepo {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
  ) {}

  /** Inserts or refreshes a dataset; fields left undefined keep their stored value. */
  upsert(d: DatasetInfo): DatasetRecord {
    if (!d.fingerprint) throw new StoreError('dataset fingerprint must not be empty');
    return this.sql.write(() => {
      this.sql
        .stmt(
          `INSERT INTO datasets (fingerprint, path, rows, columns, schema, stats, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (fingerprint) DO UPDATE SET path = excluded.path,
             rows = coalesce(excluded.rows, rows), columns = coalesce(excluded.columns, columns),
             schema = coalesce(excluded.schema, schema), stats = coalesce(excluded.stats, stats)`,
        )
        .run(d.fingerprint, d.path, d.rows ?? null, d.columns ?? null, toJson(d.schema), toJson(d.stats), this.now());
      return this.get(d.fingerprint) as DatasetRecord;
    });
  }

  get(fingerprint: string): DatasetRecord | undefined {
    const row = this.sql.stmt('SELECT * FROM datasets WHERE fingerprint = ?').get(fingerprint) as DatasetRow | undefined;
    return row && toRecord(row);
  }

  list(): DatasetRecord[] {
    return (this.sql.stmt('SELECT * FROM datasets ORDER BY created_at DESC, path').all() as DatasetRow[]).map(toRecord);
  }

  /** Records that a run used a dataset (given as info, upserted, or as a stored fingerprint). */
  logInput(runId: string, dataset: DatasetInfo | string, role: InputRole): RunInput {
    if (!(INPUT_ROLES as readonly string[]).includes(role)) {
      throw new StoreError(`unknown input role "${role}" (expected ${INPUT_ROLES.join(', ')})`);
    }
    return this.sql.write(() => {
      const record = typeof dataset === 'string' ? this.get(dataset) : this.upsert(dataset);
      if (!record) throw new StoreError(`no dataset with fingerprint ${dataset as string}`);
      try {
        this.sql
          .stmt('INSERT OR REPLACE INTO run_inputs (run_id, fingerprint, role, path) VALUES (?, ?, ?, ?)')
          .run(runId, record.fingerprint, role, record.path);
      } catch (e) {
        if (isForeignKeyError(e)) throw new StoreError(`no run with id ${runId}`);
        throw e;
      }
      return { runId, fingerprint: record.fingerprint, role, path: record.path };
    });
  }

  /** Datasets whose fingerprint starts with `prefix` (lower-case hex), at most `limit`. */
  byPrefix(prefix: string, limit: number): DatasetRecord[] {
    if (!/^[0-9a-f]+$/.test(prefix)) return [];
    // GLOB is case-sensitive, so SQLite answers it with a range scan of the primary key.
    return (this.sql.stmt('SELECT * FROM datasets WHERE fingerprint GLOB ? ORDER BY fingerprint LIMIT ?').all(`${prefix}*`, limit) as DatasetRow[]).map(toRecord);
  }

  /** Every (run, dataset) link with the run's name, time and commit; newest run first. */
  uses(fingerprint?: string): DatasetUse[] {
    const rows = this.sql
      .stmt(`SELECT i.fingerprint, i.path, i.role, r.id, r.name, r.created_at, r.git_commit
             FROM run_inputs i JOIN runs r ON r.id = i.run_id
             WHERE @fp IS NULL OR i.fingerprint = @fp
             ORDER BY r.created_at DESC, r.id`)
      .all({ fp: fingerprint ?? null }) as { fingerprint: string; path: string; role: InputRole; id: string; name: string; created_at: number; git_commit: string | null }[];
    return rows.map((r) => ({
      fingerprint: r.fingerprint, path: r.path, role: r.role, runId: r.id, runName: r.name, runCreatedAt: r.created_at, gitCommit: r.git_commit,
    }));
  }

  inputs(runId: string): RunInput[] {
    const rows = this.sql
      .stmt(`SELECT run_id, fingerprint, role, path FROM run_inputs WHERE run_id = ?
             ORDER BY CASE role WHEN 'train' THEN 0 WHEN 'test' THEN 1 ELSE 2 END, path`)
      .all(runId) as { run_id: string; fingerprint: string; role: InputRole; path: string }[];
    return rows.map((r) => ({ runId: r.run_id, fingerprint: r.fingerprint, role: r.role, path: r.path }));
  }
}
