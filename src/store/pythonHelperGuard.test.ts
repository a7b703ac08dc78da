/**
 * The Python helper refuses what the TS store refuses (issue #12 parts 1, 2,
 * 4): it never starts a new store over an old one's data, and refuses a
 * foreign-shaped or damaged store before writing, naming the file. Nothing
 * in the store folder changes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SCHEMA_VERSION } from './schema';
import { garblePages, snapshotFolder, storeWithRuns, tamper } from './testing/damagedStores';
import { runPy } from './testing/pythonHelperProcess';
import { tempDir } from './testing/tempStore';

const SCRIPT = 'import runlens\nwith runlens.start_run(experiment="py"):\n    runlens.log_metric("m", 1)\n';

function refusedByPython(root: string, message: string): void {
  const dir = path.join(root, '.runlens');
  const before = snapshotFolder(dir);
  const r = runPy(SCRIPT, root);
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr.trim().split('\n').at(-1), `runlens.RunLensError: ${message}`);
  assert.deepEqual(snapshotFolder(dir), before, 'the store folder is unchanged');
}

test('Python: an emptied or missing store.db beside artifacts is refused, not re-created', (t) => {
  const root = tempDir(t);
  const dir = path.join(root, '.runlens');
  storeWithRuns(dir, { runs: 1, points: 10 });
  const shard = fs.readdirSync(path.join(dir, 'artifacts')).filter((n) => n !== 'tmp').sort()[0];
  const advice = 'RunLens will not start a new store over it: restore store.db from a backup, or run `runlens doctor --repair` to set it aside and start a new store (nothing is deleted)';
  fs.writeFileSync(path.join(dir, 'store.db'), '');
  refusedByPython(root, `${dir}/store.db is empty (0 bytes) but ${dir} still holds RunLens data (artifacts/${shard}); ${advice}`);
  fs.rmSync(path.join(dir, 'store.db'));
  refusedByPython(root, `${dir}/store.db is missing but ${dir} still holds RunLens data (artifacts/${shard}); ${advice}`);
});

test('Python: a view in place of runs, an added trigger and a folder for store.db are refused by name', (t) => {
  const root = tempDir(t);
  const dir = path.join(root, '.runlens');
  storeWithRuns(dir, { runs: 1, points: 10 });
  tamper(path.join(dir, 'store.db'), `PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON; ALTER TABLE runs RENAME TO runs_data;
    CREATE VIEW runs AS WITH RECURSIVE f(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM f) SELECT r.* FROM runs_data r, f;`);
  refusedByPython(root, `${dir}/store.db is not a RunLens store of schema ${SCHEMA_VERSION}: "runs" is a view, RunLens created a table`);

  const root2 = tempDir(t);
  const dir2 = path.join(root2, '.runlens');
  storeWithRuns(dir2, { runs: 1, points: 10 });
  tamper(path.join(dir2, 'store.db'), 'CREATE TRIGGER spy AFTER INSERT ON runs BEGIN DELETE FROM params; END;');
  refusedByPython(root2, `${dir2}/store.db is not a RunLens store of schema ${SCHEMA_VERSION}: it has a trigger "spy" that RunLens did not create`);

  const root3 = tempDir(t);
  fs.mkdirSync(path.join(root3, '.runlens', 'store.db'), { recursive: true });
  refusedByPython(root3, `${root3}/.runlens/store.db is a folder, not a RunLens store database; move it away, or restore store.db from a backup`);
});

test('Python: garbled pages are found by quick_check and the run is not written', (t) => {
  const root = tempDir(t);
  const dir = path.join(root, '.runlens');
  storeWithRuns(dir, { runs: 3, points: 4000 });
  garblePages(path.join(dir, 'store.db'), 'metric_points', 2);
  const before = snapshotFolder(dir);
  const r = runPy(SCRIPT, root);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr.trim().split('\n').at(-1) ?? '', new RegExp(`^runlens\\.RunLensError: ${dir}/store\\.db is damaged \\(quick_check: [^\\n]*[Pp]age \\d+[^\\n]*\\); writes are refused: run \`runlens doctor --repair\` to copy what is readable into a new store$`));
  assert.deepEqual(snapshotFolder(dir), before);
});
