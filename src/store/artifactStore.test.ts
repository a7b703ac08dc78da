import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { normalizeArtifactPath } from './artifactStore';
import { StoreError } from './errors';
import { tempDir, tempStore } from './testing/tempStore';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

function blobFiles(dir: string): string[] {
  const root = path.join(dir, 'artifacts');
  return fs
    .readdirSync(root)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => fs.readdirSync(path.join(root, d)));
}

test('identical content from two runs is stored once, at artifacts/<sha[0:2]>/<sha>', (t) => {
  const { store, dir } = tempStore(t);
  const a = store.createRun({ experiment: 'e' });
  const b = store.createRun({ experiment: 'e' });
  const ra = store.logArtifact(a.id, 'model/model.json', '{"w":[1,2]}', 'model');
  const rb = store.logArtifact(b.id, 'other/name.json', Buffer.from('{"w":[1,2]}'), 'model');
  assert.equal(ra.sha256, sha('{"w":[1,2]}'));
  assert.deepEqual(ra, rb);
  assert.equal(ra.size, 11);
  assert.deepEqual(blobFiles(dir), [ra.sha256]);
  const p = store.artifactPath(ra.sha256);
  assert.equal(p, path.join(dir, 'artifacts', ra.sha256.slice(0, 2), ra.sha256));
  assert.equal(fs.readFileSync(p, 'utf8'), '{"w":[1,2]}');
  const [rec] = store.listArtifacts(a.id);
  assert.deepEqual({ ...rec, createdAt: 0 }, { runId: a.id, path: 'model/model.json', sha256: ra.sha256, size: 11, kind: 'model', createdAt: 0 });
  assert.equal(fs.readdirSync(path.join(dir, 'artifacts', 'tmp')).length, 0, 'temp files left behind');
});

test('a file source is copied and hashed; re-logging a path replaces it', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  const src = path.join(tempDir(t), 'plot.png');
  const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7); // spans several copy chunks
  fs.writeFileSync(src, bytes);
  const r = store.logArtifact(run.id, 'plots/plot.png', { file: src }, 'plot');
  assert.equal(r.sha256, sha(bytes));
  assert.equal(r.size, bytes.length);
  assert.ok(fs.readFileSync(store.artifactPath(r.sha256)).equals(bytes));
  store.logArtifact(run.id, 'plots/plot.png', 'v2', 'plot');
  const list = store.listArtifacts(run.id);
  assert.equal(list.length, 1);
  assert.equal(list[0].sha256, sha('v2'));
  assert.equal(fs.existsSync(store.artifactPath(r.sha256)), false, 'replaced blob kept');
  assert.throws(() => store.logArtifact(run.id, 'x', { file: path.join(src, 'missing') }, 'file'), /cannot read artifact file/);
});

test('deleting one run keeps a shared blob; deleting both frees it', (t) => {
  const { store, dir } = tempStore(t);
  const a = store.createRun({ experiment: 'e' });
  const b = store.createRun({ experiment: 'e' });
  const shared = store.logArtifact(a.id, 'm.bin', 'shared-bytes', 'model');
  store.logArtifact(b.id, 'm.bin', 'shared-bytes', 'model');
  const own = store.logArtifact(a.id, 'only-a.txt', 'only a', 'file');
  const r1 = store.deleteRun(a.id);
  assert.deepEqual(r1, { runs: 1, blobsRemoved: 1, bytesFreed: own.size });
  assert.deepEqual(blobFiles(dir), [shared.sha256]);
  const r2 = store.deleteRun(b.id);
  assert.deepEqual(r2, { runs: 1, blobsRemoved: 1, bytesFreed: shared.size });
  assert.deepEqual(blobFiles(dir), []);
});

