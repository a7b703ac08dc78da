/** Per-class counts and scores shared by the classification metrics. */

/** Row-major k × k counts: rows = true class, columns = predicted class. */
export function confusionCounts(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, k: number): Float64Array {
  if (yTrue.length !== yPred.length) throw new Error(`metrics: yTrue has ${yTrue.length} values, yPred ${yPred.length}.`);
  const cm = new Float64Array(k * k);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(Number.isInteger(t) && t >= 0 && t < k && Number.isInteger(p) && p >= 0 && p < k)) {
      throw new Error(`metrics: row ${i} has true ${t} / predicted ${p}, expected class indices 0..${k - 1}.`);
    }
    cm[t * k + p]++;
  }
  return cm;
}

export interface PerClassScores {
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly f1: Float64Array;
  /** Number of true rows per class. */
  readonly support: Float64Array;
}

/** Precision, recall and F1 per class; 0 where undefined (scikit-learn's zero_division default). */
export function perClassScores(cm: Float64Array, k: number): PerClassScores {
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f1 = new Float64Array(k);
  const support = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const tp = cm[c * k + c];
    let predicted = 0;
    let actual = 0;
    for (let o = 0; o < k; o++) {
      predicted += cm[o * k + c];
      actual += cm[c * k + o];
    }
    support[c] = actual;
    precision[c] = predicted > 0 ? tp / predicted : 0;
    recall[c] = actual > 0 ? tp / actual : 0;
    const denom = precision[c] + recall[c];
    f1[c] = denom > 0 ? (2 * precision[c] * recall[c]) / denom : 0;
  }
  return { precision, recall, f1, support };
}
