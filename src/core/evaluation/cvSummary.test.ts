import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeFolds } from './cvSummary';

test('mean and population std per metric; metrics missing from a fold are left out', () => {
  const s = summarizeFolds([{ accuracy: 0.9, f1: 0.8 }, { accuracy: 0.8, f1: 0.6 }, { accuracy: 1, roc_auc: 0.5 }]);
  assert.deepEqual(Object.keys(s).sort(), ['cv_accuracy_mean', 'cv_accuracy_std']);
  assert.ok(Math.abs(s.cv_accuracy_mean! - 0.9) < 1e-12);
  assert.ok(Math.abs(s.cv_accuracy_std! - Math.sqrt(0.02 / 3)) < 1e-12);
});

test('a NaN fold makes the summary NaN rather than hiding the fold', () => {
  const s = summarizeFolds([{ r2: 0.5 }, { r2: NaN }]);
  assert.ok(Number.isNaN(s.cv_r2_mean!));
});
