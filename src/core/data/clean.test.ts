import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CleanConfig, DataConfig } from '../config/trainConfig';
import { parseCsvText } from './csvReader';
import { fitPreprocessor } from './preprocessorFit';
import { DataError } from './dataError';

/** Fits on `train` (CSV text, target `y`) and returns column `col` of the transformed train and test matrices. */
function cleaned(train: string, clean: CleanConfig, test?: string, extra: Partial<DataConfig> = {}) {
  const data: DataConfig = { target: 'y', clean, features: { onehot: 'auto' }, ...extra };
  const fitted = fitPreprocessor(parseCsvText(train, 'train.csv'), data, 'regression');
  const column = (m: { data: Float64Array; rows: number; cols: number }, j: number) =>
    Array.from({ length: m.rows }, (_, r) => m.data[r * m.cols + j]);
  const testX = test !== undefined ? fitted.preprocessor.transform(parseCsvText(test, 'test.csv')) : undefined;
  return { fitted, x: column(fitted.X, 0), test: testX ? column(testX, 0) : [], names: fitted.preprocessor.featureNames, testX };
}

const TRAIN = 'x,y\n1,0\n2,0\nNA,0\n4,0\n100,0\n';

test('missing: mean fills with the train mean (1+2+4+100)/4 = 26.75, also in test', () => {
  const r = cleaned(TRAIN, { missing: 'mean' }, 'x,y\n,1\n5,1\n');
  assert.deepEqual(r.x, [1, 2, 26.75, 4, 100]);
  assert.deepEqual(r.test, [26.75, 5]);
});

test('missing: default is mean for numeric columns and mode for categorical ones', () => {
  const r = cleaned('x,c,y\n1,a,0\nNA,b,0\n5,,0\n6,b,0\n', {});
  assert.deepEqual(r.x, [1, 4, 5, 6]);
  assert.deepEqual(r.names, ['x', 'c=a', 'c=b']);
  assert.deepEqual(Array.from(r.fitted.X.data.slice(6, 9)), [5, 0, 1], 'row 2: c missing → mode "b"');
});

test('missing: median of [1, 2, 4, 100] is 3', () => {
  assert.deepEqual(cleaned(TRAIN, { missing: 'median' }).x, [1, 2, 3, 4, 100]);
});

test('missing: mode takes the most frequent value, the smallest on ties', () => {
  assert.deepEqual(cleaned('x,y\n3,0\n2,0\n2,0\n3,0\nNA,0\n9,0\n', { missing: 'mode' }).x, [3, 2, 2, 3, 2, 9]);
  const cat = cleaned('c,y\nb,0\na,0\n,0\nb,0\na,0\n', { missing: 'mode' });
  assert.deepEqual(Array.from(cat.fitted.X.data.slice(4, 6)), [1, 0], 'tie between a and b → a');
});

test('missing: constant uses fill (numbers for numeric columns, text for categorical), default 0 / "missing"', () => {
  assert.deepEqual(cleaned(TRAIN, { missing: 'constant', fill: -1 }).x, [1, 2, -1, 4, 100]);
  assert.deepEqual(cleaned(TRAIN, { missing: 'constant' }).x, [1, 2, 0, 4, 100]);
  assert.deepEqual(cleaned(TRAIN, { missing: 'constant', fill: '7.5' }).x, [1, 2, 7.5, 4, 100]);
  const cat = cleaned('c,y\nb,0\n,0\n', { missing: 'constant', fill: 'unknown' });
  assert.deepEqual(cat.names, ['c=b', 'c=unknown']);
  assert.deepEqual(Array.from(cat.fitted.X.data), [1, 0, 0, 1]);
  assert.deepEqual(cleaned('c,y\nb,0\n,0\n', { missing: 'constant' }).names, ['c=b', 'c=missing']);
  assert.throws(() => cleaned('x,y\n1,0\nNA,0\n', { missing: 'constant', fill: 'abc' }),
    (e: unknown) => e instanceof DataError && /fill is "abc", which is not a number, but column "x" is numeric/.test(e.message));
});

