import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempStore } from './testing/tempStore';

test('datasets upsert by fingerprint; undefined fields keep their value', (t) => {
  const { store, clock } = tempStore(t);
  const d = store.datasets.upsertDataset({ fingerprint: 'fp1', path: 'data/iris.csv', rows: 150, columns: 5, schema: { species: 'categorical' }, stats: { n: 150 } });
  assert.deepEqual(d, { fingerprint: 'fp1', path: 'data/iris.csv', rows: 150, columns: 5, schema: { species: 'categorical' }, stats: { n: 150 }, createdAt: clock.t });
  clock.advance(10);
  const again = store.datasets.upsertDataset({ fingerprint: 'fp1', path: 'copy/iris.csv' });
  assert.equal(again.path, 'copy/iris.csv');
  assert.equal(again.rows, 150);
  assert.deepEqual(again.schema, { species: 'categorical' });
  assert.equal(again.createdAt, clock.t - 10);
  assert.equal(store.datasets.getDataset('nope'), undefined);
  store.datasets.upsertDataset({ fingerprint: 'fp2', path: 'data/wine.csv' });
  assert.deepEqual(store.datasets.listDatasets().map((x) => x.fingerprint).sort(), ['fp1', 'fp2']);
});

test('run inputs: by info or stored fingerprint, roles checked, listed train first', (t) => {
  const { store } = tempStore(t);
  const run = store.createRun({ experiment: 'e' });
  store.datasets.logInput(run.id, { fingerprint: 'te', path: 'test.csv', rows: 30 }, 'test');
  store.datasets.upsertDataset({ fingerprint: 'tr', path: 'train.csv' });
  const input = store.datasets.logInput(run.id, 'tr', 'train');
  assert.deepEqual(input, { runId: run.id, fingerprint: 'tr', role: 'train', path: 'train.csv' });
  assert.deepEqual(store.datasets.listInputs(run.id).map((i) => i.role), ['train', 'test']);
  assert.throws(() => store.datasets.logInput(run.id, 'unknown', 'eval'), /no dataset with fingerprint unknown/);
  assert.throws(() => store.datasets.logInput(run.id, 'tr', 'validate' as never), /unknown input role/);
  assert.throws(() => store.datasets.logInput('0'.repeat(32), 'tr', 'train'), /no run with id/);
  // Logging the same input twice keeps one row.
  store.datasets.logInput(run.id, 'tr', 'train');
  assert.equal(store.datasets.listInputs(run.id).length, 2);
});
