import type { DenseMatrix } from '../data/frame';
import { confusionCounts, perClassScores } from './perClass';
import { rocAuc } from './rocAuc';

/** scikit-learn 1.2's log_loss clipping (eps="auto": float64 machine epsilon). */
export const LOG_LOSS_EPS = 2.220446049250313e-16;

/** Fraction of rows predicted right (NaN for no rows). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) throw new Error(`metrics: yTrue has ${yTrue.length} values, yPred ${yPred.length}.`);
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return yTrue.length > 0 ? hit / yTrue.length : NaN;
}

/**
 * Mean negative log-likelihood of the true class, as scikit-learn 1.2:
 * probabilities clipped to [eps, 1 − eps], then each row renormalised.
 * @param proba rows × nClasses probabilities.
 */
export function logLoss(yTrue: ArrayLike<number>, proba: DenseMatrix, eps = LOG_LOSS_EPS): number {
  const { rows, cols: k, data } = proba;
  if (rows !== yTrue.length) throw new Error(`logLoss: ${yTrue.length} labels but ${rows} probability rows.`);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.min(Math.max(data[i * k + c], eps), 1 - eps);
    const yi = yTrue[i];
    if (!(yi >= 0 && yi < k)) throw new Error(`logLoss: row ${i} has class ${yi}, outside 0..${k - 1}.`);
    const p = Math.min(Math.max(data[i * k + yi], eps), 1 - eps) / sum;
    total -= Math.log(p);
  }
  return rows > 0 ? total / rows : NaN;
}

/**
 * Classification metrics by their logged names (the caller adds train_/test_):
 * always `accuracy`; for two classes `precision`, `recall`, `f1` of the class
 * `positiveIndex` (default 1, the larger label), plus `roc_auc` and
 * `log_loss` when `proba` is given; for more classes `precision_macro`,
 * `recall_macro`, `f1_macro` (averaged over the classes present in yTrue or
 * yPred, like scikit-learn) and `log_loss`. Undefined ratios count as 0.
 */
export function classificationMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  proba: DenseMatrix | undefined,
  nClasses: number,
  positiveIndex?: number,
): Record<string, number> {
  const out: Record<string, number> = { accuracy: accuracy(yTrue, yPred) };
  const cm = confusionCounts(yTrue, yPred, nClasses);
  const scores = perClassScores(cm, nClasses);
  if (nClasses === 2) {
    const pos = positiveIndex ?? 1;
    if (pos !== 0 && pos !== 1) throw new Error(`classificationMetrics: positiveIndex must be 0 or 1; got ${pos}.`);
    out.precision = scores.precision[pos];
    out.recall = scores.recall[pos];
    out.f1 = scores.f1[pos];
    if (proba) {
      const isPos = new Float64Array(yTrue.length);
      const score = new Float64Array(yTrue.length);
      for (let i = 0; i < yTrue.length; i++) {
        isPos[i] = yTrue[i] === pos ? 1 : 0;
        score[i] = proba.data[i * proba.cols + pos];
      }
      out.roc_auc = rocAuc(isPos, score);
      out.log_loss = logLoss(yTrue, proba);
    }
  } else if (nClasses > 2) {
    const present = presentClasses(cm, nClasses);
    out.precision_macro = meanOver(scores.precision, present);
    out.recall_macro = meanOver(scores.recall, present);
    out.f1_macro = meanOver(scores.f1, present);
    if (proba) out.log_loss = logLoss(yTrue, proba);
  }
  return out;
}

/** Classes that occur in yTrue or yPred (scikit-learn's default label set for averages). */
export function presentClasses(cm: Float64Array, k: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < k; c++) {
    let any = false;
    for (let o = 0; o < k && !any; o++) any = cm[c * k + o] > 0 || cm[o * k + c] > 0;
    if (any) out.push(c);
  }
  return out;
}

/** Mean of `values` over the given classes (0 when none). */
export function meanOver(values: Float64Array, classes: readonly number[]): number {
  if (classes.length === 0) return 0;
  let s = 0;
  for (const c of classes) s += values[c];
  return s / classes.length;
}
