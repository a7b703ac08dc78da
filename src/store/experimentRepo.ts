import type { Sql } from './connection';
import { StoreError } from './errors';
import type { ExperimentRecord, ExperimentSummary } from './types';

interface ExperimentRow {
  id: number;
  name: string;
  created_at: number;
}

function toRecord(row: ExperimentRow): ExperimentRecord {
  return { id: row.id, name: row.name, createdAt: row.created_at };
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
      return toRecord(this.sql.stmt('SELECT id, name, created_at FROM experiments WHERE name = ?').get(clean) as ExperimentRow);
    });
  }

  byName(name: string): ExperimentRecord | undefined {
    const row = this.sql.stmt('SELECT id, name, created_at FROM experiments WHERE name = ?').get(name) as ExperimentRow | undefined;
    return row && toRecord(row);
  }

  byId(id: number): ExperimentRecord | undefined {
    const row = this.sql.stmt('SELECT id, name, created_at FROM experiments WHERE id = ?').get(id) as ExperimentRow | undefined;
    return row && toRecord(row);
  }

  /** All experiments by name, with their run counts (sweep trials included). */
  list(): ExperimentSummary[] {
    const rows = this.sql
      .stmt(
        `SELECT e.id, e.name, e.created_at, count(r.id) AS run_count, max(r.created_at) AS last_run_at
           FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id
          GROUP BY e.id ORDER BY e.name`,
      )
      .all() as (ExperimentRow & { run_count: number; last_run_at: number | null })[];
    return rows.map((r) => ({ ...toRecord(r), runCount: r.run_count, lastRunAt: r.last_run_at }));
  }
}
