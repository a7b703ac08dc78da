/**
 * Distribution drift measures between two samples of one column. Written by
 * hand (no statistics package is a dependency); each is checked against
 * scipy in drift.test.ts.
 *
 * Verdict rules:
 * - PSI: < 0.1 none, < 0.25 moderate, else large (the usual credit-scoring rule).
 * - KS D and Cramér's V: < 0.1 none, < 0.2 moderate, else large. A p-value
 *   is not used for the verdict: with a million rows every tiny shift is
 *   "significant", while D and V measure how large the shift is.
 */
import type { DriftMeasure, DriftVerdict } from './types';
import { quantileSorted } from '../data/stats';

/** Proportion used in place of an empty bin, so the logarithm stays finite. */
export const PSI_EPSILON = 1e-4;
/** PSI bins: A's deciles. */
export const PSI_BINS = 10;

export function psiVerdict(psi: number): DriftVerdict {
  return psi < 0.1 ? 'none' : psi < 0.25 ? 'moderate' : 'large';
}

/** Verdict for KS D and Cramér's V (both in [0, 1]). */
export function effectVerdict(x: number): DriftVerdict {
  return x < 0.1 ? 'none' : x < 0.2 ? 'moderate' : 'large';
}

export function worstVerdict(vs: readonly DriftVerdict[]): DriftVerdict {
  return vs.includes('large') ? 'large' : vs.includes('moderate') ? 'moderate' : 'none';
}

/** PSI from two count vectors over the same bins: Σ (pB − pA) ln(pB / pA), empty bins at `PSI_EPSILON`. */
export function psiFromCounts(countsA: readonly number[], countsB: readonly number[]): number {
  const nA = countsA.reduce((s, c) => s + c, 0);
  const nB = countsB.reduce((s, c) => s + c, 0);
  if (nA === 0 || nB === 0) return 0;
  let psi = 0;
  for (let i = 0; i < countsA.length; i++) {
    const pa = Math.max(countsA[i] / nA, PSI_EPSILON);
    const pb = Math.max(countsB[i] / nB, PSI_EPSILON);
    psi += (pb - pa) * Math.log(pb / pa);
  }
  return psi;
}

/**
 * Numeric PSI. Bin edges are A's quantiles at 1/10 … 9/10 (numpy's linear
 * method), duplicates dropped; bins are right-closed: (−∞, q1], (q1, q2], …, (q9, ∞).
 * Inputs are sorted finite values.
 */
export function numericPsi(sortedA: Float64Array, sortedB: Float64Array): number {
  if (sortedA.length === 0 || sortedB.length === 0) return 0;
  const edges: number[] = [];
  for (let i = 1; i < PSI_BINS; i++) {
    const q = quantileSorted(sortedA, i / PSI_BINS);
    if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  }
  return psiFromCounts(binCounts(sortedA, edges), binCounts(sortedB, edges));
}

function binCounts(sortedValues: Float64Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  // Index loop, not for-of: the iterator allocated a result per value (a hot spot on large samples).
  for (let i = 0; i < sortedValues.length; i++) {
    const v = sortedValues[i];
    while (bin < edges.length && v > edges[bin]) bin++;
    counts[bin]++;
  }
  return counts;
}

/** Exact two-sample KS statistic D = sup |F_A − F_B| over the merged sorted values (ties stepped together). */
export function ksStatistic(sortedA: Float64Array, sortedB: Float64Array): number {
  const nA = sortedA.length;
  const nB = sortedB.length;
  if (nA === 0 || nB === 0) return 0;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < nA && j < nB) {
    const v = Math.min(sortedA[i], sortedB[j]);
    while (i < nA && sortedA[i] === v) i++;
    while (j < nB && sortedB[j] === v) j++;
    const gap = Math.abs(i / nA - j / nB);
    if (gap > d) d = gap;
  }
  return d;
}

export interface ChiSquareResult {
  readonly statistic: number;
  readonly dof: number;
  readonly pValue: number;
  readonly cramersV: number;
}

/**
 * Chi-square test of homogeneity on the 2 × k table of category counts in A
 * and B (scipy.stats.chi2_contingency with correction=False). Categories
 * absent from both are dropped; with fewer than two categories there is
 * nothing to test (statistic 0, p-value 1).
 */
export function chiSquare(countsA: readonly number[], countsB: readonly number[]): ChiSquareResult {
  const nA = countsA.reduce((s, c) => s + c, 0);
  const nB = countsB.reduce((s, c) => s + c, 0);
  const n = nA + nB;
  let stat = 0;
  let k = 0;
  for (let i = 0; i < countsA.length; i++) {
    const total = countsA[i] + countsB[i];
    if (total === 0) continue;
    k++;
    const eA = (total * nA) / n;
    const eB = (total * nB) / n;
    stat += (countsA[i] - eA) ** 2 / eA + (countsB[i] - eB) ** 2 / eB;
  }
  if (k < 2 || nA === 0 || nB === 0) return { statistic: 0, dof: Math.max(k - 1, 0), pValue: 1, cramersV: 0 };
  const dof = k - 1;
  return { statistic: stat, dof, pValue: chiSquareSurvival(stat, dof), cramersV: Math.sqrt(stat / n) };
}

/** P(X ≥ x) for X ~ χ²(dof): the regularized upper gamma Q(dof/2, x/2). */
export function chiSquareSurvival(x: number, dof: number): number {
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const GAMMA_EPS = 1e-15;
const GAMMA_MAX_ITER = 10_000;
const TINY = 1e-300;

/**
 * Regularized lower incomplete gamma P(a, x): its series where it converges
 * fast (x < a + 1), else 1 − Q from the continued fraction (Numerical
 * Recipes §6.2), so neither side loses digits to cancellation.
 */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed directly in the tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < GAMMA_MAX_ITER; n++) {
    ap++;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * GAMMA_EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by the modified Lentz continued fraction. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < GAMMA_MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < GAMMA_EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** A measure with its verdict. */
export function measure(value: number, verdict: (v: number) => DriftVerdict): DriftMeasure {
  return { value, verdict: verdict(value) };
}
