import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareData } from './prepareData';
import { fingerprintFile } from './fingerprint';
import { DataError } from './dataError';
import type { DenseMatrix } from './frame';
import { columnByName } from './frame';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.copyFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'data', 'iris.csv'), path.join(dir, 'data', 'iris.csv'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): void {
  fs.writeFileSync(path.join(dir, name), content);
}

function rows(m: DenseMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

function counts(y: Float64Array): number[] {
  const c = [0, 0, 0];
  for (const v of y) c[v]++;
  return c;
}

test('iris from data.path: classification, stratified 80/20 split, fingerprint recorded', async () => {
  const p = await prepareData({ path: 'data/iris.csv', target: 'species' }, dir);
  assert.equal(p.task, 'classification');
  assert.deepEqual(p.classes, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(p.featureNames, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  assert.deepEqual([p.Xtrain.rows, p.Xtrain.cols, p.Xtest.rows, p.Xtest.cols], [120, 4, 30, 4]);
  assert.deepEqual(counts(p.ytest), [10, 10, 10]);
  assert.deepEqual(counts(p.ytrain), [40, 40, 40]);
  assert.equal(p.trainFrame.rows, 120);
  assert.equal(p.testFrame.rows, 30);
  // X rows are the frames' rows (no scaling by default).
  const sl = columnByName(p.testFrame, 'sepal_length')!.values as Float64Array;
  assert.deepEqual(rows(p.Xtest).map((r) => r[0]), Array.from(sl));
  assert.equal(p.files.length, 1);
  assert.equal(p.files[0].path, 'data/iris.csv');
  assert.equal(p.files[0].role, 'data');
  assert.equal(p.files[0].fingerprint.sha256, await fingerprintFile(path.join(dir, 'data', 'iris.csv')));
  assert.equal(p.files[0].fingerprint.rows, 150);
  assert.deepEqual(p.dropped, { missingTarget: 0, missingValues: 0, infiniteValues: 0 });
  assert.deepEqual(p.warnings, []);
});

test('the split is deterministic per seed: split.seed, else the run seed, else 42', async () => {
  const base = { path: 'data/iris.csv', target: 'species' };
  const a = await prepareData(base, dir);
  const b = await prepareData({ ...base, split: { seed: 42 } }, dir);
  const c = await prepareData(base, dir, { seed: 42 });
  const d = await prepareData(base, dir, { seed: 7 });
  const e = await prepareData({ ...base, split: { seed: 7 } }, dir, { seed: 1 });
  assert.deepEqual(a.Xtest, b.Xtest);
  assert.deepEqual(a.Xtest, c.Xtest);
  assert.notDeepEqual(a.Xtest, d.Xtest);
  assert.deepEqual(d.Xtest, e.Xtest);
  assert.deepEqual(a.ytrain, b.ytrain);
});

test('split.test and stratify false are honoured', async () => {
  const p = await prepareData({ path: 'data/iris.csv', target: 'species', split: { test: 0.5, stratify: false, seed: 3 } }, dir);
  assert.equal(p.Xtest.rows, 75);
  assert.equal(p.Xtrain.rows, 75);
});

test('explicit train and test files: exactly those rows, in file order; labels from both files', async () => {
  write('tr.csv', 'x,c,y\n1,a,lo\n2,b,hi\n3,a,lo\n');
  write('te.csv', 'y,x,c\nmid,30,b\nlo,10,a\nhi,20,z\n');
  const p = await prepareData({ train: 'tr.csv', test: 'te.csv', target: 'y', split: { test: 0.5 } }, dir);
  assert.equal(p.task, 'classification');
  assert.deepEqual(p.classes, ['hi', 'lo', 'mid']);
  assert.deepEqual(rows(p.Xtrain), [[1, 1, 0], [2, 0, 1], [3, 1, 0]]);
  assert.deepEqual(rows(p.Xtest), [[30, 0, 1], [10, 1, 0], [20, 0, 0]]);
  assert.deepEqual(Array.from(p.ytrain), [1, 0, 1]);
  assert.deepEqual(Array.from(p.ytest), [2, 1, 0]);
  assert.deepEqual(p.files.map((f) => [f.path, f.role]), [['tr.csv', 'train'], ['te.csv', 'test']]);
  assert.deepEqual(p.warnings, ['data.split is ignored because data.train and data.test are given']);
});

test('explicit files must have the same columns; the data section must name its files sensibly', async () => {
  write('a.csv', 'x,y\n1,0\n2,1\n');
  write('b.csv', 'x,z,y\n1,0,0\n');
  await assert.rejects(prepareData({ train: 'a.csv', test: 'b.csv', target: 'y' }, dir), (e: unknown) => e instanceof DataError &&
    e.message === 'data.train and data.test must have the same columns; only in b.csv: z');
  await assert.rejects(prepareData({ train: 'a.csv', target: 'y' }, dir), /data\.test is missing/);
  await assert.rejects(prepareData({ path: 'a.csv', test: 'b.csv', target: 'y' }, dir), /cannot be combined/);
  await assert.rejects(prepareData({ target: 'y' }, dir), /needs data\.path/);
  await assert.rejects(prepareData({ path: 'nope.csv', target: 'y' }, dir), /^CsvError: nope\.csv: file not found/);
});

test('missing targets are dropped before the split and counted; drop counts rows from both splits', async () => {
  const lines = ['x,c,y'];
  for (let i = 0; i < 20; i++) lines.push(`${i % 5 === 0 ? 'NA' : i},${i % 2 ? 'a' : 'b'},${i % 7 === 3 ? '' : i * 0.5}`);
  write('m.csv', lines.join('\n'));
  // Targets missing at i = 3, 10, 17; x missing at i = 0, 5, 10, 15 (10 overlaps).
  const mean = await prepareData({ path: 'm.csv', target: 'y' }, dir);
  assert.equal(mean.task, 'regression');
  assert.deepEqual(mean.dropped, { missingTarget: 3, missingValues: 0, infiniteValues: 0 });
  assert.equal(mean.Xtrain.rows + mean.Xtest.rows, 17);
  const drop = await prepareData({ path: 'm.csv', target: 'y', clean: { missing: 'drop' } }, dir);
  assert.deepEqual(drop.dropped, { missingTarget: 3, missingValues: 3, infiniteValues: 0 });
  assert.equal(drop.Xtrain.rows + drop.Xtest.rows, 14);
  assert.ok(rows(drop.Xtrain).concat(rows(drop.Xtest)).every((r) => r.every(Number.isFinite)));
});

test('task override, and stratify ignored for regression with a warning', async () => {
  write('int.csv', ['x,y', ...Array.from({ length: 40 }, (_, i) => `${i},${i % 3}`)].join('\n'));
  const inferred = await prepareData({ path: 'int.csv', target: 'y' }, dir);
  assert.equal(inferred.task, 'classification');
  assert.deepEqual(inferred.classes, [0, 1, 2]);
  const forced = await prepareData({ path: 'int.csv', target: 'y', split: { stratify: true } }, dir, { task: 'regression' });
  assert.equal(forced.task, 'regression');
  assert.equal(forced.classes, undefined);
  assert.deepEqual(forced.warnings, ['data.split.stratify is ignored for regression']);
  assert.ok(forced.ytrain.every((v) => v === 0 || v === 1 || v === 2));
});

test('features config flows through: scaling fitted on train, one-hot names, exclude', async () => {
  write('f.csv', ['a,b,c,y', ...Array.from({ length: 50 }, (_, i) => `${i},${i % 2 ? 'u' : 'v'},${i * i},${i % 2}`)].join('\n'));
  const p = await prepareData({ path: 'f.csv', target: 'y', features: { scale: 'standard', exclude: ['c'] } }, dir);
  assert.deepEqual(p.featureNames, ['a', 'b=u', 'b=v']);
  let s = 0;
  let ss = 0;
  for (let r = 0; r < p.Xtrain.rows; r++) {
    s += p.Xtrain.data[r * 3];
    ss += p.Xtrain.data[r * 3] ** 2;
  }
  assert.ok(Math.abs(s / p.Xtrain.rows) < 1e-12, 'train column mean 0');
  assert.ok(Math.abs(ss / p.Xtrain.rows - 1) < 1e-12, 'train column population variance 1');
  assert.deepEqual(p.preprocessor.featureNames, p.featureNames);
});
