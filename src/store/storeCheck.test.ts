/**
 * The editor's store check runs on a worker thread (issue #12 part 4): it
 * answers for a healthy, a damaged and a crafted store without running on
 * the caller's thread.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { threadId } from 'node:worker_threads';
import { checkStoreOffThread } from './storeCheck';
import { garblePages, storeWithRuns, tamper } from './testing/damagedStores';
import { tempDir } from './testing/tempStore';

test('healthy, damaged and crafted stores are checked on a worker thread', { timeout: 120_000 }, async (t) => {
  const root = tempDir(t);
  const healthy = path.join(root, 'healthy');
  storeWithRuns(healthy, { runs: 1, points: 10 });
  const ok = await checkStoreOffThread({ dir: healthy, readonly: true, staleAfterMs: 60_000 });
  assert.deepEqual({ ...ok, threadId: undefined }, { ok: true, damage: undefined, threadId: undefined });
  assert.notEqual(ok.threadId, threadId, 'not on the caller thread');
  assert.ok(ok.threadId > 0);

  const damaged = path.join(root, 'damaged');
  storeWithRuns(damaged, { runs: 3, points: 4000 });
  garblePages(path.join(damaged, 'store.db'), 'metric_points', 2);
  const bad = await checkStoreOffThread({ dir: damaged, readonly: true, staleAfterMs: 60_000 });
  assert.equal(bad.ok, true);
  assert.match((bad as { damage?: string }).damage ?? '', /page \d+/);

  const crafted = path.join(root, 'crafted');
  storeWithRuns(crafted, { runs: 1, points: 10 });
  tamper(path.join(crafted, 'store.db'), `PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON; ALTER TABLE runs RENAME TO runs_data;
    CREATE VIEW runs AS WITH RECURSIVE f(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM f) SELECT r.* FROM runs_data r, f;`);
  const refused = await checkStoreOffThread({ dir: crafted, readonly: true, staleAfterMs: 60_000 });
  assert.equal(refused.ok, false);
  assert.match((refused as { error: string }).error, /store\.db is not a RunLens store of schema \d+: "runs" is a view, RunLens created a table$/);
});
