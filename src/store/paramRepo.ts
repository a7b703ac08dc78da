import type { Sql } from './connection';
import { StoreError, isForeignKeyError } from './errors';
import { checkKey, numericValue, valueText } from './keyValues';
import type { ParamValue } from './types';

/** Run params: immutable once logged (as in MLflow). */
export class ParamRepo {
  constructor(private readonly sql: Sql) {}

  /**
   * Logs params in one transaction. Logging a key again with the same value is
   * a no-op; a different value throws a StoreError naming key, old and new value.
   */
  log(runId: string, params: Readonly<Record<string, ParamValue>>): void {
    const insert = this.sql.stmt('INSERT INTO params (run_id, key, value, num) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    const existing = this.sql.stmt('SELECT value FROM params WHERE run_id = ? AND key = ?').pluck();
    this.sql.write(() => {
      for (const [key, raw] of Object.entries(params)) {
        checkKey('param', key);
        const value = valueText(raw);
        let changes: number;
        try {
          changes = insert.run(runId, key, value, numericValue(value)).changes;
        } catch (e) {
          if (isForeignKeyError(e)) throw new StoreError(`no run with id ${runId}`);
          throw e;
        }
        if (changes === 0) {
          const old = existing.get(runId, key) as string;
          if (old !== value) {
            throw new StoreError(
              `param "${key}" of run ${runId.slice(0, 8)} is already "${old}"; cannot change it to "${value}" (params are immutable)`,
            );
          }
        }
      }
    });
  }

  get(runId: string): Record<string, string> {
    const rows = this.sql.stmt('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').raw().all(runId) as [string, string][];
    return Object.fromEntries(rows);
  }
}
