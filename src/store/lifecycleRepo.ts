import type { Sql } from './connection';
import { StoreError } from './errors';
import { ExperimentRepo } from './experimentRepo';
import { RunRepo } from './runRepo';
import type { ExperimentRecord } from './types';

/**
 * MLflow's soft delete and the experiment fields it has (schema 5), reached
 * as `store.lifecycle`:
 *
 * ```ts
 * store.lifecycle.deleteRun(id);              // hidden from listRuns, restorable
 * store.lifecycle.restoreRun(id);
 * store.lifecycle.deleteExperiment(e.id);     // the experiment and every run in it
 * store.lifecycle.setExperimentTags(e.id, { team: 'ml' });
 * ```
 *
 * A deleted run keeps all its rows; `store.deleteRun` (`runlens delete`)
 * is still the hard delete that removes them. Deleting an experiment marks
 * its runs deleted at the same time, and restoring it restores all of them,
 * as MLflow's SQL store does.
 */
export class LifecycleRepo {
  private readonly runs: RunRepo;
  private readonly experiments: ExperimentRepo;

  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
    private readonly assertWritable: () => void,
  ) {
    this.runs = new RunRepo(sql, now);
    this.experiments = new ExperimentRepo(sql, now);
  }

  /** Marks a run deleted (a run already deleted keeps its first deletion time). */
  deleteRun(runId: string): void {
    this.assertWritable();
    this.sql.write(() => {
      const run = this.runs.require(runId);
      if (run.deletedAt == null) this.runs.setDeleted([runId], this.now());
    });
  }

  restoreRun(runId: string): void {
    this.assertWritable();
    this.sql.write(() => this.runs.setDeleted([runId], null));
  }

  /** Marks an experiment and every run in it deleted. */
  deleteExperiment(id: number): void {
    this.assertWritable();
    this.sql.write(() => {
      const now = this.now();
      this.requireExperiment(id);
      this.sql.stmt('UPDATE experiments SET deleted_at = ? WHERE id = ?').run(now, id);
      this.sql.stmt('UPDATE runs SET deleted_at = coalesce(deleted_at, ?) WHERE experiment_id = ?').run(now, id);
    });
  }

  /** Restores an experiment and every run in it (also runs deleted one by one before). */
  restoreExperiment(id: number): void {
    this.assertWritable();
    this.sql.write(() => {
      this.requireExperiment(id);
      this.sql.stmt('UPDATE experiments SET deleted_at = NULL WHERE id = ?').run(id);
      this.sql.stmt('UPDATE runs SET deleted_at = NULL WHERE experiment_id = ?').run(id);
    });
  }

  /** Renames an experiment; the name must be free. */
  renameExperiment(id: number, name: string): ExperimentRecord {
    this.assertWritable();
    const clean = name.trim();
    if (!clean) throw new StoreError('experiment name must not be empty');
    return this.sql.write(() => {
      this.requireExperiment(id);
      const other = this.experiments.byName(clean);
      if (other && other.id !== id) throw new StoreError(`an experiment named "${clean}" already exists`);
      this.sql.stmt('UPDATE experiments SET name = ? WHERE id = ?').run(clean, id);
      return this.requireExperiment(id);
    });
  }

  /** Sets experiment tags; a null value deletes one. */
  setExperimentTags(id: number, tags: Readonly<Record<string, string | null>>): void {
    this.assertWritable();
    this.sql.write(() => {
      this.requireExperiment(id);
      for (const [key, value] of Object.entries(tags)) {
        if (key.trim() === '') throw new StoreError('experiment tag keys must not be empty');
        if (value === null) this.sql.stmt('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?').run(id, key);
        else {
          this.sql
            .stmt('INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value')
            .run(id, key, value);
        }
      }
    });
  }

  /** An experiment's tags, by key. */
  experimentTags(id: number): Record<string, string> {
    const rows = this.sql.stmt('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key').raw(true).all(id) as [string, string][];
    return Object.fromEntries(rows);
  }

  private requireExperiment(id: number): ExperimentRecord {
    const e = this.experiments.byId(id);
    if (!e) throw new StoreError(`no experiment with id ${id}`);
    return e;
  }
}
