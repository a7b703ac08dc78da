import type { TrainConfig } from '../config/trainConfig';
import { isSystemMetric } from '../metrics/systemMetricNames';
import type { Task } from '../models/model';

export type SweepGoal = 'maximize' | 'minimize';

/** Model families that only do one task: the sweep metric is known before any data is read. */
const TASK_OF_MODEL: Readonly<Record<string, Task>> = {
  logistic_regression: 'classification',
  linear_regression: 'regression',
};

/** The task when the config alone tells it (`task`, or a single-task model); else undefined (read from the data). */
export function configTask(config: TrainConfig): Task | undefined {
  return config.task ?? (config.model ? TASK_OF_MODEL[config.model.type] : undefined);
}

/**
 * The metric that ranks trials when `sweep.metric` is absent: accuracy for
 * classification, R² for regression (both scale-free, higher is better), on
 * the test split, or the cross-validation mean when the config
 * cross-validates (choosing on the test split lets the test score leak into
 * the choice).
 */
export function defaultSweepMetric(task: Task, crossValidated: boolean): string {
  const base = task === 'classification' ? 'accuracy' : 'r2';
  return crossValidated ? `cv_${base}_mean` : `test_${base}`;
}

/**
 * Lower is better for losses and errors: loss, error, mse, rmse, mae (and
 * their `cv_…_mean`), and for what a run costs (system metrics: memory, CPU,
 * disk), except what is free (`…_available_…`) and a GPU's utilisation (a
 * busy GPU is the point); else higher.
 */
export function defaultGoal(metric: string): SweepGoal {
  if (isSystemMetric(metric)) return /_available_|^system\/gpu_\d+_(mean_)?utilization_/.test(metric) ? 'maximize' : 'minimize';
  const base = metric.replace(/^(train|test|val|cv|best)_/, '').replace(/_(mean|std)$/, '');
  return /(^|_)(loss|error|err|mse|rmse|mae|mape)($|_)/.test(base) || metric.endsWith('_std') ? 'minimize' : 'maximize';
}

/** Whether `a` beats `b` under `goal` (a NaN never beats anything). */
export function isBetter(a: number, b: number, goal: SweepGoal): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return goal === 'maximize' ? a > b : a < b;
}
