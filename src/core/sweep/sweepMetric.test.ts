import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configTask, defaultGoal, defaultSweepMetric, isBetter } from './sweepMetric';

test('default metric by task, the CV mean when the config cross-validates', () => {
  assert.equal(defaultSweepMetric('classification', false), 'test_accuracy');
  assert.equal(defaultSweepMetric('regression', false), 'test_r2');
  assert.equal(defaultSweepMetric('classification', true), 'cv_accuracy_mean');
});

test('losses and errors are minimised, scores maximised', () => {
  for (const m of ['test_log_loss', 'test_rmse', 'cv_mse_mean', 'train_loss', 'val_mae', 'test_error']) assert.equal(defaultGoal(m), 'minimize', m);
  for (const m of ['test_accuracy', 'test_r2', 'cv_f1_macro_mean', 'test_roc_auc', 'test_recall']) assert.equal(defaultGoal(m), 'maximize', m);
  // What a run costs is minimised; what is left free, and a GPU kept busy, maximised.
  for (const m of ['system/peak_memory_megabytes', 'system/mean_cpu_utilization_percentage', 'system/gpu_0_peak_memory_megabytes', 'system/disk_write_megabytes']) assert.equal(defaultGoal(m), 'minimize', m);
  for (const m of ['system/system_memory_available_megabytes', 'system/gpu_1_mean_utilization_percentage', 'system/gpu_0_utilization_percentage']) assert.equal(defaultGoal(m), 'maximize', m);
});

test('the task is known from the config when it says so or the model only does one', () => {
  assert.equal(configTask({ model: { type: 'logistic_regression' } }), 'classification');
  assert.equal(configTask({ model: { type: 'decision_tree' } }), undefined);
  assert.equal(configTask({ task: 'regression', model: { type: 'decision_tree' } }), 'regression');
});

test('isBetter follows the goal and never prefers NaN', () => {
  assert.ok(isBetter(0.9, 0.8, 'maximize'));
  assert.ok(isBetter(0.1, 0.2, 'minimize'));
  assert.ok(!isBetter(NaN, 0.2, 'minimize'));
  assert.ok(isBetter(0.2, NaN, 'maximize'));
});
