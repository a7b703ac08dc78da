/**
 * Mean and standard deviation of each metric over the folds:
 * `{ accuracy }` per fold → `{ cv_accuracy_mean, cv_accuracy_std }`.
 * The deviation is the population one (ddof = 0), as numpy's `scores.std()`
 * that scikit-learn users report. Only metrics every fold has are
 * summarised; a NaN in any fold makes that metric's mean and std NaN.
 */
export function summarizeFolds(folds: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (folds.length === 0) return out;
  for (const key of Object.keys(folds[0]!)) {
    if (!folds.every((f) => key in f)) continue;
    const values = folds.map((f) => f[key]!);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
    out[`cv_${key}_mean`] = mean;
    out[`cv_${key}_std`] = Math.sqrt(variance);
  }
  return out;
}
