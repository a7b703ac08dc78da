/**
 * Exact (ridge-)least-squares solver: Householder QR (streamed over row
 * blocks) to shrink the problem to p × p, then a one-sided Jacobi SVD of R,
 * and the solution from the SVD.
 *
 * Hand-written rather than ml-matrix because ml-matrix's SVD copies the whole
 * n × p matrix into row arrays and is slow for n = 10⁵+, while the SVD route
 * gives what scikit-learn's LinearRegression (scipy lstsq, an SVD) gives: the
 * minimum-norm solution when columns are collinear, where normal equations
 * and a plain Cholesky break down.
 */

export interface LeastSquaresResult {
  readonly coef: Float64Array;
  /** Numerical rank of A (singular values above the cut-off). */
  readonly rank: number;
  /** Singular values of A, in no particular order. */
  readonly singularValues: Float64Array;
}

const EPS = 2.220446049250313e-16;

/**
 * Solves min ‖(X − 1·xShiftᵀ) w − (y − yShift)‖² + alpha ‖w‖², where X is
 * row-major n × p (the shifts centre the data for an intercept; pass zeros
 * for none). With alpha = 0, singular values below eps·max(n, p)·σ_max count
 * as zero (numpy's lstsq cut-off), which yields the minimum-norm solution.
 */
export function solveLeastSquares(
  data: Float64Array, n: number, p: number, xShift: Float64Array, y: Float64Array, yShift: number, alpha = 0,
): LeastSquaresResult {
  let a: Float64Array;
  let b: Float64Array;
  let m: number;
  if (n > p) {
    ({ r: a, qtb: b } = streamedQr(data, n, p, xShift, y, yShift));
    m = p;
  } else {
    a = new Float64Array(n * p);
    b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) a[j * n + i] = data[i * p + j] - xShift[j];
      b[i] = y[i] - yShift;
    }
    m = n;
  }
  const v = jacobiSvd(a, m, p);
  const sigma = new Float64Array(p);
  let sigmaMax = 0;
  for (let j = 0; j < p; j++) {
    let s = 0;
    const off = j * m;
    for (let i = 0; i < m; i++) s += a[off + i] * a[off + i];
    sigma[j] = Math.sqrt(s);
    if (sigma[j] > sigmaMax) sigmaMax = sigma[j];
  }
  const cutoff = alpha > 0 ? 0 : EPS * Math.max(n, p) * sigmaMax;
  const coef = new Float64Array(p);
  let rank = 0;
  for (let j = 0; j < p; j++) {
    if (sigma[j] <= cutoff || sigma[j] === 0) continue;
    rank++;
    // With A V = U Σ, the column a_j is σ_j u_j, so σ_j/(σ_j² + α) · u_jᵀb = a_jᵀb / (σ_j² + α).
    let dot = 0;
    const off = j * m;
    for (let i = 0; i < m; i++) dot += a[off + i] * b[i];
    const f = dot / (sigma[j] * sigma[j] + alpha);
    for (let i = 0; i < p; i++) coef[i] += f * v[j * p + i];
  }
  return { coef, rank, singularValues: sigma };
}

const BLOCK = 256;

/**
 * R and the first p entries of Qᵀb of the centred system, by sequential
 * (tall-skinny) QR: the rows arrive in blocks, and each step factors the
 * current R stacked on the next block. Same orthogonal transformations as
 * one big Householder QR, but the working matrix stays in cache and the
 * row-major input is read once.
 */
