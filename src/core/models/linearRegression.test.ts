import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DenseMatrix } from '../data/frame';
import { LinearRegressionModel } from './linearRegression';
import { createModel, modelFromJSON } from './registry';
import { makeRegression } from './syntheticData';

function matrix(rows: number[][]): DenseMatrix {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

const close = (a: number, b: number, tol = 1e-10): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('OLS recovers a perfect line exactly', async () => {
  const X = matrix([[0], [1], [2], [3], [4]]);
  const y = Float64Array.from([1, 3, 5, 7, 9]); // y = 2x + 1
  const m = new LinearRegressionModel();
  await m.fit(X, y, { task: 'regression' });
  close(m.coefficients()[0], 2, 1e-14);
  close(m.interceptValue(), 1, 1e-14);
  assert.deepEqual(Array.from(m.predict(matrix([[10], [-1]]))).map((v) => Math.round(v * 1e9) / 1e9), [21, -1]);
});

test('OLS on a plane with two features', async () => {
  const rows = [[1, 0], [0, 1], [1, 1], [2, 1], [3, 5], [-1, 2]];
  const y = Float64Array.from(rows.map(([a, b]) => 3 * a - 2 * b + 0.5));
  const m = new LinearRegressionModel();
  await m.fit(matrix(rows), y, { task: 'regression' });
  close(m.coefficients()[0], 3);
  close(m.coefficients()[1], -2);
  close(m.interceptValue(), 0.5);
});

test('ridge matches the closed form w = Sxy / (Sxx + α) with an unpenalised intercept', async () => {
  const x = [1, 2, 4, 7];
  const yv = [2, 3, 9, 11];
  const alpha = 3;
  const mx = x.reduce((a, b) => a + b) / 4;
  const my = yv.reduce((a, b) => a + b) / 4;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < 4; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (yv[i] - my);
  }
  const w = sxy / (sxx + alpha);
  const m = createModel('linear_regression', { alpha }, 'regression') as LinearRegressionModel;
  await m.fit(matrix(x.map((v) => [v])), Float64Array.from(yv), { task: 'regression' });
  close(m.coefficients()[0], w);
  close(m.interceptValue(), my - w * mx);
});

test('without intercept the fit goes through the origin', async () => {
  const m = createModel('linear_regression', { fit_intercept: false }, 'regression') as LinearRegressionModel;
  await m.fit(matrix([[1], [2], [3]]), Float64Array.from([2, 4, 7]), { task: 'regression' });
  close(m.coefficients()[0], (2 + 8 + 21) / 14);
  assert.equal(m.interceptValue(), 0);
});

test('collinear columns give the minimum-norm solution (like lstsq)', async () => {
  // Column 1 duplicates column 0: any w0 + w1 = 2 fits; the minimum norm splits it evenly.
  const X = matrix([[1, 1, 0], [2, 2, 1], [3, 3, 0], [4, 4, 2], [5, 5, 1]]);
  const y = Float64Array.from([0, 1, 2, 3, 4].map((i) => 2 * X.data[i * 3] + 5 * X.data[i * 3 + 2] - 1));
  const m = new LinearRegressionModel();
  await m.fit(X, y, { task: 'regression' });
  const w = m.coefficients();
  close(w[0], 1, 1e-9);
  close(w[1], 1, 1e-9);
  close(w[2], 5, 1e-9);
  assert.equal(m.rank, 2);
  const pred = m.predict(X);
  pred.forEach((p, i) => close(p, y[i], 1e-9));
});

test('more columns than rows still gives the minimum-norm interpolant', async () => {
  const X = matrix([[1, 0, 0, 2], [0, 1, 0, 1], [0, 0, 1, 1]]);
  const y = Float64Array.from([1, 2, 3]);
  const m = createModel('linear_regression', { fit_intercept: false }, 'regression') as LinearRegressionModel;
  await m.fit(X, y, { task: 'regression' });
  const pred = m.predict(X);
  pred.forEach((p, i) => close(p, y[i], 1e-12));
  // Minimum norm ⇔ w is orthogonal to the null space of X, spanned by (−2, −1, −1, 1).
  const w = m.coefficients();
  close(w[0] * -2 + w[1] * -1 + w[2] * -1 + w[3], 0, 1e-12);
});

test('large synthetic regression is solved to high accuracy', async () => {
  const { X, y } = makeRegression({ rows: 5000, cols: 8, informative: 8, seed: 3 });
  const m = new LinearRegressionModel();
  await m.fit(X, y, { task: 'regression' });
  const pred = m.predict(X);
  let worst = 0;
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(pred[i] - y[i]));
  assert.ok(worst < 1e-9, `noise-free data, residual ${worst}`);
});

test('JSON round trip gives bit-identical predictions', async () => {
  const { X, y } = makeRegression({ rows: 300, cols: 5, noise: 3, seed: 9 });
  const m = new LinearRegressionModel({ alpha: 0.7, fit_intercept: true });
  await m.fit(X, y, { task: 'regression', featureNames: ['a', 'b', 'c', 'd', 'e'] });
  const json = JSON.parse(JSON.stringify(m.toJSON()));
  const back = modelFromJSON(json);
  assert.deepEqual(back.predict(X), m.predict(X));
  assert.deepEqual(back.featureImportances?.(), m.featureImportances());
  assert.deepEqual(json.featureNames, ['a', 'b', 'c', 'd', 'e']);
});

test('importances are |w| normalised to 1', async () => {
  const m = new LinearRegressionModel();
  await m.fit(matrix([[1, 0], [0, 1], [1, 1], [2, 3]]), Float64Array.from([3, -1, 2, 3]), { task: 'regression' });
  const imp = m.featureImportances() as Float64Array;
  close(imp[0], 0.75);
  close(imp[1], 0.25);
});

test('rejects classification, NaN cells and shape mismatches', async () => {
  assert.throws(() => createModel('linear_regression', {}, 'classification'), /does not support classification/);
  const m = new LinearRegressionModel();
  await assert.rejects(m.fit(matrix([[1], [NaN]]), Float64Array.from([1, 2]), { task: 'regression' }), /X\[1, 0\] is NaN/);
  await assert.rejects(m.fit(matrix([[1], [2]]), Float64Array.from([1]), { task: 'regression' }), /2 rows but y has 1/);
  assert.throws(() => m.predict(matrix([[1]])), /not fitted/);
  await m.fit(matrix([[1], [2]]), Float64Array.from([1, 2]), { task: 'regression' });
  assert.throws(() => m.predict(matrix([[1, 2]])), /fitted on 1 features/);
});
