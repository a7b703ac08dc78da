/**
 * gc never deletes what a lost store.db or a run in flight still needs
 * (issue #12 part 1), and --dry-run lists without deleting.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LiveLogFile, liveLogDir, liveLogPath } from './liveLogs';
import { RunStore } from './runStore';
import { snapshotFolder, tamper } from './testing/damagedStores';
import { FakeClock, tempDir } from './testing/tempStore';

/** Writes a blob file by hand, as a process that renamed it into place and has not committed its row yet. */
function looseBlob(dir: string, name: string, mtimeMs: number): string {
  const sha = name.padEnd(64, '0');
  const file = path.join(dir, 'artifacts', sha.slice(0, 2), sha);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, name);
  fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
  return file;
}

test('gc refuses, deleting nothing, when no row references any blob while blobs exist', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  const clock = new FakeClock();
  const first = RunStore.open(dir, { now: clock.now });
  const run = first.createRun({ experiment: 'e' });
  first.logArtifact(run.id, 'model.txt', 'weights');
  first.setStatus(run.id, 'finished');
  first.close();
  // What a replaced store.db looks like from inside: the rows are gone, the blobs are not.
  tamper(path.join(dir, 'store.db'), 'DELETE FROM artifacts;');
  clock.advance(60_000);
  const store = RunStore.open(dir, { now: clock.now });
  t.after(() => store.close());
  const before = snapshotFolder(path.join(dir, 'artifacts'));
  const refusal = `gc refused: ${dir}/store.db references no artifact blobs but ${dir}/artifacts holds 1; if store.db was replaced or emptied, restore it from a backup (nothing was deleted)`;
  assert.throws(() => store.gc(), { message: refusal });
  assert.throws(() => store.gc({ dryRun: true }), { message: refusal });
  assert.deepEqual(snapshotFolder(path.join(dir, 'artifacts')), before);
});

test('an unreferenced blob written after a live run started is kept until that run ends; dry-run lists without deleting', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  const clock = new FakeClock();
  const setup = RunStore.open(dir, { now: clock.now });
  const done = setup.createRun({ experiment: 'e' });
  setup.logArtifact(done.id, 'kept.txt', 'kept');
  setup.setStatus(done.id, 'finished');
  setup.close();

  // A trainer opens the store and starts a run (its pid is alive: this process).
  clock.advance(10_000);
  const trainer = RunStore.open(dir, { now: clock.now });
  t.after(() => trainer.close());
  const live = trainer.createRun({ experiment: 'e', pid: process.pid });
  const started = clock.t;
  const inFlight = looseBlob(dir, 'aa', started + 200);
  const orphan = looseBlob(dir, 'bb', started - 5_000);
  // Someone lists runs meanwhile: the store's last open is now after the in-flight blob was written.
  clock.advance(1_000);
  RunStore.open(dir, { now: clock.now }).close();

  clock.advance(60_000);
  const gc = RunStore.open(dir, { now: clock.now });
  const dry = gc.gc({ dryRun: true });
  assert.deepEqual(dry.removed, [orphan]);
  assert.equal(dry.blobsKept, 1);
  assert.ok(fs.existsSync(orphan), 'dry run deletes nothing');
  const r = gc.gc();
  gc.close();
  assert.deepEqual([r.blobsRemoved, r.blobsKept, r.removed], [1, 1, [orphan]]);
  assert.ok(fs.existsSync(inFlight), 'the live run may still reference it');

  trainer.setStatus(live.id, 'finished');
  clock.advance(60_000);
  const later = RunStore.open(dir, { now: clock.now });
  t.after(() => later.close());
  assert.deepEqual(later.gc().removed, [inFlight], 'once the run ended, a later gc collects it');
  assert.equal(later.listArtifacts(done.id).length, 1);
  assert.ok(fs.existsSync(later.artifactPath(later.listArtifacts(done.id)[0]!.sha256)));
});

test('a blob newer than the previous open is kept by this gc and collected by the next', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  const clock = new FakeClock();
  const s = RunStore.open(dir, { now: clock.now });
  const run = s.createRun({ experiment: 'e' });
  s.logArtifact(run.id, 'kept.txt', 'kept');
  s.setStatus(run.id, 'finished');
  s.close();
  clock.advance(5_000);
  const fresh = looseBlob(dir, 'cc', clock.t + 1);
  clock.advance(5_000);
  const first = RunStore.open(dir, { now: clock.now });
  assert.deepEqual([first.gc().blobsRemoved, first.gc().blobsKept], [0, 1]);
  first.close();
  clock.advance(5_000);
  const second = RunStore.open(dir, { now: clock.now });
  t.after(() => second.close());
  assert.deepEqual(second.gc().removed, [fresh]);
});

test('gc removes the live logs of runs that ended, and keeps those of live runs', (t) => {
  const dir = path.join(tempDir(t), '.runlens');
  const store = RunStore.open(dir);
  t.after(() => store.close());
  const ended = store.createRun({ experiment: 'e' });
  store.logArtifact(ended.id, 'logs/train.log', 'kept as the artifact');
  store.setStatus(ended.id, 'failed', { error: 'both processes were killed' });
  const live = store.createRun({ experiment: 'e' });
  // What a writer killed together with its parent leaves, and what a live run is writing.
  for (const [run, artifact] of [[ended.id, 'logs/train.log'], [ended.id, 'logs/output.log'], [live.id, 'logs/output.log']] as const) {
    const w = new LiveLogFile(liveLogPath(dir, run, artifact));
    w.write('a line\n');
  }
  const dry = store.gc({ dryRun: true });
  assert.deepEqual([...dry.removed].sort(), [liveLogPath(dir, ended.id, 'logs/output.log'), liveLogPath(dir, ended.id, 'logs/train.log')].sort());
  assert.ok(fs.existsSync(liveLogDir(dir, ended.id)), '--dry-run deletes nothing');
  const result = store.gc();
  assert.equal(result.tempFilesRemoved, 2);
  assert.equal(fs.existsSync(liveLogDir(dir, ended.id)), false);
  assert.equal(fs.readFileSync(liveLogPath(dir, live.id, 'logs/output.log'), 'utf8'), 'a line\n', 'a live run\'s log stays');
});
