/**
 * The two matrix products of a multinomial logistic pass over one block of
 * rows (`multinomialPartial` in logisticObjective.ts): the scores Z = X Wᵀ + b
 * and the gradient Rᵀ X of the residuals R = softmax(Z) − one-hot.
 *
 * Both are register-blocked: the scores take 2 rows × 4 classes per pass
 * over the columns (each x and each weight loaded once for 2 or 4 products,
 * eight independent sums), the gradient 4 classes × 2 columns per pass over
 * the rows. Plain JavaScript gets no SIMD, so the number of loads per
 * multiply-add is what sets the pace. Measured on the bench's 100k × 20,
 * 5-class data (CPU ms per evaluation, load 11-14): 38 with one class and
 * one column at a time (four partial sums over the columns or rows), 25
 * with 4 classes per pass in both products, 20.6 with this blocking; 128,
 * 64 or 256 rows per block measured the same.
 */

/** Writes the scores of rows [i0, i0 + m) of `data` (p columns) into R (m × k): b_c + Σ_j x_j w_cj, w row-major k × p in `theta`. */
export function blockScores(
  data: Float64Array, i0: number, m: number, p: number, k: number, theta: Float64Array, b: Float64Array, R: Float64Array,
): void {
  const k4 = k - (k % 4);
  const m2 = m - (m % 2);
  let t = 0;
  for (; t < m2; t += 2) {
    const offA = (i0 + t) * p;
    const offB = offA + p;
    const roA = t * k;
    const roB = roA + k;
    let c = 0;
    for (; c < k4; c += 4) {
      const w0 = c * p;
      const w1 = w0 + p;
      const w2 = w1 + p;
      const w3 = w2 + p;
      let a0 = b[c];
      let a1 = b[c + 1];
      let a2 = b[c + 2];
      let a3 = b[c + 3];
      let b0 = a0;
      let b1 = a1;
      let b2 = a2;
      let b3 = a3;
      for (let j = 0; j < p; j++) {
        const xa = data[offA + j];
        const xb = data[offB + j];
        const t0 = theta[w0 + j];
        const t1 = theta[w1 + j];
        const t2 = theta[w2 + j];
        const t3 = theta[w3 + j];
        a0 += xa * t0;
        a1 += xa * t1;
        a2 += xa * t2;
        a3 += xa * t3;
        b0 += xb * t0;
        b1 += xb * t1;
        b2 += xb * t2;
        b3 += xb * t3;
      }
      R[roA + c] = a0;
      R[roA + c + 1] = a1;
      R[roA + c + 2] = a2;
      R[roA + c + 3] = a3;
      R[roB + c] = b0;
      R[roB + c + 1] = b1;
      R[roB + c + 2] = b2;
      R[roB + c + 3] = b3;
    }
    for (; c < k; c++) {
      const w = c * p;
      let a0 = b[c];
      let a1 = 0;
      let b0 = b[c];
      let b1 = 0;
      let j = 0;
      for (; j + 1 < p; j += 2) {
        const t0 = theta[w + j];
        const t1 = theta[w + j + 1];
        a0 += data[offA + j] * t0;
        a1 += data[offA + j + 1] * t1;
        b0 += data[offB + j] * t0;
        b1 += data[offB + j + 1] * t1;
      }
      if (j < p) {
        a0 += data[offA + j] * theta[w + j];
        b0 += data[offB + j] * theta[w + j];
      }
      R[roA + c] = a0 + a1;
      R[roB + c] = b0 + b1;
    }
  }
  for (; t < m; t++) {
    const off = (i0 + t) * p;
    const ro = t * k;
    for (let c = 0; c < k; c++) {
      const w = c * p;
      let a0 = b[c];
      let a1 = 0;
      let j = 0;
      for (; j + 1 < p; j += 2) {
        a0 += data[off + j] * theta[w + j];
        a1 += data[off + j + 1] * theta[w + j + 1];
      }
      if (j < p) a0 += data[off + j] * theta[w + j];
      R[ro + c] = a0 + a1;
    }
  }
}

/** Adds Rᵀ X of rows [i0, i0 + m) into grad (k × p, row-major); R is m × k. */
export function blockGradient(data: Float64Array, i0: number, m: number, p: number, k: number, R: Float64Array, grad: Float64Array): void {
  const p2 = p - (p % 2);
  const base = i0 * p;
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    const w0 = c * p;
    const w1 = w0 + p;
    const w2 = w1 + p;
    const w3 = w2 + p;
    for (let j = 0; j < p2; j += 2) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      let off = base + j;
      let ro = c;
      for (let t = 0; t < m; t++, off += p, ro += k) {
        const x0 = data[off];
        const x1 = data[off + 1];
        const r0 = R[ro];
        const r1 = R[ro + 1];
        const r2 = R[ro + 2];
        const r3 = R[ro + 3];
        a0 += r0 * x0;
        a1 += r1 * x0;
        a2 += r2 * x0;
        a3 += r3 * x0;
        b0 += r0 * x1;
        b1 += r1 * x1;
        b2 += r2 * x1;
        b3 += r3 * x1;
      }
      grad[w0 + j] += a0;
      grad[w1 + j] += a1;
      grad[w2 + j] += a2;
      grad[w3 + j] += a3;
      grad[w0 + j + 1] += b0;
      grad[w1 + j + 1] += b1;
      grad[w2 + j + 1] += b2;
      grad[w3 + j + 1] += b3;
    }
    if (p2 < p) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let off = base + p2;
      let ro = c;
      for (let t = 0; t < m; t++, off += p, ro += k) {
        const x0 = data[off];
        a0 += R[ro] * x0;
        a1 += R[ro + 1] * x0;
        a2 += R[ro + 2] * x0;
        a3 += R[ro + 3] * x0;
      }
      grad[w0 + p2] += a0;
      grad[w1 + p2] += a1;
      grad[w2 + p2] += a2;
      grad[w3 + p2] += a3;
    }
  }
  // The remaining classes one at a time, 4 columns per pass.
  const p4 = p - (p % 4);
  for (; c < k; c++) {
    const w = c * p;
    let j = 0;
    for (; j < p4; j += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let off = base + j;
      let ro = c;
      for (let t = 0; t < m; t++, off += p, ro += k) {
        const r = R[ro];
        a0 += r * data[off];
        a1 += r * data[off + 1];
        a2 += r * data[off + 2];
        a3 += r * data[off + 3];
      }
      grad[w + j] += a0;
      grad[w + j + 1] += a1;
      grad[w + j + 2] += a2;
      grad[w + j + 3] += a3;
    }
    for (; j < p; j++) {
      let a0 = 0;
      let off = base + j;
      let ro = c;
      for (let t = 0; t < m; t++, off += p, ro += k) a0 += R[ro] * data[off];
      grad[w + j] += a0;
    }
  }
}
