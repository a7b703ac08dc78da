/**
 * The inner loops of the tree's split search: one pass over a node's slice
 * of a feature's presorted index list, moving one sample at a time from the
 * right child to the left and scoring each threshold in O(1) with
 * scikit-learn's proxy of the impurity decrease. Top-level functions with
 * every array passed in, so V8 keeps them in registers.
 */

/** Values closer than this are treated as equal and never split apart (scikit-learn's FEATURE_THRESHOLD). */
export const FEATURE_THRESHOLD = 1e-7;
const LOG2 = Math.LN2;

/**
 * Best split position (index of the first right sample) in V[from..to)
 * whose proxy Σc_L²/n_L + Σc_R²/n_R beats `bound`, or −1. Writes the proxy
 * to out[0].
 * @param V the node's values of one feature, sorted ascending.
 * @param y the classes at the same positions.
 */
export function scanGini(
  V: Float64Array, y: Int32Array, from: number, to: number, minLeaf: number,
  nodeCounts: Float64Array, L: Float64Array, R: Float64Array, bound: number, out: Float64Array,
): number {
  const k = nodeCounts.length;
  L.fill(0);
  R.set(nodeCounts);
  let sqL = 0;
  let sqR = 0;
  for (let c = 0; c < k; c++) sqR += R[c] * R[c];
  let nL = 0;
  let nR = to - from;
  let best = bound;
  let bestPos = -1;
  let v = V[from];
  for (let i = from, last = to - 1; i < last; i++) {
    const c = y[i];
    const lc = L[c];
    sqL += 2 * lc + 1;
    L[c] = lc + 1;
    const rc = R[c];
    sqR -= 2 * rc - 1;
    R[c] = rc - 1;
    nL++;
    nR--;
    const vNext = V[i + 1];
    if (nL >= minLeaf && vNext > v + FEATURE_THRESHOLD) {
      if (nR < minLeaf) break;
      const proxy = sqL / nL + sqR / nR;
      if (proxy > best) {
        best = proxy;
        bestPos = i + 1;
      }
    }
    v = vNext;
  }
  out[0] = best;
  return bestPos;
}

/**
 * As scanGini with the entropy proxy −(n_L·H_L + n_R·H_R) in nats, updated
 * in O(1) from a table xlogx[m] = m·ln m.
 */
export function scanEntropy(
  V: Float64Array, y: Int32Array, from: number, to: number, minLeaf: number,
  nodeCounts: Float64Array, L: Float64Array, R: Float64Array, xlogx: Float64Array, bound: number, out: Float64Array,
): number {
  const k = nodeCounts.length;
  L.fill(0);
  R.set(nodeCounts);
  let sL = 0;
  let sR = 0;
  for (let c = 0; c < k; c++) sR += xlogx[R[c]];
  let nL = 0;
  let nR = to - from;
  let best = bound;
  let bestPos = -1;
  let v = V[from];
  for (let i = from, last = to - 1; i < last; i++) {
    const c = y[i];
    const lc = L[c];
    sL += xlogx[lc + 1] - xlogx[lc];
    L[c] = lc + 1;
    const rc = R[c];
    sR += xlogx[rc - 1] - xlogx[rc];
    R[c] = rc - 1;
    nL++;
    nR--;
    const vNext = V[i + 1];
    if (nL >= minLeaf && vNext > v + FEATURE_THRESHOLD) {
      if (nR < minLeaf) break;
      const proxy = sL + sR - xlogx[nL] - xlogx[nR];
      if (proxy > best) {
        best = proxy;
        bestPos = i + 1;
      }
    }
    v = vNext;
  }
  out[0] = best;
  return bestPos;
}

/** As scanGini with the squared-error proxy sum_L²/n_L + sum_R²/n_R. */
export function scanSquaredError(
  V: Float64Array, y: Float64Array, from: number, to: number, minLeaf: number, bound: number, out: Float64Array,
): number {
  let total = 0;
  for (let i = from; i < to; i++) total += y[i];
  let sumL = 0;
  let nL = 0;
  let nR = to - from;
  let best = bound;
  let bestPos = -1;
  let v = V[from];
  for (let i = from, last = to - 1; i < last; i++) {
    sumL += y[i];
    nL++;
    nR--;
    const vNext = V[i + 1];
    if (nL >= minLeaf && vNext > v + FEATURE_THRESHOLD) {
      if (nR < minLeaf) break;
      const sumR = total - sumL;
      const proxy = (sumL * sumL) / nL + (sumR * sumR) / nR;
      if (proxy > best) {
        best = proxy;
        bestPos = i + 1;
      }
    }
    v = vNext;
  }
  out[0] = best;
  return bestPos;
}

/** Gini, or entropy in bits (as scikit-learn), of class counts summing to n. */
export function classImpurity(criterion: 'gini' | 'entropy' | 'squared_error', counts: Float64Array, n: number): number {
  if (criterion === 'gini') {
    let sq = 0;
    for (let c = 0; c < counts.length; c++) sq += counts[c] * counts[c];
    return 1 - sq / (n * n);
  }
  let h = 0;
  for (let c = 0; c < counts.length; c++) {
    if (counts[c] > 0) {
      const q = counts[c] / n;
      h -= q * (Math.log(q) / LOG2);
    }
  }
  return h;
}
