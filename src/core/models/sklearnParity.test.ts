/**
 * The built-in models against scikit-learn 1.2 (Debian's python3-sklearn) on
 * the real data sets scikit-learn ships. Python splits and scales the data
 * and writes CSVs; both sides fit the same bits.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ReferenceFit, ReferenceJob } from '../../../scripts/sklearn/referenceRunner';
import { readCsv, runReference, runReferenceFits, sklearnAvailable, writeCsv } from '../../../scripts/sklearn/referenceRunner';
import { missingTool } from '../../../test/fixtures/requiredTool';
import type { DenseMatrix } from '../data/frame';
import { logLoss } from '../metrics/classificationMetrics';
import { r2Score } from '../metrics/regressionMetrics';
import type { DecisionTreeModel } from './decisionTree';
import type { LinearRegressionModel } from './linearRegression';
import type { LogisticRegressionModel } from './logisticRegression';
import { binaryObjective, multinomialObjective } from './logisticObjective';
import { createModel } from './registry';

interface Split {
  readonly train: string;
  readonly test: string;
  readonly classes: number;
}

const available = sklearnAvailable();
let dir = '';
let data: Record<string, Split> = {};
const ref = new Map<string, ReferenceFit>();

const linearCases = [
  { name: 'ols_diabetes', data: 'diabetes', model: 'linear_regression', params: {}, ours: {} },
  { name: 'ridge_diabetes', data: 'diabetes', model: 'ridge', params: { alpha: 0.5 }, ours: { alpha: 0.5 } },
  { name: 'ols_breast_cancer', data: 'breast_cancer', model: 'linear_regression', params: {}, ours: {} },
  { name: 'ols_wine_no_intercept', data: 'wine', model: 'linear_regression', params: { fit_intercept: false }, ours: { fit_intercept: false } },
] as const;

const logisticCases = [
  { name: 'logit_breast_cancer', data: 'breast_cancer_scaled', C: 1 },
  { name: 'logit_breast_cancer_C100', data: 'breast_cancer_scaled', C: 100 },
  { name: 'logit_iris', data: 'iris_scaled', C: 1 },
  { name: 'logit_iris_C0.05', data: 'iris_scaled', C: 0.05 },
  { name: 'logit_wine', data: 'wine_scaled', C: 1 },
] as const;

const treeCases = [
  { name: 'tree_breast_cancer', data: 'breast_cancer', params: {} },
  { name: 'tree_breast_cancer_entropy_d4', data: 'breast_cancer', params: { criterion: 'entropy', max_depth: 4 } },
  { name: 'tree_wine', data: 'wine', params: {} },
  { name: 'tree_wine_leaf5', data: 'wine', params: { min_samples_leaf: 5 } },
] as const;

/** Separable data (the sign of the first feature is the class): the optimum lies at infinity, so both fits stop at max_iter. */
const SEPARABLE_PARAMS = { C: 1e6, max_iter: 20 } as const;

function writeSeparable(into: string): string {
  const rows = 200;
  const X = new Float64Array(rows * 2);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const side = i % 2 === 0 ? 1 : -1;
    X[2 * i] = side * (0.5 + (i % 17) / 10);
    X[2 * i + 1] = Math.sin(i * 1.7);
    y[i] = side > 0 ? 1 : 0;
  }
  const file = join(into, 'separable.csv');
  writeCsv(file, { rows, cols: 2, data: X }, y);
  return file;
}

function load(name: string, part: 'train' | 'test'): { X: DenseMatrix; y: Float64Array } {
  return readCsv(data[name][part]);
}

