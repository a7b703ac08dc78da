import type { Sql } from './connection';
import { StoreError, isForeignKeyError } from './errors';
import { checkKey, numericValue, valueText } from './keyValues';
import type { ParamValue } from './types';

/** Run tags: free, mutable key/value labels. */
export class TagRepo {
  constructor(private readonly sql: Sql) {}

  /** Sets tags in one transaction; a null value deletes the tag. */
  set(runId: string, tags: Readonly<Record<string, ParamValue | undefined>>): void {
    const upsert = this.sql.stmt(
      `INSERT INTO tags (run_id, key, value, num) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, num = excluded.num`,
    );
    const remove = this.sql.stmt('DELETE FROM tags WHERE run_id = ? AND key = ?');
    this.sql.write(() => {
      if (this.sql.stmt('SELECT 1 FROM runs WHERE id = ?').get(runId) === undefined) throw new StoreError(`no run with id ${runId}`);
      for (const [key, raw] of Object.entries(tags)) {
        checkKey('tag', key);
        if (raw === null || raw === undefined) {
          remove.run(runId, key);
          continue;
        }
        const value = valueText(raw);
        try {
          upsert.run(runId, key, value, numericValue(value));
        } catch (e) {
          if (isForeignKeyError(e)) throw new StoreError(`no run with id ${runId}`);
          throw e;
        }
      }
    });
  }

  get(runId: string): Record<string, string> {
    const rows = this.sql.stmt('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key').raw().all(runId) as [string, string][];
    return Object.fromEntries(rows);
  }
}
