/**
 * quick_check on open when the file changed since the last check (issue #12
 * part 2): a damaged store opens for reading with writes refused, and the
 * check is skipped while the file is the one that passed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from './runStore';
import { readStoreState } from './storeState';
import { garblePages, snapshotFolder, storeWithRuns } from './testing/damagedStores';
import { tempDir } from './testing/tempStore';
import { storePaths } from './location';

test('random bytes in pages of a healthy store: found on open, writes refused with the first finding, reads still work', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  const ids = storeWithRuns(dir, { runs: 3, points: 3000 });
  garblePages(path.join(dir, 'store.db'), 'metric_points', 2);
  // Full histories of monotonic series read the packed roll-up blocks (schema 9), not the point rows.
  garblePages(path.join(dir, 'store.db'), 'metric_blocks', 1);
  const before = snapshotFolder(dir);
  const store = RunStore.open(dir);
  t.after(() => store.close());
  assert.ok(store.damage, 'quick_check found the damage');
  assert.equal(store.readonly, true);
  assert.equal(
    store.writeRefusal,
    `${dir}/store.db is damaged (quick_check: ${store.damage}); writes are refused: run \`runlens doctor --repair\` to copy what is readable into a new store`,
  );
  assert.deepEqual(store.listRuns().map((r) => r.name).sort(), ['run-0', 'run-1', 'run-2'], 'the runs table is intact and readable');
  assert.throws(() => store.createRun({ experiment: 'damage' }), { message: store.writeRefusal });
  assert.throws(() => store.setNote(ids[0]!, 'x'), { message: store.writeRefusal });
  // A read that reaches a damaged page says which file, not only SQLite's anonymous message.
  let named = 0;
  for (const id of ids) {
    try {
      store.getMetricHistory(id, 'loss');
    } catch (e) {
      assert.match((e as Error).message, new RegExp(`^${dir}/store\\.db is damaged \\(database disk image is malformed\\); run \`runlens doctor --repair\``));
      named++;
    }
  }
  assert.ok(named >= 1, 'at least one history crosses a garbled page');
  store.close();
  assert.deepEqual(snapshotFolder(dir), before, 'a damaged store is not written (not even the check record)');
});

test('the check runs only when store.db changed since the last pass (size, mtime, inode recorded beside it)', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  storeWithRuns(dir, { runs: 2, points: 3000 });
  const file = path.join(dir, 'store.db');
  const recorded = readStoreState(storePaths(dir)).checked;
  const st = fs.statSync(file);
  assert.deepEqual(recorded && { size: recorded.size, mtimeMs: recorded.mtimeMs, ino: recorded.ino }, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });

  // The same bytes garbled but size and mtime put back: the record says "checked", so this open skips the check.
  garblePages(file, 'metric_points', 1);
  fs.utimesSync(file, st.atime, st.mtime);
  const quiet = RunStore.open(dir);
  assert.equal(quiet.damage, undefined, 'unchanged stamp: no quick_check (this is what keeps opening cheap)');
  quiet.close();
  // Any change of the stamp brings the check back.
  fs.utimesSync(file, st.atime, new Date(st.mtimeMs + 1000));
  const checked = RunStore.open(dir);
  t.after(() => checked.close());
  assert.ok(checked.damage);
  // `integrity: 'always'` checks regardless (doctor uses the full integrity_check).
  assert.ok(RunStore.open(dir, { integrity: 'always', readonly: true }).damage);
});
