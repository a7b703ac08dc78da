import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listDatasetFiles } from './datasetCatalog';
import { DatasetError } from './datasetError';
import { parseDatasetRef } from './datasetRef';
import { listGitRevisions } from './gitRevisions';
import { materializeDataset } from './materialize';
import { datasetWorkspace, sha256Of } from './testing/datasetWorkspace';

const V1 = 'id,x\n1,1.5\n2,2.5\n';
const V2 = 'id,x\n1,1.5\n2,2.75\n';
const V3 = 'id,x\n1,1\n';

test('a file is itself; a missing one is a one-line error', async (t) => {
  const ws = datasetWorkspace(t);
  const abs = ws.write('data/a.csv', V1);
  const m = await materializeDataset(parseDatasetRef('data/a.csv'), { root: ws.root });
  assert.equal(m.file, abs);
  assert.equal(m.label, 'data/a.csv');
  m.dispose();
  assert.ok(fs.existsSync(abs), 'dispose never deletes a real file');
  await assert.rejects(materializeDataset(parseDatasetRef('data/none.csv'), { root: ws.root }), /^DatasetError: data\/none\.csv: no such file$/);
  await assert.rejects(materializeDataset(parseDatasetRef('data'), { root: ws.root }), /data: not a file/);
});

test('a version reads the current file, else its snapshot, else a run\'s git commit, else says how to keep versions', async (t) => {
  const ws = datasetWorkspace(t);
  ws.initGit();
  ws.write('data.csv', V1);
  const c1 = ws.commit('v1');
  const v1 = ws.recordRun('r1', 'data.csv', { gitCommit: c1, snapshot: true });
  // V2 was trained on with uncommitted changes: git cannot give it back, only the snapshot could.
  ws.write('data.csv', V2);
  const v2 = ws.recordRun('r2', 'data.csv', { gitCommit: c1 });

  const current = await materializeDataset({ kind: 'version', fingerprint: v2.fingerprint }, { store: ws.store, root: ws.root });
  assert.equal(current.file, path.join(ws.root, 'data.csv'));
  assert.equal(current.fingerprint, v2.fingerprint);
  assert.equal(current.label, `data.csv (version ${v2.fingerprint.slice(0, 12)})`);

  const snap = await materializeDataset({ kind: 'version', fingerprint: v1.fingerprint.slice(0, 10) }, { store: ws.store, root: ws.root });
  assert.equal(snap.file, ws.store.datasets.datasetSnapshotPath(v1.fingerprint));
  assert.equal(fs.readFileSync(snap.file, 'utf8'), V1);

  // Without the snapshot, v1 still comes back from r1's commit (its bytes hash to the fingerprint).
  fs.rmSync(snap.file);
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-mat-'));
  t.after(() => fs.rmSync(tempDir, { recursive: true, force: true }));
  const fromGit = await materializeDataset({ kind: 'version', fingerprint: v1.fingerprint }, { store: ws.store, root: ws.root, tempDir });
  assert.ok(fromGit.file.startsWith(tempDir));
  assert.equal(fs.readFileSync(fromGit.file, 'utf8'), V1);
  assert.equal(fromGit.fingerprint, v1.fingerprint);
  assert.equal(fs.readFileSync(path.join(ws.root, 'data.csv'), 'utf8'), V2, 'work tree untouched');
  fromGit.dispose();
  assert.deepEqual(fs.readdirSync(tempDir), [], 'dispose removes the temp copy');

  // v2 changed on disk, no snapshot, and r2's commit holds V1's bytes, not V2's: unreadable.
  ws.write('data.csv', V3);
  await assert.rejects(
    materializeDataset({ kind: 'version', fingerprint: v2.fingerprint }, { store: ws.store, root: ws.root }),
    (e: unknown) => e instanceof DatasetError
      && e.message.startsWith(`dataset version ${v2.fingerprint.slice(0, 12)} of data.csv can no longer be read`)
      && /RUNLENS_DATASET_SNAPSHOT_MB/.test(e.message) && /runlens\.datasets\.snapshotMaxMB/.test(e.message) && !e.message.includes('\n'),
  );
  const files = await listDatasetFiles(ws.store, ws.root);
  assert.deepEqual(files[0]!.versions.map((v) => [v.fingerprint, v.source]), [[v2.fingerprint, 'unavailable'], [v1.fingerprint, 'git']]);
  await assert.rejects(materializeDataset({ kind: 'version', fingerprint: v1.fingerprint }, { root: ws.root }), /needs a RunLens store/);
});

