import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DenseMatrix } from '../data/frame';
import type { FitProgress } from './model';
import { binaryObjective, multinomialObjective } from './logisticObjective';
import { LogisticRegressionModel } from './logisticRegression';
import { createModel, modelFromJSON } from './registry';
import { makeClassification } from './syntheticData';

function matrix(rows: number[][]): DenseMatrix {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

const linear3 = makeClassification({ rows: 600, cols: 6, informative: 4, redundant: 0, classes: 3, clustersPerClass: 1, seed: 5 });
const linear2 = makeClassification({ rows: 500, cols: 5, informative: 3, redundant: 1, clustersPerClass: 1, seed: 6 });

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

test('binary fit reaches a stationary point of C·Σ log-loss + ½‖w‖²', async () => {
  const m = createModel('logistic_regression', { C: 0.5 }, 'classification') as LogisticRegressionModel;
  await m.fit(linear2.X, linear2.y, { task: 'classification', nClasses: 2 });
  assert.ok(m.fitInfo?.converged);
  const theta = Float64Array.from([...m.coefficients().data, ...m.interceptValues()]);
  const grad = new Float64Array(theta.length);
  const objective = binaryObjective(linear2.X, linear2.y, 0.5, true);
  objective(theta, grad);
  // scikit-learn's stopping rule (scipy's factr) ends it near, not at, the optimum: the gradient is under 1e-5 of where it began (1.4e-6 and 4e-6 here).
  const start = new Float64Array(theta.length);
  objective(new Float64Array(theta.length), start);
  assert.ok(maxAbs(grad) < 1e-5 * maxAbs(start), `gradient ${maxAbs(grad)} from ${maxAbs(start)}`);
});

test('multinomial fit reaches a stationary point and one weight row per class', async () => {
  const m = new LogisticRegressionModel();
  await m.fit(linear3.X, linear3.y, { task: 'classification', nClasses: 3 });
  const W = m.coefficients();
  assert.equal(W.rows, 3);
  const theta = Float64Array.from([...W.data, ...m.interceptValues()]);
  const grad = new Float64Array(theta.length);
  const objective = multinomialObjective(linear3.X, linear3.y, 3, 1, true);
  objective(theta, grad);
  const start = new Float64Array(theta.length);
  objective(new Float64Array(theta.length), start);
  assert.ok(maxAbs(grad) < 1e-5 * maxAbs(start), `gradient ${maxAbs(grad)} from ${maxAbs(start)}`);
  const pred = m.predict(linear3.X);
  const acc = pred.filter((v, i) => v === linear3.y[i]).length / pred.length;
  assert.ok(acc > 0.8, `train accuracy ${acc}`);
});

test('a 1-D threshold problem: predictions flip at the symmetric midpoint', async () => {
  const X = matrix([[-3], [-2], [-1], [1], [2], [3]]);
  const y = Float64Array.from([0, 0, 0, 1, 1, 1]);
  const m = new LogisticRegressionModel();
  await m.fit(X, y, { task: 'classification', nClasses: 2 });
  assert.ok(Math.abs(m.interceptValues()[0]) < 1e-8, 'symmetric data: zero intercept');
  assert.deepEqual(Array.from(m.predict(matrix([[-0.1], [0.1]]))), [0, 1]);
  const p = m.predictProba(matrix([[0]]));
  assert.ok(Math.abs(p.data[0] - 0.5) < 1e-8);
});

test('predictProba rows sum to 1 (binary and multinomial)', async () => {
  for (const [d, k] of [[linear2, 2], [linear3, 3]] as const) {
    const m = new LogisticRegressionModel();
    await m.fit(d.X, d.y, { task: 'classification', nClasses: k });
    const p = m.predictProba(d.X);
    assert.equal(p.cols, k);
    for (let i = 0; i < p.rows; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += p.data[i * k + c];
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
  }
});

test('onProgress reports every iteration with a decreasing loss and the total', async () => {
  const seen: FitProgress[] = [];
  const m = new LogisticRegressionModel();
  await m.fit(linear3.X, linear3.y, { task: 'classification', nClasses: 3, onProgress: (p) => seen.push(p) });
  assert.ok(seen.length >= 5, `${seen.length} iterations reported`);
  assert.equal(seen.length, m.fitInfo?.iterations);
  seen.forEach((p, i) => {
    assert.equal(p.step, i + 1);
    assert.equal(p.total, 1000);
    if (i > 0) assert.ok(p.metrics.train_loss < seen[i - 1].metrics.train_loss, `step ${p.step} did not decrease the loss`);
  });
  assert.ok(seen[0].metrics.train_loss < Math.log(3), 'first step beats the uniform model');
  assert.ok(Math.abs(seen[seen.length - 1].metrics.train_loss - (m.fitInfo?.loss as number)) < 1e-15);
});

test('aborting the signal stops the fit with an AbortError', async () => {
  const controller = new AbortController();
  const steps: number[] = [];
  const m = new LogisticRegressionModel({ C: 1, max_iter: 1000, tol: 0, fit_intercept: true });
  await assert.rejects(
    m.fit(linear3.X, linear3.y, {
      task: 'classification',
      nClasses: 3,
      signal: controller.signal,
      onProgress: (p) => {
        steps.push(p.step);
        if (p.step === 3) controller.abort();
      },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.deepEqual(steps, [1, 2, 3]);
  assert.throws(() => m.predict(linear3.X), /not fitted/);
});

test('an abort from a timer interrupts a long fit (the solver yields to the event loop)', async () => {
  const big = makeClassification({ rows: 40000, cols: 20, informative: 10, redundant: 0, classes: 5, clustersPerClass: 1, seed: 2 });
  const controller = new AbortController();
  const m = new LogisticRegressionModel({ C: 1e6, max_iter: 100000, tol: 0, fit_intercept: true });
  let steps = 0;
  // A timer set once the fit is under way: it runs only if the solver yields to the event loop.
  const onProgress = (): void => {
    if (steps++ === 0) setTimeout(() => controller.abort(), 0);
  };
  await assert.rejects(
    m.fit(big.X, big.y, { task: 'classification', nClasses: 5, signal: controller.signal, onProgress }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.ok(steps >= 1 && steps < 100000, `aborted after ${steps} of 100000 iterations`);
});

test('an already aborted signal fails before any work', async () => {
  const controller = new AbortController();
  controller.abort();
  let called = false;
  await assert.rejects(
    new LogisticRegressionModel().fit(linear2.X, linear2.y, {
      task: 'classification',
      signal: controller.signal,
      onProgress: () => (called = true),
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.equal(called, false);
});

test('JSON round trip gives bit-identical predictions and probabilities', async () => {
  for (const [d, k] of [[linear2, 2], [linear3, 3]] as const) {
    const m = createModel('logistic_regression', { C: 3 }, 'classification');
    await m.fit(d.X, d.y, { task: 'classification', nClasses: k });
    const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    assert.deepEqual(back.predict(d.X), m.predict(d.X));
    assert.deepEqual(back.predictProba?.(d.X), m.predictProba?.(d.X));
  }
});

test('needs two classes and classification', async () => {
  await assert.rejects(
    new LogisticRegressionModel().fit(matrix([[1], [2]]), Float64Array.from([1, 1]), { task: 'classification', nClasses: 2 }),
    /at least 2 classes/,
  );
  assert.throws(() => createModel('logistic_regression', {}, 'regression'), /does not support regression/);
  await assert.rejects(
    new LogisticRegressionModel().fit(matrix([[1], [2]]), Float64Array.from([0, 1.5]), { task: 'classification' }),
    /class indices/,
  );
});
