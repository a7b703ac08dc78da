import type { DenseMatrix } from '../data/frame';
import type { ObjectiveFn } from './lbfgs';
import { blockGradient, blockScores } from './multinomialBlock';

/**
 * The penalised logistic objectives minimised by LogisticRegressionModel, in
 * scikit-learn 1.2's lbfgs scaling: Σ_i loss_i + ‖W‖² / (2C), intercepts not
 * penalised. Parameters are laid out as [W row-major (k × p), b (k)], with
 * k = 1 for the binary case and b present only when fitting an intercept.
 *
 * The loops live in top-level functions taking everything as arguments: V8
 * compiles a closure's loop slowly once a second closure of the same
 * function exists (every fit makes one), as captured variables then become
 * context loads.
 */

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** 1 / (1 + e^−z) without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Binary logistic loss; y holds 0/1. */
export function binaryObjective(X: DenseMatrix, y: Float64Array, C: number, fitIntercept: boolean): ObjectiveFn {
  const { rows, cols, data } = X;
  const scratch = passScratch(1);
  const labels = Int32Array.from(y);
  const invC = 1 / C;
  return (theta, grad) => binaryPartial(data, 0, rows, cols, labels, fitIntercept, theta, grad, scratch) + weightPenalty(cols, invC, theta, grad);
}

/**
 * The unpenalised binary loss of rows [start, start + n) (y: 0/1, indexed
 * as the rows), its gradient written into `grad` (p weights, then the
 * intercept when fitting one): a thread's share of an evaluation, as
 * `multinomialPartial` is; `weightPenalty(p, …)` completes it.
 * One pass per block of rows: the scores, the residuals and the loss row by
 * row, then the block's gradient column by column, summed in registers (four
 * partial sums: one sum is bound by the latency of floating-point addition).
 * The loss's log(1 + e^−|z|) terms are summed as the log of their product,
 * one Math.log per block instead of one Math.log1p per row: the product of
 * 128 factors in [1, 2] cannot overflow, and the error stays near 1e-16 per
 * row, far below L-BFGS's stopping band. A score keeps one sum in feature
 * order: four partial sums there moved an ill-conditioned fit (breast cancer,
 * C = 100, 168 L-BFGS iterations) off scikit-learn's iteration count. A fit
 * of the bench's binary data (100k × 20, 23 iterations) measured 250-290 ms
 * against 335-360 ms for the row-by-row loop with log1p, at load 1.
 */
export function binaryPartial(
  data: Float64Array, start: number, n: number, p: number, y: Int32Array, fitIntercept: boolean,
  theta: Float64Array, grad: Float64Array, scratch: PassScratch,
): number {
  const R = scratch.residuals;
  const b = fitIntercept ? theta[p] : 0;
  grad.fill(0);
  let loss = 0;
  let gb = 0;
  const end = start + n;
  for (let i0 = start; i0 < end; i0 += BLOCK) {
    const m = Math.min(BLOCK, end - i0);
    let product = 1;
    for (let t = 0; t < m; t++) {
      const off = (i0 + t) * p;
      let z = b;
      for (let j = 0; j < p; j++) z += data[off + j] * theta[j];
      const yi = y[i0 + t];
      // One exp serves both softplus(z) = max(z, 0) + log(1 + e^−|z|) and sigmoid(z).
      const e = Math.exp(-Math.abs(z));
      const q = 1 + e;
      product *= q;
      loss += (z > 0 ? z : 0) - yi * z;
      const r = (z >= 0 ? 1 / q : e / q) - yi;
      R[t] = r;
      gb += r;
    }
    loss += Math.log(product);
    const m4 = m - (m % 4);
    for (let j = 0; j < p; j++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t = 0;
      let off = i0 * p + j;
      for (; t < m4; t += 4, off += 4 * p) {
        s0 += R[t] * data[off];
        s1 += R[t + 1] * data[off + p];
        s2 += R[t + 2] * data[off + 2 * p];
        s3 += R[t + 3] * data[off + 3 * p];
      }
      for (; t < m; t++, off += p) s0 += R[t] * data[off];
      grad[j] += s0 + s1 + (s2 + s3);
    }
  }
  if (fitIntercept) grad[p] = gb;
  return loss;
}

/**
 * Rows per block of the multinomial pass: the block's residuals (BLOCK × k)
 * and rows (BLOCK × p) stay in the L1/L2 cache between the forward and the
 * gradient half.
 */
const BLOCK = 128;

