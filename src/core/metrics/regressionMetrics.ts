/** Regression metrics with scikit-learn's definitions. */

function checkLengths(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length) throw new Error(`metrics: yTrue has ${yTrue.length} values, yPred ${yPred.length}.`);
}

/**
 * R² = 1 − SS_res / SS_tot. A constant yTrue gives 1 for a perfect fit and
 * 0 otherwise (scikit-learn's force_finite); fewer than 2 rows give NaN.
 */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred);
  const n = yTrue.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (yTrue[i] - yPred[i]) ** 2;
    ssTot += (yTrue[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/** mse, rmse, mae and r2 (the caller adds train_/test_ prefixes). */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): Record<string, number> {
  checkLengths(yTrue, yPred);
  const n = yTrue.length;
  let se = 0;
  let ae = 0;
  for (let i = 0; i < n; i++) {
    const d = yTrue[i] - yPred[i];
    se += d * d;
    ae += Math.abs(d);
  }
  const mse = n > 0 ? se / n : NaN;
  return { mse, rmse: Math.sqrt(mse), mae: n > 0 ? ae / n : NaN, r2: r2Score(yTrue, yPred) };
}
