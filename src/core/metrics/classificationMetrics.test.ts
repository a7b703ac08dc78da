import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DenseMatrix } from '../data/frame';
import { accuracy, classificationMetrics, logLoss } from './classificationMetrics';
import { rocAuc } from './rocAuc';

const f = (a: number[]): Float64Array => Float64Array.from(a);
const proba = (rows: number[][]): DenseMatrix => ({ data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length });
const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('binary precision, recall, f1 of the positive class by hand', () => {
  // tp = 2, fp = 1, fn = 2, tn = 1
  const yt = f([1, 1, 1, 1, 0, 0]);
  const yp = f([1, 1, 0, 0, 1, 0]);
  const m = classificationMetrics(yt, yp, undefined, 2);
  close(m.accuracy, 3 / 6);
  close(m.precision, 2 / 3);
  close(m.recall, 2 / 4);
  close(m.f1, (2 * (2 / 3) * 0.5) / (2 / 3 + 0.5));
  assert.equal(m.roc_auc, undefined);
  assert.deepEqual(Object.keys(m).sort(), ['accuracy', 'f1', 'precision', 'recall']);
  // positiveIndex 0 scores the other class: tp = 1, fp = 2, fn = 1.
  const m0 = classificationMetrics(yt, yp, undefined, 2, 0);
  close(m0.precision, 1 / 3);
  close(m0.recall, 1 / 2);
});

test('zero division gives 0, not NaN', () => {
  const m = classificationMetrics(f([0, 0, 0]), f([0, 0, 0]), undefined, 2);
  assert.equal(m.precision, 0);
  assert.equal(m.recall, 0);
  assert.equal(m.f1, 0);
  assert.equal(m.accuracy, 1);
});

test('multiclass macro averages over classes present in y_true or y_pred', () => {
  const yt = f([0, 0, 1, 1, 2, 2]);
  const yp = f([0, 1, 1, 1, 2, 0]);
  const m = classificationMetrics(yt, yp, undefined, 4); // class 3 never occurs: excluded, like scikit-learn
  // per class precision: 0: 1/2, 1: 2/3, 2: 1/1; recall: 0: 1/2, 1: 1, 2: 1/2
  close(m.precision_macro, (1 / 2 + 2 / 3 + 1) / 3);
  close(m.recall_macro, (1 / 2 + 1 + 1 / 2) / 3);
  const f1 = (p: number, r: number): number => (2 * p * r) / (p + r);
  close(m.f1_macro, (f1(1 / 2, 1 / 2) + f1(2 / 3, 1) + f1(1, 1 / 2)) / 3);
  assert.equal(m.precision, undefined);
});

test('log loss clips like scikit-learn 1.2 (eps = 2.2e-16) and renormalises rows', () => {
  close(logLoss(f([1, 0]), proba([[0.2, 0.8], [0.6, 0.4]])), -(Math.log(0.8) + Math.log(0.6)) / 2);
  // A confident wrong prediction costs −log(eps), not Infinity.
  close(logLoss(f([0]), proba([[0, 1]])), -Math.log(2.220446049250313e-16 / (1 + 2.220446049250313e-16)), 1e-9);
  // Rows not summing to 1 are renormalised.
  close(logLoss(f([0]), proba([[1, 1]])), Math.log(2));
  assert.throws(() => logLoss(f([2]), proba([[0.5, 0.5]])), /class 2/);
});

test('roc auc with ties counts tied pairs as half', () => {
  // Positives score 0.8 and 0.5, negatives 0.5 and 0.2: pairs (pos > neg) = 3, one tie → (3 + 0.5) / 4.
  close(rocAuc(f([1, 1, 0, 0]), f([0.8, 0.5, 0.5, 0.2])), 3.5 / 4);
  close(rocAuc(f([1, 0]), f([0.3, 0.3])), 0.5);
  close(rocAuc(f([0, 1]), f([0.1, 0.9])), 1);
  assert.ok(Number.isNaN(rocAuc(f([1, 1]), f([0.1, 0.9]))), 'one class: undefined');
});

test('binary metrics with probabilities add roc_auc and log_loss of the positive column', () => {
  const m = classificationMetrics(f([0, 1, 1, 0]), f([0, 1, 0, 0]), proba([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]]), 2);
  close(m.roc_auc, 1);
  close(m.log_loss, -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.7)) / 4);
  const reversed = classificationMetrics(f([0, 1, 1, 0]), f([0, 1, 0, 0]), proba([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]]), 2, 0);
  close(reversed.roc_auc, 1, 1e-12);
  assert.equal(accuracy(f([]), f([])), NaN);
});