describe('parity with scikit-learn', { skip: missingTool(available, 'scikit-learn for /usr/bin/python3', 'sklearn') }, () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runlens-'));
    data = runReference<Record<string, Split>>('datasets', dir);
    const jobs: ReferenceJob[] = [
      ...linearCases.map((c) => ({ name: c.name, model: c.model, params: c.params, train: data[c.data].train, test: data[c.data].test })),
      ...logisticCases.map((c) => ({
        name: c.name,
        model: 'logistic_regression' as const,
        // A tight tol so scikit-learn, too, sits at the optimum rather than at scipy's early stop.
        params: { C: c.C, max_iter: 100000, tol: 1e-10 },
        train: data[c.data].train,
        test: data[c.data].test,
      })),
      ...treeCases.map((c) => ({ name: c.name, model: 'decision_tree_classifier' as const, params: { ...c.params, random_state: 0 }, train: data[c.data].train, test: data[c.data].test })),
      { name: 'tree_diabetes_d3', model: 'decision_tree_regressor', params: { max_depth: 3, random_state: 0 }, train: data.diabetes.train, test: data.diabetes.test },
      { name: 'logit_breast_cancer_default', model: 'logistic_regression', params: { max_iter: 100000 }, train: data.breast_cancer_scaled.train, test: data.breast_cancer_scaled.test },
      { name: 'logit_separable', model: 'logistic_regression', params: SEPARABLE_PARAMS, train: writeSeparable(dir) },
    ];
    for (const r of runReferenceFits(dir, jobs)) ref.set(r.name, r);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const c of linearCases) {
    test(`linear regression coefficients: ${c.name} within 1e-6 relative`, async (t) => {
      const train = load(c.data, 'train');
      const model = createModel('linear_regression', c.ours, 'regression') as LinearRegressionModel;
      await model.fit(train.X, train.y, { task: 'regression' });
      const r = ref.get(c.name) as ReferenceFit;
      const coef = model.coefficients();
      const expected = r.coef as number[];
      assert.equal(coef.length, expected.length);
      const scale = Math.max(...expected.map(Math.abs));
      let worst = 0;
      for (let j = 0; j < coef.length; j++) {
        worst = Math.max(worst, Math.abs(coef[j] - expected[j]) / Math.max(Math.abs(expected[j]), 1e-3 * scale));
      }
      t.diagnostic(`worst relative coefficient error ${worst.toExponential(2)}`);
      assert.ok(worst <= 1e-6, `worst relative coefficient error ${worst}`);
      const intercept = (r.intercept as number[])[0] ?? 0;
      assert.ok(Math.abs(model.interceptValue() - intercept) <= 1e-6 * Math.max(1, Math.abs(intercept)));
      const pred = model.predict(load(c.data, 'test').X);
      const refPred = r.pred as number[];
      for (let i = 0; i < pred.length; i++) assert.ok(Math.abs(pred[i] - refPred[i]) <= 1e-6 * Math.max(1, Math.abs(refPred[i])));
    });
  }

  for (const c of logisticCases) {
    test(`logistic regression: ${c.name} same predictions (±1 row) and log loss within 1e-3`, async (t) => {
      const train = load(c.data, 'train');
      const test = load(c.data, 'test');
      const k = data[c.data].classes;
      const model = createModel('logistic_regression', { C: c.C }, 'classification') as LogisticRegressionModel;
      await model.fit(train.X, train.y, { task: 'classification', nClasses: k });
      const r = ref.get(c.name) as ReferenceFit;
      const pred = model.predict(test.X);
      const differ = pred.filter((v, i) => v !== (r.pred as number[])[i]).length;
      assert.ok(differ <= 1, `${differ} test predictions differ`);
      const ll = logLoss(test.y, model.predictProba(test.X));
      assert.ok(Math.abs(ll - (r.log_loss as number)) <= 1e-3, `log loss ${ll} vs ${r.log_loss}`);
      // Same optimum, by the same route: the coefficients are close, the objective scikit-learn minimises
      // is as low as scikit-learn's, or above it by less than its own stopping band (an iteration lowering it by
      // < 2.2e-9 relative ends both fits),
      // and the L-BFGS iteration counts agree.
      const ours = model.coefficients().data;
      const theirs = (r.coef as number[][]).flat();
      let worst = 0;
      for (let j = 0; j < ours.length; j++) worst = Math.max(worst, Math.abs(ours[j] - theirs[j]));
      const objective = k === 2 ? binaryObjective(train.X, train.y, c.C, true) : multinomialObjective(train.X, train.y, k, c.C, true);
      const grad = new Float64Array(ours.length + (r.intercept as number[]).length);
      const fOurs = objective(Float64Array.from([...ours, ...model.interceptValues()]), grad);
      const fTheirs = objective(Float64Array.from([...theirs, ...(r.intercept as number[])]), grad);
      t.diagnostic(
        `${differ} predictions differ; log loss ${ll.toFixed(6)} vs ${(r.log_loss as number).toFixed(6)}; ` +
          `max coefficient gap ${worst.toExponential(2)}; objective ${fOurs} vs ${fTheirs}; ${model.fitInfo?.iterations} iterations vs ${r.n_iter}`,
      );
      assert.ok(fOurs <= fTheirs * (1 + 1e-9), `objective ${fOurs} vs scikit-learn's ${fTheirs}`);
      assert.ok(Math.abs(model.fitInfo!.iterations - r.n_iter![0]!) <= 1, `${model.fitInfo!.iterations} iterations vs scikit-learn's ${r.n_iter}`);
      assert.ok(worst < 1e-2 * Math.max(1, ...theirs.map(Math.abs)), `coefficient gap ${worst}`);
    });
  }

  test('logistic regression on separable data stops at max_iter with the warning scikit-learn gives', async () => {
    const train = readCsv(join(dir, 'separable.csv'));
    const model = createModel('logistic_regression', SEPARABLE_PARAMS, 'classification') as LogisticRegressionModel;
    const warnings: string[] = [];
    await model.fit(train.X, train.y, { task: 'classification', nClasses: 2, onWarning: (w) => warnings.push(w) });
    const r = ref.get('logit_separable') as ReferenceFit;
    assert.deepEqual(r.n_iter, [SEPARABLE_PARAMS.max_iter], 'scikit-learn, too, stopped at max_iter');
    assert.equal(model.fitInfo?.iterations, SEPARABLE_PARAMS.max_iter);
    assert.equal(model.fitInfo?.converged, false);
    const theirs = (r.warnings ?? []).filter((w) => w.startsWith('ConvergenceWarning: '));
    assert.equal(theirs.length, 1, (r.warnings ?? []).join('\n'));
    assert.equal(warnings.length, 1);
    const head = (w: string) => w.split('\n').slice(0, 2).join('\n');
    assert.equal(head(warnings[0]!), head(theirs[0]!.slice('ConvergenceWarning: '.length)));
  });

  test('logistic regression with default tol and max_iter matches scikit-learn too', async (t) => {
    const train = load('breast_cancer_scaled', 'train');
    const test = load('breast_cancer_scaled', 'test');
    const model = createModel('logistic_regression', {}, 'classification') as LogisticRegressionModel;
    await model.fit(train.X, train.y, { task: 'classification', nClasses: 2 });
    const r = ref.get('logit_breast_cancer_default') as ReferenceFit;
    assert.ok(model.fitInfo?.converged, model.fitInfo?.message);
    const ll = logLoss(test.y, model.predictProba(test.X));
    t.diagnostic(`log loss ${ll.toFixed(6)} vs ${(r.log_loss as number).toFixed(6)}; ${model.fitInfo?.iterations} iterations vs ${r.n_iter}`);
    assert.ok(Math.abs(ll - (r.log_loss as number)) <= 1e-3, `log loss ${ll} vs ${r.log_loss}`);
  });

  for (const c of treeCases) {
    test(`decision tree: ${c.name} test accuracy within 0.05`, async (t) => {
      const train = load(c.data, 'train');
      const test = load(c.data, 'test');
      const model = createModel('decision_tree', c.params, 'classification') as DecisionTreeModel;
      await model.fit(train.X, train.y, { task: 'classification', nClasses: data[c.data].classes });
      const r = ref.get(c.name) as ReferenceFit;
      const pred = model.predict(test.X);
      let hits = 0;
      for (let i = 0; i < pred.length; i++) if (pred[i] === test.y[i]) hits++;
      const acc = hits / pred.length;
      const same = pred.filter((v, i) => v === (r.pred as number[])[i]).length;
      t.diagnostic(`accuracy ${acc.toFixed(4)} vs ${(r.accuracy as number).toFixed(4)}; ${model.shape().nodes} vs ${r.tree_nodes} nodes; ${same}/${pred.length} identical predictions`);
      assert.ok(Math.abs(acc - (r.accuracy as number)) <= 0.05, `accuracy ${acc} vs ${r.accuracy}`);
      const proba = model.predictProba(test.X);
      for (let i = 0; i < proba.rows; i++) {
        let s = 0;
        for (let j = 0; j < proba.cols; j++) s += proba.data[i * proba.cols + j];
        assert.ok(Math.abs(s - 1) < 1e-12);
      }
    });
  }

  test('regression tree with max_depth 3 on diabetes grows scikit-learn\'s tree', async () => {
    const train = load('diabetes', 'train');
    const test = load('diabetes', 'test');
    const model = createModel('decision_tree', { max_depth: 3 }, 'regression') as DecisionTreeModel;
    await model.fit(train.X, train.y, { task: 'regression' });
    const r = ref.get('tree_diabetes_d3') as ReferenceFit;
    const t = model.arrays();
    assert.deepEqual(Array.from(t.feature).map((f) => (f < 0 ? -2 : f)), r.tree_feature);
    // scikit-learn rounds X to float32 first, so thresholds agree to float32 precision only.
    (r.tree_threshold as number[]).forEach((v, i) => assert.ok(Math.abs(t.threshold[i] - v) <= 1e-6 * Math.max(1, Math.abs(v)), `threshold ${i}`));
    const pred = model.predict(test.X);
    const refPred = r.pred as number[];
    // A test value that sits on a threshold (up to float32 rounding) may go the other way.
    const differ = refPred.filter((v, i) => Math.abs(pred[i] - v) > 1e-9).length;
    assert.ok(differ <= 1, `${differ} predictions differ`);
    const r2 = r2Score(test.y, pred);
    assert.ok(Math.abs(r2 - (r.r2 as number)) < 0.05, `r2 ${r2} vs ${r.r2}`);
    const imp = model.featureImportances() as Float64Array;
    (r.feature_importances as number[]).forEach((v, j) => assert.ok(Math.abs(imp[j] - v) < 1e-6, `importance ${j}`));
  });
});