/** Multinomial (softmax) loss over k classes; y holds class indices. */
export function multinomialObjective(X: DenseMatrix, y: Float64Array, k: number, C: number, fitIntercept: boolean): ObjectiveFn {
  const { rows, cols, data } = X;
  const scratch = passScratch(k);
  // Integer labels: indexing with a double read from a Float64Array is slower in V8.
  const labels = Int32Array.from(y);
  const invC = 1 / C;
  return (theta, grad) => {
    const loss = multinomialPartial(data, 0, rows, cols, labels, k, fitIntercept, theta, grad, scratch);
    return loss + weightPenalty(k * cols, invC, theta, grad);
  };
}

/** Buffers one thread's logistic pass (binary or multinomial) reuses between evaluations. */
export interface PassScratch {
  /** [intercepts (k) | intercept gradient (k)] */
  readonly work: Float64Array;
  /** softmax − one-hot of one block of rows (BLOCK × k) */
  readonly residuals: Float64Array;
}

export function passScratch(k: number): PassScratch {
  return { work: new Float64Array(2 * k), residuals: new Float64Array(BLOCK * k) };
}

/**
 * Adds ‖W‖²/(2C)'s gradient into `grad` (the first `nW` entries: the
 * intercepts are not penalised) and returns the penalty.
 */
export function weightPenalty(nW: number, invC: number, theta: Float64Array, grad: Float64Array): number {
  let penalty = 0;
  for (let q = 0; q < nW; q++) {
    penalty += theta[q] * theta[q];
    grad[q] += invC * theta[q];
  }
  return 0.5 * invC * penalty;
}

/** A thread's share of an evaluation: `binaryPartial` for k = 1 (the binary objective's one weight vector), else `multinomialPartial`. */
export function logisticPartial(
  data: Float64Array, start: number, n: number, p: number, labels: Int32Array, k: number, fitIntercept: boolean,
  theta: Float64Array, grad: Float64Array, scratch: PassScratch,
): number {
  return k === 1
    ? binaryPartial(data, start, n, p, labels, fitIntercept, theta, grad, scratch)
    : multinomialPartial(data, start, n, p, labels, k, fitIntercept, theta, grad, scratch);
}

/**
 * The unpenalised multinomial loss of rows [start, start + n) of `data`
 * (labels indexed the same way), its gradient written into `grad` (k × p
 * weights, then k intercepts when fitting them). A thread's share of one
 * evaluation; `weightPenalty` completes the objective.
 *
 * One pass per block of rows, which stays in the L1/L2 cache: the block's
 * scores (multinomialBlock.ts), the softmax and the loss row by row, then
 * the block's gradient. Measured on the 100k × 20, 5-class bench data:
 * 20.6 ms CPU per evaluation (was 38-40 with one class at a time, 50 with
 * the row-by-row loop; scikit-learn's numpy/BLAS pass: 24 ms).
 */
export function multinomialPartial(
  data: Float64Array, start: number, n: number, p: number, labels: Int32Array, k: number, fitIntercept: boolean,
  theta: Float64Array, grad: Float64Array, scratch: PassScratch,
): number {
  const { work, residuals: R } = scratch;
  const bOff = k * p;
  const b = work.subarray(0, k);
  work.fill(0);
  if (fitIntercept) for (let c = 0; c < k; c++) work[c] = theta[bOff + c];
  grad.fill(0);
  let loss = 0;
  const end = start + n;
  for (let i0 = start; i0 < end; i0 += BLOCK) {
    const m = Math.min(BLOCK, end - i0);
    blockScores(data, i0, m, p, k, theta, b, R);
    for (let t = 0; t < m; t++) {
      const ro = t * k;
      let max = R[ro];
      for (let c = 1; c < k; c++) if (R[ro + c] > max) max = R[ro + c];
      // loss_t = logsumexp(z) − z_y, with z shifted by its max against overflow.
      const yi = labels[i0 + t];
      const zy = R[ro + yi];
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(R[ro + c] - max);
        R[ro + c] = e;
        sum += e;
      }
      loss += Math.log(sum) + max - zy;
      const inv = 1 / sum;
      for (let c = 0; c < k; c++) R[ro + c] *= inv;
      R[ro + yi] -= 1;
      for (let c = 0; c < k; c++) work[k + c] += R[ro + c];
    }
    blockGradient(data, i0, m, p, k, R, grad);
  }
  if (fitIntercept) for (let c = 0; c < k; c++) grad[bOff + c] = work[k + c];
  return loss;
}