test('deleteRun removes children (sweep trials) and every row of theirs', (t) => {
  const { store } = tempStore(t);
  const sweep = store.createRun({ experiment: 'e', name: 'sweep' });
  const trial = store.createRun({ experiment: 'e', parentId: sweep.id, name: 'trial' });
  const fold = store.createRun({ experiment: 'e', parentId: trial.id, name: 'fold' });
  const keep = store.createRun({ experiment: 'e', name: 'keep' });
  for (const r of [sweep, trial, fold, keep]) {
    store.logParams(r.id, { a: 1 });
    store.setTags(r.id, { t: 'x' });
    store.logMetrics(r.id, [{ key: 'm', value: 1 }]);
    store.logArtifact(r.id, 'f.txt', `content of ${r.name}`, 'file');
  }
  assert.equal(store.deleteRun(sweep.id).runs, 3);
  assert.deepEqual(store.listRuns().map((r) => r.name), ['keep']);
  for (const r of [sweep, trial, fold]) {
    assert.deepEqual(store.getParams(r.id), {});
    assert.deepEqual(store.getTags(r.id), {});
    assert.deepEqual(store.getMetricSummaries(r.id), []);
    assert.deepEqual(store.listArtifacts(r.id), []);
  }
  assert.equal(store.getMetricSummaries(keep.id).length, 1);
  assert.throws(() => store.deleteRun(sweep.id), /no run with id/);
  assert.deepEqual(store.integrityCheck(), ['ok']);
});

test('gc removes orphan blobs and old temp files, keeps referenced blobs and young temps', (t) => {
  const { store, dir, clock } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.setStatus(run.id, 'finished');
  const kept = store.logArtifact(run.id, 'a.txt', 'kept', 'file');
  const orphan = sha('orphan');
  const orphanFile = path.join(dir, 'artifacts', orphan.slice(0, 2), orphan);
  fs.mkdirSync(path.dirname(orphanFile), { recursive: true });
  fs.writeFileSync(orphanFile, 'orphan');
  const oldTemp = path.join(dir, 'artifacts', 'tmp', 'old.tmp');
  const youngTemp = path.join(dir, 'artifacts', 'tmp', 'young.tmp');
  fs.writeFileSync(oldTemp, '12345');
  fs.writeFileSync(youngTemp, 'x');
  const hourAgo = (clock.t - 2 * 3_600_000) / 1000;
  // Older than this (first) open of the store: gc only collects blobs older than the previous open.
  fs.utimesSync(orphanFile, hourAgo, hourAgo);
  fs.utimesSync(oldTemp, hourAgo, hourAgo);
  fs.utimesSync(youngTemp, clock.t / 1000, clock.t / 1000);
  const r = store.gc();
  assert.deepEqual(r, { blobsRemoved: 1, tempFilesRemoved: 1, bytesFreed: 6 + 5, blobsKept: 0, removed: [orphanFile, oldTemp], dryRun: false });
  assert.deepEqual(blobFiles(dir), [kept.sha256]);
  assert.ok(fs.existsSync(youngTemp));
  assert.ok(!fs.existsSync(oldTemp));
  assert.equal(fs.statSync(path.join(dir, 'store.db-wal')).size, 0, 'WAL not truncated');
});

test('artifact paths stay inside the run; blob paths need a real sha256', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  assert.equal(normalizeArtifactPath('./a\\b//c.txt'), 'a/b/c.txt');
  for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'C:/x']) {
    assert.throws(() => store.logArtifact(run.id, bad, 'x', 'file'), StoreError, bad);
  }
  assert.throws(() => store.artifactPath('../../etc/passwd'), /invalid sha256/);
  assert.throws(() => store.logArtifact('0'.repeat(32), 'a', 'never stored', 'file'), /no run with id/);
  assert.equal(fs.existsSync(store.artifactPath(sha('never stored'))), false);
});

test('a staged file is a blob before any run refers to it; logging it by sha256 reads nothing again; an unknown blob is refused', (t) => {
  const { store, dir } = tempStore(t);
  const file = path.join(tempDir(t), 'weights.bin');
  fs.writeFileSync(file, 'weights');
  const staged = store.stageArtifactFile(file);
  assert.deepEqual(staged, { sha256: sha('weights'), size: 7 });
  assert.deepEqual(blobFiles(dir), [sha('weights')]);
  fs.rmSync(file); // logging from the staged blob does not need the file any more
  const run = store.createRun({ experiment: 'e' });
  assert.deepEqual(store.logArtifact(run.id, 'model/weights.bin', { blob: staged.sha256 }), staged);
  assert.equal(fs.readFileSync(store.artifactPath(store.listArtifacts(run.id)[0]!.sha256), 'utf8'), 'weights');
  assert.throws(() => store.logArtifact(run.id, 'x', { blob: sha('never stored') }), (e: Error) => e instanceof StoreError && /no blob [0-9a-f]{64} in the store/.test(e.message));
  assert.deepEqual(store.listArtifacts(run.id).map((a) => a.path), ['model/weights.bin']);
});
