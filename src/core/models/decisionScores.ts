import type { DenseMatrix } from '../data/frame';
import { sigmoid } from './logisticObjective';

/**
 * Class probabilities from decision scores, shared by the linear-logit
 * families (logistic regression, the MLP's output layer): one column means a
 * binary logit (sigmoid, probabilities for classes 0 and 1), k columns a
 * softmax (shifted by the row maximum so exp never overflows).
 */
export function probabilitiesFromScores(z: DenseMatrix, nClasses: number): DenseMatrix {
  const k = nClasses;
  const out = new Float64Array(z.rows * k);
  if (z.cols === 1) {
    for (let i = 0; i < z.rows; i++) {
      const p1 = sigmoid(z.data[i]!);
      out[2 * i] = 1 - p1;
      out[2 * i + 1] = p1;
    }
    return { data: out, rows: z.rows, cols: 2 };
  }
  for (let i = 0; i < z.rows; i++) {
    const off = i * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, z.data[off + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[off + c] = Math.exp(z.data[off + c]! - max);
    for (let c = 0; c < k; c++) out[off + c]! /= sum;
  }
  return { data: out, rows: z.rows, cols: k };
}

/**
 * Predicted class indices from decision scores, scikit-learn's rule: with one
 * column, class 1 when the score is strictly positive; else the arg max (ties
 * to the lower class).
 */
export function classesFromScores(z: DenseMatrix): Float64Array {
  const out = new Float64Array(z.rows);
  if (z.cols === 1) {
    for (let i = 0; i < z.rows; i++) out[i] = z.data[i]! > 0 ? 1 : 0;
    return out;
  }
  for (let i = 0; i < z.rows; i++) {
    const off = i * z.cols;
    let best = 0;
    for (let c = 1; c < z.cols; c++) if (z.data[off + c]! > z.data[off + best]!) best = c;
    out[i] = best;
  }
  return out;
}