test('missing: drop removes rows with a missing used value and counts them; transform refuses missing values', () => {
  const r = cleaned('x,c,unused,y\n1,a,,0\nNA,a,1,0\n3,,1,0\n4,b,1,0\n', { missing: 'drop' }, undefined,
    { features: { exclude: ['unused'] } });
  assert.deepEqual(r.x, [1, 4]);
  assert.deepEqual(r.fitted.dropped, { missingTarget: 0, missingValues: 2 });
  assert.equal(r.fitted.frame.rows, 2);
  assert.throws(() => r.fitted.preprocessor.transform(parseCsvText('x,c,unused\n1,a,1\nNA,a,1\n', 'serve.csv')),
    /serve\.csv:3:1 \(column "x"\): missing value, and data\.clean\.missing is drop/);
});

test('rows with a missing target are always dropped and counted', () => {
  const r = cleaned('x,y\n1,1\n2,\n3,NA\n4,4\n', { missing: 'mean' });
  assert.deepEqual(r.x, [1, 4]);
  assert.deepEqual(r.fitted.dropped, { missingTarget: 2, missingValues: 0 });
  assert.deepEqual(Array.from(r.fitted.y), [1, 4]);
});

test('outliers: clip_iqr clips to [Q1 - 1.5 IQR, Q3 + 1.5 IQR] learnt on train ([-1, 7] here), also in test', () => {
  // [1, 2, 3, 4, 100]: Q1 = 2, Q3 = 4, IQR = 2 → [-1, 7].
  const r = cleaned('x,y\n1,0\n2,0\n3,0\n4,0\n100,0\n', { outliers: 'clip_iqr' }, 'x,y\n-50,0\n6,0\n1e9,0\n');
  assert.deepEqual(r.x, [1, 2, 3, 4, 7]);
  assert.deepEqual(r.test, [-1, 6, 7]);
});

test('outliers are clipped before the fill is computed: mean of the clipped values fills missing cells', () => {
  // Clipped [1, 2, 3, 4, 7] → mean 3.4.
  const r = cleaned('x,y\n1,0\n2,0\n3,0\n4,0\n100,0\nNA,0\n', { outliers: 'clip_iqr', missing: 'mean' });
  assert.deepEqual(r.x, [1, 2, 3, 4, 7, 3.4]);
});

test('outliers: zscore clips to mean ± 3 population std of train', () => {
  // Nineteen 0s and one 20: mean 1, population variance (19 + 361) / 20 = 19.
  const rows = [...new Array(19).fill('0,0'), '20,0'].join('\n');
  const r = cleaned(`x,y\n${rows}\n`, { outliers: 'zscore' }, 'x,y\n-100,0\n5,0\n');
  assert.equal(r.x[19], 1 + 3 * Math.sqrt(19));
  assert.equal(r.x[0], 0);
  assert.deepEqual(r.test, [1 - 3 * Math.sqrt(19), 5]);
});

test('outliers none leaves values alone; booleans and categories are never clipped', () => {
  assert.deepEqual(cleaned('x,y\n1,0\n2,0\n1000,0\n', { outliers: 'none' }).x, [1, 2, 1000]);
  const b = cleaned('b,y\ntrue,0\nfalse,0\nfalse,0\nfalse,0\nfalse,0\nfalse,0\n', { outliers: 'zscore' });
  assert.deepEqual(b.x, [1, 0, 0, 0, 0, 0]);
});

test('booleans become 0/1 and missing booleans take the mode (or a constant true/false)', () => {
  assert.deepEqual(cleaned('b,y\nyes,0\nno,0\nyes,0\nNA,0\n', { missing: 'mean' }).x, [1, 0, 1, 1]);
  assert.deepEqual(cleaned('b,y\nyes,0\nno,0\nyes,0\nNA,0\n', { missing: 'constant', fill: 'false' }).x, [1, 0, 1, 0]);
});

test('trimming (default on) merges " a" and "a "; off keeps them apart', () => {
  const on = cleaned('c,y\n" a",0\n"a ",0\nb,0\n', {});
  assert.deepEqual(on.names, ['c=a', 'c=b']);
  const off = cleaned('c,y\n" a",0\n"a ",0\nb,0\n', { trim: false });
  assert.deepEqual(off.names, ['c= a', 'c=a ', 'c=b']);
  // Serving text is trimmed the same way.
  assert.deepEqual(Array.from(on.fitted.preprocessor.transformRecords([{ c: '  b  ' }]).data), [0, 1]);
});

test('a feature column with no training values is an error that says how to fix it', () => {
  assert.throws(() => cleaned('x,z,y\n1,,0\n2,,0\n', {}), /column "z" of train\.csv has no values in the training split; exclude it/);
});
