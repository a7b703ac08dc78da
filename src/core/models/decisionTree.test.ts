import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DenseMatrix } from '../data/frame';
import type { DecisionTreeModel } from './decisionTree';
import { resolveMaxFeatures } from './decisionTree';
import { createModel, modelFromJSON } from './registry';
import { Rng } from '../util/rng';
import { makeClassification, makeRegression } from './syntheticData';

function matrix(rows: number[][]): DenseMatrix {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length };
}

function tree(params: Record<string, unknown> = {}, task: 'classification' | 'regression' = 'classification'): DecisionTreeModel {
  return createModel('decision_tree', params, task) as DecisionTreeModel;
}

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('toy table: splits at the midpoint with the known gini values', async () => {
  const X = matrix([[1], [2], [3], [4], [5], [6]]);
  const y = Float64Array.from([0, 0, 1, 1, 2, 2]);
  const m = tree();
  await m.fit(X, y, { task: 'classification', nClasses: 3 });
  const t = m.arrays();
  // Root gini 1 − 3·(1/3)² = 2/3; splitting after 2 or after 4 both leave 1/3 weighted: the lower threshold wins.
  close(t.impurity[0], 2 / 3);
  assert.equal(t.feature[0], 0);
  assert.equal(t.threshold[0], 2.5);
  const left = t.left[0];
  const right = t.right[0];
  close(t.impurity[left], 0);
  close(t.impurity[right], 0.5);
  assert.equal(t.threshold[right], 4.5);
  assert.deepEqual(m.shape(), { nodes: 5, leaves: 3, depth: 2 });
  assert.deepEqual(Array.from(m.predict(X)), [0, 0, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(m.featureImportances() as Float64Array), [1]);
});

test('the better of two features is chosen; entropy is in bits', async () => {
  const X = matrix([[1, 5], [2, 6], [3, 5], [4, 6]]);
  const y = Float64Array.from([0, 0, 1, 1]);
  const m = tree({ criterion: 'entropy' });
  await m.fit(X, y, { task: 'classification', nClasses: 2 });
  const t = m.arrays();
  close(t.impurity[0], 1);
  assert.equal(t.feature[0], 0);
  assert.equal(t.threshold[0], 2.5);
  assert.deepEqual(Array.from(m.featureImportances() as Float64Array), [1, 0]);
});

test('importances are the normalised weighted impurity decrease (AND table: 1/3, 2/3)', async () => {
  const X = matrix([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = Float64Array.from([0, 0, 0, 1]);
  const m = tree();
  await m.fit(X, y, { task: 'classification', nClasses: 2 });
  const imp = m.featureImportances() as Float64Array;
  close(imp[0], 1 / 3);
  close(imp[1], 2 / 3);
  assert.deepEqual(Array.from(m.predict(X)), [0, 0, 0, 1]);
});

test('predictProba gives leaf class frequencies summing to 1', async () => {
  const X = matrix([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const m = tree({ max_depth: 1 });
  await m.fit(X, Float64Array.from([0, 0, 0, 1]), { task: 'classification', nClasses: 2 });
  const p = m.predictProba(matrix([[0, 0.3], [1, 0.3]]));
  assert.deepEqual(Array.from(p.data), [1, 0, 0.5, 0.5]);
  const d = makeClassification({ rows: 400, cols: 6, classes: 3, informative: 3, clustersPerClass: 1, seed: 1 });
  const m2 = tree({ min_samples_leaf: 7 });
  await m2.fit(d.X, d.y, { task: 'classification', nClasses: 3 });
  const p2 = m2.predictProba(d.X);
  for (let i = 0; i < p2.rows; i++) close(p2.data[i * 3] + p2.data[i * 3 + 1] + p2.data[i * 3 + 2], 1, 1e-15);
});

test('regression tree: leaf means and variance impurity', async () => {
  const m = tree({}, 'regression');
  await m.fit(matrix([[1], [2], [3], [4]]), Float64Array.from([1, 1, 5, 5]), { task: 'regression' });
  const t = m.arrays();
  close(t.impurity[0], 4);
  assert.equal(t.threshold[0], 2.5);
  assert.deepEqual(Array.from(m.predict(matrix([[0], [2.4], [2.6], [9]]))), [1, 1, 5, 5]);
  assert.throws(() => m.predictProba(matrix([[0]])), /classification/);
});

test('values closer than 1e-7 are never split apart (as scikit-learn)', async () => {
  const m = tree();
  await m.fit(matrix([[0], [5e-8]]), Float64Array.from([0, 1]), { task: 'classification', nClasses: 2 });
  assert.equal(m.shape().nodes, 1);
  assert.deepEqual(Array.from(m.predictProba(matrix([[0]])).data), [0.5, 0.5]);
});

test('max_depth, min_samples_leaf and min_samples_split are respected', async () => {
  const d = makeClassification({ rows: 2000, cols: 8, seed: 4 });
  const deep = tree({ max_depth: 3 });
  await deep.fit(d.X, d.y, { task: 'classification', nClasses: 2 });
  assert.ok(deep.shape().depth <= 3);
  const leafy = tree({ min_samples_leaf: 25 });
  await leafy.fit(d.X, d.y, { task: 'classification', nClasses: 2 });
  const t = leafy.arrays();
  for (let i = 0; i < t.nodeCount; i++) if (t.left[i] === -1) assert.ok(t.nNodeSamples[i] >= 25);
  const split = tree({ min_samples_split: 0.1 }); // fraction: ceil(0.1 · 2000) = 200 rows
  await split.fit(d.X, d.y, { task: 'classification', nClasses: 2 });
  const s = split.arrays();
  for (let i = 0; i < s.nodeCount; i++) if (s.left[i] !== -1) assert.ok(s.nNodeSamples[i] >= 200);
});

test('root split equals a brute-force search over every threshold', async () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 20; trial++) {
    const n = 40 + rng.int(40);
    const p = 4;
    const rows = Array.from({ length: n }, () => Array.from({ length: p }, () => rng.int(12) - 3));
    const y = Float64Array.from({ length: n }, () => rng.int(3));
    const m = tree({ max_depth: 1 });
    await m.fit(matrix(rows), y, { task: 'classification', nClasses: 3 });
    let best = Infinity;
    for (let f = 0; f < p; f++) {
      const values = [...new Set(rows.map((r) => r[f]))].sort((a, b) => a - b);
      for (let v = 0; v + 1 < values.length; v++) {
        const thr = (values[v] + values[v + 1]) / 2;
        const l = [0, 0, 0];
        const r = [0, 0, 0];
        rows.forEach((row, i) => (row[f] <= thr ? l : r)[y[i]]++);
        const g = (c: number[]): number => {
          const s = c[0] + c[1] + c[2];
          return s * (1 - c.reduce((a, b) => a + (b / s) ** 2, 0));
        };
        best = Math.min(best, g(l) + g(r));
      }
    }
    const t = m.arrays();
    const found = t.nNodeSamples[1] * t.impurity[1] + t.nNodeSamples[2] * t.impurity[2];
    close(found, best, 1e-9);
  }
});

test('a fully grown tree fits distinct training rows perfectly', async () => {
  const d = makeClassification({ rows: 3000, cols: 10, classes: 3, informative: 4, seed: 8 });
  const m = tree({ criterion: 'entropy' });
  await m.fit(d.X, d.y, { task: 'classification', nClasses: 3 });
  assert.deepEqual(m.predict(d.X), d.y);
});

test('max_features with a seed is deterministic; the seed matters', async () => {
  const d = makeClassification({ rows: 1500, cols: 12, informative: 6, redundant: 2, seed: 3 });
  const fit = async (seed: number): Promise<string> => {
    const m = tree({ max_features: 'sqrt', seed });
    await m.fit(d.X, d.y, { task: 'classification', nClasses: 2 });
    return JSON.stringify(m.toJSON());
  };
  assert.equal(await fit(7), await fit(7));
  assert.notEqual(await fit(7), await fit(8));
  // Without max_features every feature is tried in order: the seed is irrelevant.
  const all = async (seed: number): Promise<unknown> => {
    const m = tree({ seed });
    await m.fit(d.X, d.y, { task: 'classification', nClasses: 2 });
    return m.toJSON().feature;
  };
  assert.deepEqual(await all(1), await all(2));
});

test('max_features resolves like scikit-learn', () => {
  assert.equal(resolveMaxFeatures(null, 20), 20);
  assert.equal(resolveMaxFeatures('sqrt', 20), 4);
  assert.equal(resolveMaxFeatures('log2', 20), 4);
  assert.equal(resolveMaxFeatures(0.5, 20), 10);
  assert.equal(resolveMaxFeatures(0.01, 20), 1);
  assert.equal(resolveMaxFeatures(3, 20), 3);
  assert.equal(resolveMaxFeatures(30, 20), 20);
});

test('JSON round trip gives identical predictions, probabilities and importances', async () => {
  const c = makeClassification({ rows: 800, cols: 7, classes: 3, informative: 3, seed: 12 });
  const m = tree({ max_features: 0.5, seed: 3 });
  await m.fit(c.X, c.y, { task: 'classification', nClasses: 3, featureNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] });
  const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(back.predict(c.X), m.predict(c.X));
  assert.deepEqual(back.predictProba?.(c.X), m.predictProba(c.X));
  assert.deepEqual(back.featureImportances?.(), m.featureImportances());
  const r = makeRegression({ rows: 500, cols: 4, noise: 5, seed: 2 });
  const mr = tree({ max_depth: 6 }, 'regression');
  await mr.fit(r.X, r.y, { task: 'regression' });
  const backR = modelFromJSON(JSON.parse(JSON.stringify(mr.toJSON())));
  assert.equal(backR.task, 'regression');
  assert.deepEqual(backR.predict(r.X), mr.predict(r.X));
});

test('bad parameters fail with the parameter named', () => {
  assert.throws(() => tree({ criterion: 'gini' }, 'regression'), /"criterion".*squared_error/);
  assert.throws(() => tree({ max_depth: 0 }), /"max_depth"/);
  assert.throws(() => tree({ max_features: 'auto' }), /"max_features"/);
  assert.throws(() => tree({ min_samples_leaf: 0.7 }), /"min_samples_leaf"/);
  assert.throws(() => tree({ min_samples_split: 1 }), /"min_samples_split"/);
  assert.equal(tree({ criterion: 'log_loss' }).params.criterion, 'entropy');
});

test('an aborted signal stops the fit', async () => {
  const d = makeClassification({ rows: 1000, cols: 5, seed: 1 });
  const c = new AbortController();
  c.abort();
  await assert.rejects(tree().fit(d.X, d.y, { task: 'classification', signal: c.signal }), (e: Error) => e.name === 'AbortError');
});
