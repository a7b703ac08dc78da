import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { listDatasetFiles, resolveDatasetVersion } from './datasetCatalog';
import { filesHashed } from './fileHash';
import { datasetWorkspace } from './testing/datasetWorkspace';

const V1 = 'id,x\n1,1.5\n2,2.5\n';
const V2 = 'id,x\n1,1.5\n2,2.75\n3,3.5\n';

test('versions newest first with their runs; state follows the file on disk', async (t) => {
  const ws = datasetWorkspace(t);
  ws.write('data/train.csv', V1);
  const first = ws.recordRun('r1', 'data/train.csv');
  ws.recordRun('r2', 'data/train.csv');
  ws.write('data/train.csv', V2);
  const third = ws.recordRun('r3', 'data/train.csv');
  ws.write('data/test.csv', V1);
  ws.recordRun('r4', 'data/test.csv', { role: 'test' });

  let files = await listDatasetFiles(ws.store, ws.root);
  assert.deepEqual(files.map((f) => f.path), ['data/test.csv', 'data/train.csv']);
  const train = files[1]!;
  assert.equal(train.state, 'unchanged');
  assert.equal(train.currentFingerprint, third.fingerprint);
  assert.deepEqual(train.versions.map((v) => v.fingerprint), [third.fingerprint, first.fingerprint]);
  assert.deepEqual(train.versions[1]!.runs.map((r) => r.runName), ['r2', 'r1'], 'runs newest first');
  assert.deepEqual([train.versions[0]!.rows, train.versions[0]!.columns], [3, 2]);
  assert.equal(train.versions[0]!.source, 'current-file');
  assert.equal(train.versions[1]!.source, 'unavailable', 'no snapshot, no git');
  // The same content under another path is a version of that path too (recorded once by fingerprint).
  assert.equal(files[0]!.versions[0]!.fingerprint, first.fingerprint);
  assert.equal(files[0]!.versions[0]!.runs[0]!.role, 'test');

  ws.write('data/train.csv', 'id,x\n9,9\n');
  files = await listDatasetFiles(ws.store, ws.root);
  assert.equal(files[1]!.state, 'changed');
  assert.equal(files[1]!.versions[0]!.source, 'unavailable');
  fs.rmSync(`${ws.root}/data/train.csv`);
  files = await listDatasetFiles(ws.store, ws.root);
  assert.equal(files[1]!.state, 'missing');
  assert.equal(files[1]!.currentFingerprint, undefined);
});

test('a refresh does not rehash files whose size and mtime are unchanged', async (t) => {
  const ws = datasetWorkspace(t);
  ws.write('big.csv', 'a,b\n' + '1,2\n'.repeat(50_000));
  ws.recordRun('r1', 'big.csv');
  await listDatasetFiles(ws.store, ws.root);
  const before = filesHashed();
  await listDatasetFiles(ws.store, ws.root);
  await listDatasetFiles(ws.store, ws.root);
  assert.equal(filesHashed(), before, 'served from the (size, mtime) cache');
  const abs = ws.write('big.csv', 'a,b\n' + '1,2\n'.repeat(49_999) + '1,3\n');
  fs.utimesSync(abs, new Date(), new Date(Date.now() + 5000));
  const files = await listDatasetFiles(ws.store, ws.root);
  assert.equal(filesHashed(), before + 1, 'an edit is hashed again');
  assert.equal(files[0]!.state, 'changed');
});

test('snapshots: kept in the blob store, survive gc and deleting one of two runs; gc drops unused versions', async (t) => {
  const ws = datasetWorkspace(t);
  ws.write('data.csv', V1);
  const a = ws.recordRun('a', 'data.csv', { snapshot: true });
  const b = ws.recordRun('b', 'data.csv', { snapshot: true });
  const blob = ws.store.datasets.datasetSnapshotPath(a.fingerprint);
  assert.ok(blob, 'snapshot stored');
  assert.equal(fs.readFileSync(blob, 'utf8'), V1);
  ws.write('data.csv', V2);
  const c = ws.recordRun('c', 'data.csv', { snapshot: true });

  ws.store.gc({ tempOlderThanMs: 0 });
  assert.ok(fs.existsSync(blob), 'gc keeps a snapshot that runs use');
  const files = await listDatasetFiles(ws.store, ws.root);
  assert.deepEqual(files[0]!.versions.map((v) => v.source), ['current-file', 'snapshot']);

  // The same bytes logged as an artifact of run a share the blob; deleting run a must not free it.
  ws.store.logArtifact(a.run.id, 'data-copy.csv', V1);
  ws.store.deleteRun(a.run.id);
  assert.ok(fs.existsSync(blob), 'run b still uses the version');
  ws.store.gc({ tempOlderThanMs: 0 });
  assert.ok(fs.existsSync(blob));

  ws.store.deleteRun(b.run.id);
  assert.ok(fs.existsSync(blob), 'deleteRun leaves dataset rows and snapshots to gc');
  assert.equal((await listDatasetFiles(ws.store, ws.root))[0]!.versions.length, 2, 'a version without runs is still listed until gc');
  ws.store.gc({ tempOlderThanMs: 0 });
  assert.ok(!fs.existsSync(blob), 'gc drops the unused version with its snapshot');
  assert.equal(ws.store.datasets.getDataset(a.fingerprint), undefined);
  assert.ok(ws.store.datasets.getDataset(c.fingerprint));
  assert.ok(ws.store.datasets.datasetSnapshotPath(c.fingerprint));
});

test('a snapshot is not stored under a fingerprint the file no longer has', (t) => {
  const ws = datasetWorkspace(t);
  ws.write('data.csv', V1);
  const { fingerprint } = ws.recordRun('a', 'data.csv');
  const abs = ws.write('data.csv', V2);
  assert.equal(ws.store.datasets.snapshotDataset(fingerprint, abs), 'changed');
  assert.equal(ws.store.datasets.datasetSnapshotPath(fingerprint), undefined);
  assert.equal(ws.store.datasets.snapshotDataset('f'.repeat(64), abs), 'changed');
});

test('a version by full fingerprint or unique prefix; clear errors otherwise', (t) => {
  const ws = datasetWorkspace(t);
  ws.write('d.csv', V1);
  const { fingerprint } = ws.recordRun('a', 'd.csv');
  assert.equal(resolveDatasetVersion(ws.store, fingerprint).fingerprint, fingerprint);
  assert.equal(resolveDatasetVersion(ws.store, fingerprint.slice(0, 8).toUpperCase()).fingerprint, fingerprint);
  assert.throws(() => resolveDatasetVersion(ws.store, 'abc'), /too short a fingerprint prefix/);
  const other = fingerprint[0] === '0' ? '1' : '0';
  assert.throws(() => resolveDatasetVersion(ws.store, other.repeat(8)), /no recorded dataset version matches "(0{8}|1{8})" \(run `runlens datasets`/);
  // Two fingerprints sharing a prefix.
  ws.store.datasets.logInput(ws.store.createRun({ experiment: 'x' }).id, { fingerprint: 'abcdef01' + '0'.repeat(56), path: 'p1.csv' }, 'train');
  ws.store.datasets.logInput(ws.store.createRun({ experiment: 'x' }).id, { fingerprint: 'abcdef02' + '0'.repeat(56), path: 'p2.csv' }, 'train');
  assert.throws(() => resolveDatasetVersion(ws.store, 'abcdef'), /"abcdef" matches several dataset versions \(abcdef010000 p1\.csv, abcdef020000 p2\.csv\); give more digits/);
});
