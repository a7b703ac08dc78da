/**
 * Issue #14: a decision tree on iris logs `test_log_loss` 1.2 at accuracy
 * 0.967. That is scikit-learn's own number for those probabilities: a tree's
 * pure leaves give hard 0/1 probabilities, `log_loss` clips them to
 * [eps, 1 − eps] with eps = float64 machine epsilon (scikit-learn 1.2's
 * eps="auto"; 1e-15 before), so each wrong row costs −ln(eps) ≈ 36.04 and
 * one wrong row in 30 gives 1.2. Checked against sklearn.metrics.log_loss
 * on the same probabilities, and with its old eps=1e-15 for contrast.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { sklearnAvailable } from '../../../scripts/sklearn/referenceRunner';
import { missingTool } from '../../../test/fixtures/requiredTool';
import { prepareData } from '../data/prepareData';
import { createModel } from '../models/registry';
import { accuracy, LOG_LOSS_EPS, logLoss } from './classificationMetrics';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');

function sklearnLogLoss(y: number[], proba: number[][], eps?: number): number {
  const script = `import json, sys, warnings; warnings.simplefilter("ignore")
from sklearn.metrics import log_loss
d = json.load(sys.stdin)
kw = {} if d["eps"] is None else {"eps": d["eps"]}
print(repr(float(log_loss(d["y"], d["p"], labels=list(range(len(d["p"][0]))), **kw))))`;
  return Number(execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ y, p: proba, eps: eps ?? null }), encoding: 'utf8' }));
}

test('decision tree log loss on iris equals sklearn.metrics.log_loss on the same probabilities', { skip: missingTool(sklearnAvailable(), 'scikit-learn for /usr/bin/python3', 'sklearn') }, async () => {
  const data = await prepareData({ path: 'data/iris.csv', target: 'species', split: { test: 0.2, seed: 42, stratify: true } }, EXAMPLES, { seed: 42 });
  const model = createModel('decision_tree', { max_depth: 4, criterion: 'gini', seed: 0 }, data.task);
  await model.fit(data.Xtrain, data.ytrain, { task: data.task, nClasses: 3, featureNames: data.featureNames });
  const proba = model.predictProba!(data.Xtest);
  const pred = model.predict(data.Xtest);
  const y = Array.from(data.ytest);
  const rows = Array.from({ length: proba.rows }, (_, i) => Array.from(proba.data.subarray(i * 3, i * 3 + 3)));
  const ours = logLoss(data.ytest, proba);
  const theirs = sklearnLogLoss(y, rows);
  assert.ok(Math.abs(ours - theirs) <= 1e-12 * theirs, `${ours} vs scikit-learn ${theirs}`);

  // Why it is large: the wrong rows sat in pure leaves (probability 0 for the true class), each clipped to eps.
  const wrong = y.filter((t, i) => pred[i] !== t).length;
  assert.equal(accuracy(data.ytest, pred), (30 - wrong) / 30);
  assert.ok(wrong > 0, 'the example tree misses at least one test row');
  const hard = y.filter((t, i) => rows[i]![t] === 0).length;
  assert.ok(ours >= (hard * -Math.log(LOG_LOSS_EPS)) / 30, `${hard} rows with p(true) = 0 give at least ${hard} × 36.04 / 30`);
  // scikit-learn before 1.2 clipped at 1e-15: the same rows then cost 34.5 each; the constant, not the model, sets the size.
  const old = sklearnLogLoss(y, rows, 1e-15);
  assert.ok(Math.abs(logLoss(data.ytest, proba, 1e-15) - old) <= 1e-12 * old);
  if (hard > 0) assert.ok(old < theirs);
});
