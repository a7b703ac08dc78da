import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accuracy } from '../metrics/classificationMetrics';
import { regressionMetrics } from '../metrics/regressionMetrics';
import { DecisionTreeModel } from './decisionTree';
import { LinearRegressionModel } from './linearRegression';
import type { Scorer } from './permutationImportance';
import { permutationImportance } from './permutationImportance';
import { Rng } from '../util/rng';

const rng = new Rng(1);
const n = 400;
// y depends strongly on column 0, weakly on column 1, not at all on column 2.
const data = new Float64Array(n * 3);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) {
  for (let j = 0; j < 3; j++) data[i * 3 + j] = rng.normal();
  y[i] = 5 * data[i * 3] + 1 * data[i * 3 + 1] + 0.1 * rng.normal();
}
const X = { data, rows: n, cols: 3 };
const r2: Scorer = (m, x, t) => regressionMetrics(t, m.predict(x)).r2;

test('ranks features by how much shuffling them hurts the score', async () => {
  const m = new LinearRegressionModel();
  await m.fit(X, y, { task: 'regression' });
  const before = X.data.slice();
  const res = permutationImportance(m, X, y, r2, { repeats: 5, seed: 3 });
  assert.deepEqual(X.data, before, 'X is not modified');
  const [a, b, c] = res.importancesMean;
  assert.ok(a > 1 && b > 0.02 && b < a && Math.abs(c) < 0.01, `${a} ${b} ${c}`);
  assert.ok(res.baseline > 0.99);
  assert.equal(res.importances.rows, 3);
  assert.equal(res.importances.cols, 5);
  assert.ok(res.importancesStd[0] > 0);
});

test('is deterministic for a seed, and a loss can be used with greaterIsBetter false', async () => {
  const m = new LinearRegressionModel();
  await m.fit(X, y, { task: 'regression' });
  const a = permutationImportance(m, X, y, r2, { seed: 9 });
  const b = permutationImportance(m, X, y, r2, { seed: 9 });
  assert.deepEqual(a.importancesMean, b.importancesMean);
  const mse: Scorer = (mm, x, t) => regressionMetrics(t, mm.predict(x)).mse;
  const lossBased = permutationImportance(m, X, y, mse, { seed: 9, greaterIsBetter: false });
  assert.ok(lossBased.importancesMean[0] > 10, 'mse grows when column 0 is shuffled: positive importance');
});

test('works for classifiers with accuracy', async () => {
  const cls = Float64Array.from(y, (v) => (v > 0 ? 1 : 0));
  const m = new DecisionTreeModel('classification', {
    criterion: 'gini', max_depth: 4, min_samples_split: 2, min_samples_leaf: 1, max_features: null, min_impurity_decrease: 0, seed: 0,
  });
  await m.fit(X, cls, { task: 'classification', nClasses: 2 });
  const res = permutationImportance(m, X, cls, (mm, x, t) => accuracy(t, mm.predict(x)), { repeats: 3 });
  assert.ok(res.importancesMean[0] > 0.2);
  assert.ok(res.importancesMean[0] > res.importancesMean[2]);
  assert.throws(() => permutationImportance(m, X, cls, () => 0, { repeats: 0 }), /repeats/);
});
