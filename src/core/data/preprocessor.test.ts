import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataConfig } from '../config/trainConfig';
import type { Task } from '../models/model';
import { parseCsvText } from './csvReader';
import type { DenseMatrix } from './frame';
import { Preprocessor } from './preprocessor';
import type { PreprocessorJSON } from './preprocessor';
import { fitPreprocessor } from './preprocessorFit';
import { CsvError, DataError } from './dataError';

function fit(csv: string, data: Partial<DataConfig> = {}, task: Task = 'regression') {
  return fitPreprocessor(parseCsvText(csv, 'train.csv'), { target: 'y', ...data }, task);
}

function rows(m: DenseMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

function sameBits(a: DenseMatrix, b: DenseMatrix): boolean {
  return a.rows === b.rows && a.cols === b.cols &&
    Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
}

test('standard scaling uses the train mean and population std; test data is scaled with train statistics', () => {
  const { X, preprocessor } = fit('x,y\n1,0\n2,0\n3,0\n4,0\n', { features: { scale: 'standard' } });
  const sd = Math.sqrt(1.25);
  assert.deepEqual(rows(X).map((r) => r[0]), [(1 - 2.5) / sd, (2 - 2.5) / sd, (3 - 2.5) / sd, (4 - 2.5) / sd]);
  assert.deepEqual(rows(preprocessor.transform(parseCsvText('x\n10\n20\n', 'test.csv'))).map((r) => r[0]),
    [(10 - 2.5) / sd, (20 - 2.5) / sd]);
});

test('scaling is fitted on the training split only: different test data never changes the fit', () => {
  const a = fit('x,y\n1,0\n2,0\n3,0\n', { features: { scale: 'standard' } }).preprocessor;
  const t1 = a.transform(parseCsvText('x\n100\n200\n', 't1.csv'));
  const t2 = a.transform(parseCsvText('x\n100\n-5000\n', 't2.csv'));
  assert.equal(t1.data[0], t2.data[0], 'row 0 is the same whatever the other test rows are');
  assert.equal(t1.data[0], (100 - 2) / Math.sqrt(2 / 3));
});

test('minmax scaling maps the train range to [0, 1]; a constant column scales to 0', () => {
  const { X, preprocessor } = fit('x,k,y\n2,5,0\n4,5,0\n6,5,0\n', { features: { scale: 'minmax' } });
  assert.deepEqual(rows(X), [[0, 0], [0.5, 0], [1, 0]]);
  // Outside the train range: beyond [0, 1]; the constant column divides by 1 (as scikit-learn).
  assert.deepEqual(rows(preprocessor.transform(parseCsvText('x,k\n10,7\n', 't.csv'))), [[2, 2]]);
  const std = fit('k,y\n5,0\n5,0\n', { features: { scale: 'standard' } });
  assert.deepEqual(rows(std.X), [[0], [0]]);
});

test('scaling leaves booleans and one-hot columns as 0/1', () => {
  const { X, preprocessor } = fit('x,b,c,y\n0,yes,u,0\n10,no,v,0\n', { features: { scale: 'standard' } });
  assert.deepEqual(preprocessor.featureNames, ['x', 'b', 'c=u', 'c=v']);
  assert.deepEqual(rows(X), [[-1, 1, 1, 0], [1, 0, 0, 1]]);
});

test('one-hot: categories sorted, an unseen category gives an all-zero group', () => {
  const { X, preprocessor } = fit('color,n,y\nred,1,0\ngreen,2,0\nred,3,0\n');
  assert.deepEqual(preprocessor.featureNames, ['color=green', 'color=red', 'n']);
  assert.deepEqual(rows(X), [[0, 1, 1], [1, 0, 2], [0, 1, 3]]);
  assert.deepEqual(rows(preprocessor.transform(parseCsvText('color,n\nblue,4\ngreen,5\n', 't.csv'))), [[0, 0, 4], [1, 0, 5]]);
});

test('onehot none: ordinal codes in sorted order, -1 for an unseen category', () => {
  const { X, preprocessor } = fit('color,y\nred,0\ngreen,0\nblue,0\n', { features: { onehot: 'none' } });
  assert.deepEqual(preprocessor.featureNames, ['color']);
  assert.deepEqual(rows(X), [[2], [1], [0]]);
  assert.deepEqual(rows(preprocessor.transform(parseCsvText('color\npink\n', 't.csv'))), [[-1]]);
});

test('include / exclude choose the features in file order; the target is never a feature; unknown names list the columns', () => {
  const csv = 'a,b,c,y\n1,2,3,0\n4,5,6,1\n';
  assert.deepEqual(fit(csv, { features: { include: ['c', 'a', 'y'] } }).preprocessor.featureNames, ['a', 'c']);
  assert.deepEqual(fit(csv, { features: { exclude: ['b'] } }).preprocessor.featureNames, ['a', 'c']);
  assert.throws(() => fit(csv, { features: { include: ['a', 'zz', 'qq'] } }), (e: unknown) => e instanceof DataError &&
    e.message === 'data.features.include names unknown columns "zz", "qq" in train.csv; the columns are: a, b, c, y');
  assert.throws(() => fit(csv, { features: { exclude: ['nope'] } }), /data\.features\.exclude names unknown column "nope"/);
  assert.throws(() => fit(csv, { features: { include: ['y'] } }), /no feature columns left/);
});

test('classification targets: class indices sorted like np.unique (numbers numerically, strings by code unit)', () => {
  const num = fit('x,y\n1,10\n2,9\n3,100\n4,9\n', {}, 'classification');
  assert.deepEqual(num.preprocessor.classes, [9, 10, 100]);
  assert.deepEqual(Array.from(num.y), [1, 0, 2, 0]);
  const str = fit('x,y\n1,b\n2,B\n3,a\n4, b\n', {}, 'classification');
  assert.deepEqual(str.preprocessor.classes, ['B', 'a', 'b']);
  assert.deepEqual(Array.from(str.y), [2, 0, 1, 2]);
  const bool = fit('x,y\n1,yes\n2,no\n', {}, 'classification');
  assert.deepEqual(bool.preprocessor.classes, [false, true]);
  assert.deepEqual(Array.from(bool.y), [1, 0]);
  // Given classes (e.g. from train + test) fix the indices.
  const given = fitPreprocessor(parseCsvText('x,y\n1,b\n2,c\n', 't.csv'), { target: 'y' }, 'classification', { classes: ['a', 'b', 'c'] });
  assert.deepEqual(Array.from(given.y), [1, 2]);
});

test('target errors: one class, text target for regression, unknown label, missing target column', () => {
  assert.throws(() => fit('x,y\n1,a\n2,a\n', {}, 'classification'), (e: unknown) => e instanceof CsvError &&
    e.file === 'train.csv' && e.columnName === 'y' && e.column === 2 && /only one class \("a"\)/.test(e.message));
  assert.throws(() => fit('x,y\n1,a\n2,b\n', {}, 'regression'), /the target is text, but the task is regression/);
  const { preprocessor } = fit('x,y\n1,a\n2,b\n', {}, 'classification');
  assert.throws(() => preprocessor.encodeTarget(parseCsvText('x,y\n1,a\n2,zebra\n', 'test.csv')),
    /test\.csv:3:2 \(column "y"\): label "zebra" was not among the training labels \(a, b\)/);
  assert.throws(() => fit('x,z\n1,2\n'), /train\.csv: target column "y" not found; the columns are: x, z/);
});

test('transform works without the target column (serving) and names missing input columns', () => {
  const { preprocessor } = fit('a,b,y\n1,x,0\n2,z,1\n');
  assert.deepEqual(rows(preprocessor.transform(parseCsvText('b,a\nz,5\n', 'in.csv'))), [[5, 0, 1]]);
  assert.throws(() => preprocessor.transform(parseCsvText('q\n1\n', 'in.csv')),
    (e: unknown) => e instanceof DataError && e.message === 'in.csv lacks columns "a", "b" (the model needs: a, b)');
});

test('a test column of text where train had numbers: the bad cell is located', () => {
  const { preprocessor } = fit('a,y\n1,0\n2,1\n');
  assert.throws(() => preprocessor.transform(parseCsvText('a\n1\nabc\n', 'test.csv')),
    /test\.csv:3:1 \(column "a"\): "abc" is not a number/);
});

test('transformRecords: numbers, numeric strings, booleans and null (imputed); absent keys are an error naming them', () => {
  const { preprocessor } = fit('n,b,c,y\n1,yes,u,0\n3,no,v,1\n');
  const m = preprocessor.transformRecords([
    { n: 5, b: true, c: 'v' },
    { n: ' 7.5 ', b: 'no', c: 'w' },
    { n: null, b: null, c: null },
  ]);
  // Fill values: mean 2 for n, mode 0 (tie → smallest) for b, mode "u" (tie → smallest) for c.
  assert.deepEqual(rows(m), [[5, 1, 0, 1], [7.5, 0, 0, 0], [2, 0, 1, 0]]);
  assert.throws(() => preprocessor.transformRecords([{ n: 1, b: true, c: 'u' }, { n: 1 }]),
    (e: unknown) => e instanceof DataError && e.message === 'input record 2 lacks columns "b", "c" (the model needs: n, b, c)');
  assert.throws(() => preprocessor.transformRecords([{ n: 'abc', b: true, c: 'u' }]), /record 1, column "n": "abc" is not a number/);
});

test('toJSON / fromJSON round trip gives a bit-identical matrix (scaling, clipping, fills, one-hot, drop)', () => {
  const csv = ['x,w,b,c,y', '0.1,1e-300,yes,a,1.5', '0.7,3,no,b,2.5', 'NA,7,yes,,3.5', '1e5,0.3333333333333333,NA,a,4.5',
    '-2.5,5,no,c,0.5'].join('\n');
  const test = parseCsvText('x,w,b,c\n0.3,2,yes,zz\nNA,NA,NA,NA\n1e9,-1e9,no,b\n', 'test.csv');
  for (const data of [
    { features: { scale: 'standard' as const }, clean: { outliers: 'clip_iqr' as const, missing: 'median' as const } },
    { features: { scale: 'minmax' as const, onehot: 'none' as const }, clean: { outliers: 'zscore' as const } },
  ]) {
    const { preprocessor, X } = fit(csv, data);
    const json = JSON.parse(JSON.stringify(preprocessor.toJSON())) as PreprocessorJSON;
    const back = Preprocessor.fromJSON(json);
    assert.deepEqual(back.featureNames, preprocessor.featureNames);
    assert.ok(sameBits(back.transform(parseCsvText(csv, 'train.csv')), X));
    assert.ok(sameBits(back.transform(test), preprocessor.transform(test)));
    assert.deepEqual(back.toJSON(), preprocessor.toJSON());
  }
  const drop = fit('x,c,y\n1,a,0\nNA,b,1\n3,b,1\n', { clean: { missing: 'drop' } }, 'classification').preprocessor;
  const back = Preprocessor.fromJSON(JSON.parse(JSON.stringify(drop.toJSON())) as PreprocessorJSON);
  assert.deepEqual(back.classes, [0, 1]);
  assert.throws(() => back.transform(parseCsvText('x,c\nNA,a\n', 's.csv')), /data\.clean\.missing is drop/);
  assert.throws(() => Preprocessor.fromJSON({ format: 'other' } as unknown as PreprocessorJSON), /not a RunLens preprocessor/);
});
