import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotDatasetFile, snapshotLimitBytes } from './snapshot';
import { datasetWorkspace } from './testing/datasetWorkspace';

test('snapshot limit: default 100 MB, RUNLENS_DATASET_SNAPSHOT_MB overrides, 0 turns it off, junk warns', () => {
  assert.deepEqual(snapshotLimitBytes({}), { bytes: 100 * 1024 * 1024 });
  assert.deepEqual(snapshotLimitBytes({ RUNLENS_DATASET_SNAPSHOT_MB: '0.5' }), { bytes: 512 * 1024 });
  assert.deepEqual(snapshotLimitBytes({ RUNLENS_DATASET_SNAPSHOT_MB: '0' }), { bytes: 0 });
  const bad = snapshotLimitBytes({ RUNLENS_DATASET_SNAPSHOT_MB: 'lots' });
  assert.equal(bad.bytes, 100 * 1024 * 1024);
  assert.equal(bad.warning, 'RUNLENS_DATASET_SNAPSHOT_MB="lots" is not a size in MB (a number >= 0); using 100 MB');
  assert.match(snapshotLimitBytes({ RUNLENS_DATASET_SNAPSHOT_MB: '-3' }).warning ?? '', /not a size in MB/);
});

test('files over the limit, or with snapshots off, are not copied', (t) => {
  const ws = datasetWorkspace(t);
  const abs = ws.write('d.csv', 'a,b\n' + '1,2\n'.repeat(1000));
  const { fingerprint } = ws.recordRun('r', 'd.csv');
  assert.equal(snapshotDatasetFile(ws.store, fingerprint, abs, 0), 'disabled');
  assert.equal(snapshotDatasetFile(ws.store, fingerprint, abs, 1000), 'too-large');
  assert.equal(ws.store.datasets.datasetSnapshotPath(fingerprint), undefined);
  assert.equal(snapshotDatasetFile(ws.store, fingerprint, abs, 10_000), 'stored');
  assert.ok(ws.store.datasets.datasetSnapshotPath(fingerprint));
  assert.equal(snapshotDatasetFile(ws.store, fingerprint, abs, 10_000), 'exists');
});