test('path@rev streams git show into a temp file; errors for no repo, unknown revision, file not in revision', async (t) => {
  const ws = datasetWorkspace(t);
  const outside = await materializeDataset(parseDatasetRef('d.csv@HEAD'), { root: ws.root }).catch((e: Error) => e);
  assert.match(String(outside), /d\.csv@HEAD: .* is not inside a git repository/);
  ws.initGit();
  ws.write('data/d.csv', V1);
  const c1 = ws.commit('one');
  ws.write('data/d.csv', V2);
  ws.commit('two');
  ws.write('data/d.csv', V3); // uncommitted

  const m = await materializeDataset(parseDatasetRef('data/d.csv@HEAD~1'), { root: ws.root });
  assert.equal(fs.readFileSync(m.file, 'utf8'), V1);
  assert.equal(path.basename(m.file), 'd.csv');
  assert.equal(m.label, 'data/d.csv@HEAD~1');
  assert.equal(m.fingerprint, sha256Of(m.file));
  assert.equal(fs.readFileSync(path.join(ws.root, 'data/d.csv'), 'utf8'), V3, 'work tree untouched');
  assert.equal(ws.git('status', '--porcelain'), 'M data/d.csv');
  m.dispose();
  assert.ok(!fs.existsSync(m.file));
  const byHash = await materializeDataset({ kind: 'git', path: 'data/d.csv', rev: c1.slice(0, 8) }, { root: ws.root });
  assert.equal(fs.readFileSync(byHash.file, 'utf8'), V1);
  byHash.dispose();

  await assert.rejects(materializeDataset(parseDatasetRef('data/d.csv@nope'), { root: ws.root }), /^DatasetError: data\/d\.csv@nope: unknown git revision "nope"$/);
  await assert.rejects(materializeDataset(parseDatasetRef('data/other.csv@HEAD'), { root: ws.root }), /data\/other\.csv@HEAD: other\.csv does not exist in revision HEAD \([0-9a-f]{10}\)/);
  await assert.rejects(materializeDataset(parseDatasetRef('data@HEAD'), { root: ws.root }), /data does not exist in revision HEAD/);
});

test('listGitRevisions: commits that touched the file, newest first; [] outside git', async (t) => {
  const ws = datasetWorkspace(t);
  ws.write('d.csv', V1);
  assert.deepEqual(await listGitRevisions(ws.root, 'd.csv'), []);
  ws.initGit();
  assert.deepEqual(await listGitRevisions(ws.root, 'd.csv'), [], 'untracked');
  const c1 = ws.commit('first version');
  ws.write('other.csv', V1);
  ws.commit('unrelated');
  ws.write('d.csv', V2);
  const c3 = ws.commit('second version');
  const revs = await listGitRevisions(ws.root, 'd.csv');
  assert.deepEqual(revs.map((r) => [r.rev, r.subject]), [[c3, 'second version'], [c1, 'first version']]);
  assert.ok(c3.startsWith(revs[0]!.shortRev));
  assert.ok(Math.abs(revs[0]!.date - Date.now()) < 120_000, 'commit time in ms');
  assert.equal((await listGitRevisions(ws.root, 'd.csv', 1)).length, 1);
  assert.deepEqual(await listGitRevisions(ws.root, path.join(ws.root, 'd.csv')).then((r) => r.length), 2, 'absolute paths work too');
});
