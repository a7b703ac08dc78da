import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classificationReport, confusionMatrix } from './confusionMatrix';

const f = (a: number[]): Float64Array => Float64Array.from(a);

test('confusion matrix: rows are true classes, columns predicted, with labels', () => {
  const cm = confusionMatrix(f([0, 0, 1, 2, 2, 2]), f([0, 1, 1, 2, 0, 2]), ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(cm.labels, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(cm.matrix, [
    [1, 1, 0],
    [0, 1, 0],
    [1, 0, 2],
  ]);
  assert.deepEqual(confusionMatrix(f([1]), f([0]), 2).labels, ['0', '1']);
  assert.throws(() => confusionMatrix(f([3]), f([0]), 2), /class indices 0\.\.1/);
});

test('classification report: per class, macro and weighted averages', () => {
  const r = classificationReport(f([0, 0, 1, 2, 2, 2]), f([0, 1, 1, 2, 0, 2]), ['a', 'b', 'c', 'unused']);
  assert.equal(r.classes.length, 4);
  assert.deepEqual(r.classes[1], { label: 'b', precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
  assert.deepEqual(r.classes[3], { label: 'unused', precision: 0, recall: 0, f1: 0, support: 0 });
  assert.equal(r.accuracy, 4 / 6);
  // Macro over the three classes that occur.
  assert.ok(Math.abs(r.macroAvg.recall - (0.5 + 1 + 2 / 3) / 3) < 1e-15);
  assert.ok(Math.abs(r.weightedAvg.recall - (2 * 0.5 + 1 * 1 + 3 * (2 / 3)) / 6) < 1e-15);
  assert.equal(r.weightedAvg.support, 6);
});
