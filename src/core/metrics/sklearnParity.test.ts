/** Metrics against sklearn.metrics (Debian's python3-sklearn) on random inputs with ties. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runReference, sklearnAvailable } from '../../../scripts/sklearn/referenceRunner';
import { missingTool } from '../../../test/fixtures/requiredTool';
import { Rng } from '../util/rng';
import { classificationMetrics } from './classificationMetrics';
import { classificationReport, confusionMatrix } from './confusionMatrix';
import { regressionMetrics } from './regressionMetrics';

interface Reference {
  binary: Record<string, number> & { confusion_matrix: number[][] };
  multiclass: Record<string, number> & {
    confusion_matrix: number[][];
    per_class: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
  };
  regression: Record<string, number>;
}

const close = (name: string, a: number, b: number): void =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${name}: ${a} vs scikit-learn ${b}`);

test('metrics equal sklearn.metrics on random inputs', { skip: missingTool(sklearnAvailable(), 'scikit-learn for /usr/bin/python3', 'sklearn') }, () => {
  const rng = new Rng(2024);
  const trials = [0, 1, 2, 3].map((trial) => {
    const n = 200 + 100 * trial;
    // Binary: scores rounded to 1 decimal so that many tie; a few exact 0/1 probabilities exercise clipping.
    const bTrue = Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
    const score = bTrue.map((t) => {
      const r = rng.next();
      if (r < 0.03) return t === 1 ? 0 : 1;
      return Math.round(Math.min(1, Math.max(0, 0.5 + (t - 0.5) * 0.4 + 0.3 * rng.normal())) * 10) / 10;
    });
    const bPred = score.map((s) => (s > 0.5 ? 1 : 0));
    const k = 4;
    const mTrue = Array.from({ length: n }, () => rng.int(k));
    const probaRows = mTrue.map((t) => {
      const w = Array.from({ length: k }, (_, c) => rng.next() + (c === t ? 0.8 : 0));
      if (rng.next() < 0.03) w[t] = 0;
      const s = w.reduce((a, b) => a + b);
      return w.map((v) => v / s);
    });
    const mPred = probaRows.map((r) => r.indexOf(Math.max(...r)));
    const rTrue = Array.from({ length: n }, () => 10 * rng.normal());
    const rPred = rTrue.map((v) => v + 3 * rng.normal());
    return { n, k, bTrue, bPred, score, mTrue, mPred, probaRows, rTrue, rPred };
  });
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  let refs: Reference[];
  try {
    const input = join(dir, 'metrics.json');
    writeFileSync(input, JSON.stringify(trials.map((t) => ({
      binary: { y_true: t.bTrue, y_pred: t.bPred, score: t.score },
      multiclass: { y_true: t.mTrue, y_pred: t.mPred, proba: t.probaRows },
      regression: { y_true: t.rTrue, y_pred: t.rPred },
    }))));
    refs = runReference<Reference[]>('metrics', input);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  trials.forEach(({ n, k, bTrue, bPred, score, mTrue, mPred, probaRows, rTrue, rPred }, trial) => {
    const ref = refs[trial];
    const bProba = { data: Float64Array.from(score.flatMap((s) => [1 - s, s])), rows: n, cols: 2 };
    const b = classificationMetrics(Float64Array.from(bTrue), Float64Array.from(bPred), bProba, 2);
    for (const key of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'log_loss']) close(`binary ${key}`, b[key], ref.binary[key]);
    assert.deepEqual(confusionMatrix(Float64Array.from(bTrue), Float64Array.from(bPred), 2).matrix, ref.binary.confusion_matrix);

    const mProba = { data: Float64Array.from(probaRows.flat()), rows: n, cols: k };
    const m = classificationMetrics(Float64Array.from(mTrue), Float64Array.from(mPred), mProba, k);
    for (const key of ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'log_loss']) close(`multiclass ${key}`, m[key], ref.multiclass[key]);
    const report = classificationReport(Float64Array.from(mTrue), Float64Array.from(mPred), k);
    report.classes.forEach((c, i) => {
      close(`precision[${i}]`, c.precision, ref.multiclass.per_class.precision[i]);
      close(`recall[${i}]`, c.recall, ref.multiclass.per_class.recall[i]);
      close(`f1[${i}]`, c.f1, ref.multiclass.per_class.f1[i]);
      assert.equal(c.support, ref.multiclass.per_class.support[i]);
    });
    assert.deepEqual(confusionMatrix(Float64Array.from(mTrue), Float64Array.from(mPred), k).matrix, ref.multiclass.confusion_matrix);

    const r = regressionMetrics(Float64Array.from(rTrue), Float64Array.from(rPred));
    for (const key of ['mse', 'rmse', 'mae', 'r2']) close(`regression ${key}`, r[key], ref.regression[key]);
  });
});