function streamedQr(
  data: Float64Array, n: number, p: number, xShift: Float64Array, y: Float64Array, yShift: number,
): { r: Float64Array; qtb: Float64Array } {
  const rows = p + BLOCK;
  const w = new Float64Array(rows * p); // column-major rows × p: R on top, the block below
  const rhs = new Float64Array(rows);
  for (let start = 0; start < n; start += BLOCK) {
    const b = Math.min(BLOCK, n - start);
    const m = p + b;
    // Rows p..m−1 of w (column stride m) take the block; rows 0..p−1 keep R.
    for (let i = 0; i < b; i++) {
      const off = (start + i) * p;
      for (let j = 0; j < p; j++) w[j * m + p + i] = data[off + j] - xShift[j];
      rhs[p + i] = y[start + i] - yShift;
    }
    householderQr(w, m, p, rhs);
    // Keep R (upper p × p) in place but re-laid out for the next stride.
    if (start + BLOCK < n) {
      const nextM = p + Math.min(BLOCK, n - start - BLOCK);
      if (nextM !== m) relayout(w, p, m, nextM);
    } else {
      const r = new Float64Array(p * p);
      for (let j = 0; j < p; j++) for (let i = 0; i <= j; i++) r[j * p + i] = w[j * m + i];
      return { r, qtb: rhs.slice(0, p) };
    }
  }
  return { r: new Float64Array(p * p), qtb: new Float64Array(p) }; // unreachable for n > 0
}

/** Moves the top p rows of a column-major matrix from column stride `from` to stride `to`. */
function relayout(w: Float64Array, p: number, from: number, to: number): void {
  const top = new Float64Array(p * p);
  for (let j = 0; j < p; j++) for (let i = 0; i < p; i++) top[j * p + i] = w[j * from + i];
  for (let j = 0; j < p; j++) for (let i = 0; i < p; i++) w[j * to + i] = top[j * p + i];
}

/** In-place Householder QR of column-major n × p `a` (n > p), applying Qᵀ to `b`; zeroes below the diagonal. */
function householderQr(a: Float64Array, n: number, p: number, b: Float64Array): void {
  for (let k = 0; k < p; k++) {
    const ck = k * n;
    let scale = 0;
    for (let i = k; i < n; i++) scale = Math.max(scale, Math.abs(a[ck + i]));
    if (scale === 0) continue;
    let norm2 = 0;
    for (let i = k; i < n; i++) {
      const x = a[ck + i] / scale;
      norm2 += x * x;
    }
    const x0 = a[ck + k];
    const norm = scale * Math.sqrt(norm2);
    const diag = x0 > 0 ? -norm : norm;
    // v = x − diag·e_k, kept in place of column k; vᵀv = 2·norm·(norm + |x0|).
    a[ck + k] = x0 - diag;
    const vtv = 2 * norm * (norm + Math.abs(x0));
    for (let j = k + 1; j < p; j++) {
      const cj = j * n;
      let s = 0;
      for (let i = k; i < n; i++) s += a[ck + i] * a[cj + i];
      const f = (2 * s) / vtv;
      if (f === 0) continue;
      for (let i = k; i < n; i++) a[cj + i] -= f * a[ck + i];
    }
    let s = 0;
    for (let i = k; i < n; i++) s += a[ck + i] * b[i];
    const f = (2 * s) / vtv;
    for (let i = k; i < n; i++) b[i] -= f * a[ck + i];
    a[ck + k] = diag;
    for (let i = k + 1; i < n; i++) a[ck + i] = 0;
  }
}

/**
 * One-sided (Hestenes) Jacobi SVD of column-major m × p `a`: rotates the
 * columns in place until they are orthogonal (a becomes U Σ) and returns V,
 * column-major p × p. Accurate to high relative precision, and p is small.
 */
function jacobiSvd(a: Float64Array, m: number, p: number): Float64Array {
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  const tol = EPS * Math.max(m, 1);
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      const ci = i * m;
      for (let j = i + 1; j < p; j++) {
        const cj = j * m;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let k = 0; k < m; k++) {
          const x = a[ci + k];
          const y = a[cj + k];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (alpha === 0 || beta === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let k = 0; k < m; k++) {
          const x = a[ci + k];
          const y = a[cj + k];
          a[ci + k] = c * x - s * y;
          a[cj + k] = s * x + c * y;
        }
        const vi = i * p;
        const vj = j * p;
        for (let k = 0; k < p; k++) {
          const x = v[vi + k];
          const y = v[vj + k];
          v[vi + k] = c * x - s * y;
          v[vj + k] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  return v;
}
