/**
 * The fast path of linear regression: the normal equations (XᵀX + αI) w = Xᵀy
 * of the centred data, solved by Cholesky. The Gram matrix costs n·p²/2
 * multiply-adds in one pass over the rows, a quarter of the streamed QR's
 * 2·n·p², but squares the condition number: the caller falls back to the
 * exact QR + SVD solver (leastSquares.ts) when this returns undefined, that is
 * when the scaled Gram matrix is singular or its estimated condition number is
 * above {@link CONDITION_LIMIT} (nearly collinear or duplicated columns, a
 * constant column), so those designs keep scikit-learn's minimum-norm answer.
 *
 * Hand-written rather than ml-matrix: see BENCHMARKS.md (Model fitting) for
 * the measurement that decided it.
 */

/**
 * Largest 1-norm condition number of the diagonally scaled Gram matrix that
 * the Cholesky path accepts. The solution's relative error is about κ·ε
 * (≈ 2e-8 here), well inside the 1e-6 the scikit-learn parity tests ask.
 */
export const CONDITION_LIMIT = 1e8;

/** Rows per block: a block of 20 columns (the common width) fits in L1 as column-major doubles. */
const BLOCK = 128;

export interface NormalEquationsResult {
  readonly coef: Float64Array;
  /** Estimated 1-norm condition number of the scaled Gram matrix. */
  readonly condition: number;
}

/**
 * Solves min ‖(X − 1·xShiftᵀ) w − (y − yShift)‖² + alpha ‖w‖² for row-major
 * n × p `data` through the normal equations, or returns undefined when they
 * are too ill-conditioned to give the least-squares answer to ~1e-8.
 */
export function solveNormalEquations(
  data: Float64Array, n: number, p: number, xShift: Float64Array, y: Float64Array, yShift: number, alpha = 0,
): NormalEquationsResult | undefined {
  const { gram, xty } = centredGram(data, n, p, xShift, y, yShift);
  for (let j = 0; j < p; j++) gram[j * p + j] += alpha;
  // Unit diagonal: the condition estimate then measures collinearity, not the columns' units (van der Sluis).
  const d = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const g = gram[j * p + j];
    if (!(g > 0)) return undefined; // a constant column: rank-deficient
    d[j] = 1 / Math.sqrt(g);
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) gram[j * p + k] *= d[j] * d[k];
  const norm = oneNorm(gram, p);
  if (!cholesky(gram, p)) return undefined;
  const condition = norm * inverseOneNorm(gram, p);
  if (!(condition <= CONDITION_LIMIT)) return undefined;
  const z = new Float64Array(p);
  for (let j = 0; j < p; j++) z[j] = xty[j] * d[j];
  choleskySolve(gram, p, z);
  for (let j = 0; j < p; j++) z[j] *= d[j];
  return { coef: z, condition };
}

/**
 * XcᵀXc (full p × p, row-major) and Xcᵀyc of the centred data, in one pass:
 * each block of rows is centred into a column-major buffer, then every pair
 * of columns is one dot product over the block, two pairs at a time so each
 * load of column j serves two sums.
 */
export function centredGram(
  data: Float64Array, n: number, p: number, xShift: Float64Array, y: Float64Array, yShift: number,
): { gram: Float64Array; xty: Float64Array } {
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  const block = new Float64Array(BLOCK * p);
  const yb = new Float64Array(BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    const b = Math.min(BLOCK, n - start);
    for (let i = 0; i < b; i++) {
      const off = (start + i) * p;
      for (let j = 0; j < p; j++) block[j * BLOCK + i] = data[off + j] - xShift[j];
      yb[i] = y[start + i] - yShift;
    }
    for (let j = 0; j < p; j++) {
      const cj = j * BLOCK;
      let k = 0;
      for (; k + 1 <= j; k += 2) {
        const ck = k * BLOCK;
        const ck1 = ck + BLOCK;
        let s0 = 0;
        let s1 = 0;
        for (let i = 0; i < b; i++) {
          const v = block[cj + i];
          s0 += v * block[ck + i];
          s1 += v * block[ck1 + i];
        }
        gram[j * p + k] += s0;
        gram[j * p + k + 1] += s1;
      }
      if (k === j) {
        let s0 = 0;
        let s1 = 0;
        for (let i = 0; i < b; i++) {
          const v = block[cj + i];
          s0 += v * v;
          s1 += v * yb[i];
        }
        gram[j * p + j] += s0;
        xty[j] += s1;
      } else {
        // k went past j by one (j odd): the diagonal came with the last pair; X'y still to do.
        let s = 0;
        for (let i = 0; i < b; i++) s += block[cj + i] * yb[i];
        xty[j] += s;
      }
    }
  }
  for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) gram[j * p + k] = gram[k * p + j];
  return { gram, xty };
}

/** Largest column sum of |a| (p × p). */
function oneNorm(a: Float64Array, p: number): number {
  let best = 0;
  for (let k = 0; k < p; k++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += Math.abs(a[j * p + k]);
    if (s > best) best = s;
  }
  return best;
}

/** In-place Cholesky (lower triangle of row-major p × p `a` becomes L); false when a pivot is not positive. */
function cholesky(a: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    const rj = j * p;
    let diag = a[rj + j];
    for (let k = 0; k < j; k++) diag -= a[rj + k] * a[rj + k];
    if (!(diag > 0)) return false;
    const ljj = Math.sqrt(diag);
    a[rj + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      const ri = i * p;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place, L the lower triangle of `l`. */
function choleskySolve(l: Float64Array, p: number, b: Float64Array): void {
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * b[k];
    b[i] = s / l[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * b[k];
    b[i] = s / l[i * p + i];
  }
}

/**
 * ‖A⁻¹‖₁ from the Cholesky factor, exactly: p solves of O(p²) each, which is
 * the same order as the factorisation and far below the n·p² of the Gram
 * matrix. An estimator (Hager's) would be cheaper for wide data but can
 * underestimate, and an underestimate here would give a wrong answer.
 */
function inverseOneNorm(l: Float64Array, p: number): number {
  let best = 0;
  const e = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    e.fill(0);
    e[k] = 1;
    choleskySolve(l, p, e);
    let s = 0;
    for (let j = 0; j < p; j++) s += Math.abs(e[j]);
    if (!(s <= best)) best = s; // NaN propagates as "ill-conditioned"
  }
  return best;
}
