import type { DenseMatrix } from '../data/frame';
import type { ObjectiveFn } from './lbfgs';

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
  return (theta, grad) => binaryLossGrad(data, rows, cols, y, 1 / C, fitIntercept, theta, grad);
}

function binaryLossGrad(
  data: Float64Array, n: number, p: number, y: Float64Array, invC: number, fitIntercept: boolean,
  theta: Float64Array, grad: Float64Array,
): number {
  const b = fitIntercept ? theta[p] : 0;
  grad.fill(0);
  let loss = 0;
  let gb = 0;
  for (let i = 0; i < n; i++) {
    const off = i * p;
    let z = b;
    for (let j = 0; j < p; j++) z += data[off + j] * theta[j];
    const yi = y[i];
    // One exp serves both softplus(z) = max(z, 0) + log1p(e^−|z|) and sigmoid(z).
    const e = Math.exp(-Math.abs(z));
    loss += (z > 0 ? z : 0) + Math.log1p(e) - yi * z;
    const r = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi;
    for (let j = 0; j < p; j++) grad[j] += r * data[off + j];
    gb += r;
  }
  let penalty = 0;
  for (let j = 0; j < p; j++) {
    penalty += theta[j] * theta[j];
    grad[j] += invC * theta[j];
  }
  if (fitIntercept) grad[p] = gb;
  return loss + 0.5 * invC * penalty;
}

/** Multinomial (softmax) loss over k classes; y holds class indices. */
export function multinomialObjective(X: DenseMatrix, y: Float64Array, k: number, C: number, fitIntercept: boolean): ObjectiveFn {
  const { rows, cols, data } = X;
  const work = new Float64Array(3 * k);
  // Integer labels: indexing with a double read from a Float64Array is slower in V8.
  const labels = Int32Array.from(y);
  return (theta, grad) => multinomialLossGrad(data, rows, cols, labels, k, 1 / C, fitIntercept, theta, grad, work);
}

function multinomialLossGrad(
  data: Float64Array, n: number, p: number, labels: Int32Array, k: number, invC: number, fitIntercept: boolean,
  theta: Float64Array, grad: Float64Array, work: Float64Array,
): number {
  const bOff = k * p;
  // work = [z (k) | intercepts (k) | intercept gradient (k)]
  work.fill(0);
  if (fitIntercept) for (let c = 0; c < k; c++) work[k + c] = theta[bOff + c];
  grad.fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const off = i * p;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = work[k + c];
      const w = c * p;
      for (let j = 0; j < p; j++) s += data[off + j] * theta[w + j];
      work[c] = s;
      if (s > max) max = s;
    }
    const yi = labels[i];
    // loss_i = logsumexp(z) − z_y, with z shifted by its max against overflow.
    const zy = work[yi];
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(work[c] - max);
      work[c] = e;
      sum += e;
    }
    loss += Math.log(sum) + max - zy;
    const inv = 1 / sum;
    work[yi] -= sum; // so that work[c]·inv = softmax_c − [c = y]
    for (let c = 0; c < k; c++) {
      const r = work[c] * inv;
      work[2 * k + c] += r;
      const w = c * p;
      for (let j = 0; j < p; j++) grad[w + j] += r * data[off + j];
    }
  }
  let penalty = 0;
  for (let q = 0; q < bOff; q++) {
    penalty += theta[q] * theta[q];
    grad[q] += invC * theta[q];
  }
  if (fitIntercept) for (let c = 0; c < k; c++) grad[bOff + c] = work[2 * k + c];
  return loss + 0.5 * invC * penalty;
}
