import type { ArtifactStore } from './artifactStore';
import type { Sql } from './connection';
import { StoreError } from './errors';
import type { DeleteResult } from './types';

/**
 * Deletes a run with its descendants (sweep trials, folds) and every row that
 * hangs off them, then the blobs no remaining run references; all under one
 * write lock so a concurrent logArtifact cannot re-reference a blob mid-way.
 */
export function deleteRunTree(sql: Sql, artifacts: ArtifactStore, runId: string): DeleteResult {
  return sql.write(() => {
    const ids = sql
      .stmt(
        `WITH RECURSIVE tree(id) AS (
           SELECT id FROM runs WHERE id = ?
           UNION SELECT r.id FROM runs r JOIN tree t ON r.parent_id = t.id)
         SELECT id FROM tree`,
      )
      .pluck(true)
      .all(runId) as string[];
    if (ids.length === 0) throw new StoreError(`no run with id ${runId}`);
    const json = JSON.stringify(ids);
    const shas = sql
      .stmt('SELECT DISTINCT sha256 FROM artifacts WHERE run_id IN (SELECT value FROM json_each(?))')
      .pluck(true)
      .all(json) as string[];
    // Children first is not needed: parent_id cascades, and deleting the set at once is fine.
    sql.stmt('DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))').run(json);
    return { runs: ids.length, ...artifacts.removeUnreferenced(shas) };
  });
}
