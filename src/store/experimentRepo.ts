import type { Sql } from './connection';
import { StoreError } from './errors';
import type { ExperimentRecord, ExperimentSummary, Lifecycle } from './types';

interface ExperimentRow {
  id: number;
  name: string;
  created_at: number;
  deleted_at: number | null;
}

const COLUMNS = 'id, name, created_at, deleted_at';

function toRecord(row: ExperimentRow): ExperimentRecord {
  return { id: row.id, name: row.name, createdAt: row.created_at, deletedAt: row.deleted_at };
}

/** SQL condition on `deleted_at` of the alias given for a lifecycle filter. */
export function lifecycleSql(alias: string, lifecycle: Lifecycle): string {
  if (lifecycle === 'active') return `${alias}.deleted_at IS NULL`;
  if (lifecycle === 'deleted') return `${alias}.deleted_at IS NOT NULL`;
  return '1';
}

/** Experiments: named groups of runs. */
export class ExperimentRepo {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
  ) {}

  getOrCreate(name: string): ExperimentRecord {
    const clean = name.trim();
    if (!clean) throw new StoreError('experiment name must not be empty');
    return this.sql.write(() => {
      this.sql.stmt('INSERT INTO experiments (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING').run(clean, this.now());
      return toRecord(this.sql.stmt(`SELECT ${COLUMNS} FROM experiments WHERE name = ?`).get(clean) as ExperimentRow);
    });
  }

  byName(name: string): ExperimentRecord | undefined {
    const row = this.sql.stmt(`SELECT ${COLUMNS} FROM experiments WHERE name = ?`).get(name) as ExperimentRow | undefined;
    return row && toRecord(row);
  }

  byId(id: number): ExperimentRecord | undefined {
    const row = this.sql.stmt(`SELECT ${COLUMNS} FROM experiments WHERE id = ?`).get(id) as ExperimentRow | undefined;
    return row && toRecord(row);
  }

  /**
   * Experiments by name, with their run counts (sweep trials included); soft-deleted
   * experiments and runs only when `lifecycle` asks for them (default: active only).
   */
  list(lifecycle: Lifecycle = 'active'): ExperimentSummary[] {
    const rows = this.sql
      .stmt(
        `SELECT e.id, e.name, e.created_at, e.deleted_at, count(r.id) AS run_count, max(r.created_at) AS last_run_at
           FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id AND ${lifecycleSql('r', lifecycle === 'active' ? 'active' : 'all')}
          WHERE ${lifecycleSql('e', lifecycle)}
          GROUP BY e.id ORDER BY e.name`,
      )
      .all() as (ExperimentRow & { run_count: number; last_run_at: number | null })[];
    return rows.map((r) => ({ ...toRecord(r), runCount: r.run_count, lastRunAt: r.last_run_at }));
  }
}
