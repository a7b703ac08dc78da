import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chiSquare, chiSquareSurvival, effectVerdict, ksStatistic, logGamma, numericPsi, psiFromCounts, psiVerdict,
  regularizedGammaP, regularizedGammaQ,
} from './drift';

function close(actual: number, expected: number, rel = 1e-10): void {
  const tol = rel * Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected} (rel ${rel})`);
}

const sortedF64 = (xs: number[]): Float64Array => Float64Array.from(xs).sort();

test('logGamma matches known values', () => {
  assert.ok(Math.abs(logGamma(1)) < 1e-14);
  close(logGamma(5), Math.log(24), 1e-13);
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13);
  close(logGamma(100.5), 361.4355404677776, 1e-13); // lgamma(100.5), Python's math.lgamma
});

test('regularized gamma matches scipy.special.gammaincc / gammainc', () => {
  // Values computed with scipy 1.10.1 (Debian /usr/bin/python3).
  const cases: [number, number, number, number][] = [
    [0.5, 0.1, 0.6547208460185768, 0.34527915398142317],
    [1, 1, 0.36787944117144245, 0.6321205588285577],
    [2.5, 3, 0.30621891841327875, 0.6937810815867212],
    [10, 5, 0.9681719426937951, 0.03182805730620481],
    [10, 20, 0.0049954123083075785, 0.9950045876916924],
    [50, 60, 0.08440668109369177, 0.9155933189063082],
    [0.5, 30, 9.485737571073857e-15, 0.9999999999999906],
  ];
  for (const [a, x, q, p] of cases) {
    close(regularizedGammaQ(a, x), q, 1e-9);
    close(regularizedGammaP(a, x), p, 1e-9);
  }
});

test('chi-square survival matches scipy.stats.chi2.sf', () => {
  // scipy 1.10.1 values.
  close(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-9);
  close(chiSquareSurvival(10, 3), 0.01856613546304325, 1e-9);
  close(chiSquareSurvival(100, 50), 3.454931382984871e-05, 1e-9);
  close(chiSquareSurvival(0.5, 4), 0.9735009788392561, 1e-9);
  assert.equal(chiSquareSurvival(0, 3), 1);
});

test('chi-square homogeneity matches scipy.stats.chi2_contingency(correction=False)', () => {
  // chi2_contingency([[30,50,20],[45,35,20]], correction=False) -> 5.647058823529411, p 0.05939593960520477, dof 2.
  const r = chiSquare([30, 50, 20], [45, 35, 20]);
  close(r.statistic, 5.647058823529411, 1e-12);
  close(r.pValue, 0.05939593960520477, 1e-9);
  assert.equal(r.dof, 2);
  close(r.cramersV, Math.sqrt(5.647058823529411 / 200), 1e-12);
  // A category absent from both is dropped, not counted in the degrees of freedom.
  assert.equal(chiSquare([30, 50, 20, 0], [45, 35, 20, 0]).dof, 2);
  assert.deepEqual(chiSquare([5], [7]), { statistic: 0, dof: 0, pValue: 1, cramersV: 0 });
});

test('KS statistic matches scipy.stats.ks_2samp', () => {
  // ks_2samp([1,2,2,3,4,5,6,7,8,9,10.5], [2,3,3,4,6,8,9,12,15]).statistic == 0.2222222222222222
  close(ksStatistic(sortedF64([1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10.5]), sortedF64([2, 3, 3, 4, 6, 8, 9, 12, 15])), 0.2222222222222222, 1e-12);
  assert.equal(ksStatistic(sortedF64([1, 2, 3]), sortedF64([3, 2, 1])), 0);
  assert.equal(ksStatistic(sortedF64([1, 2]), sortedF64([3, 4])), 1);
  // Ties across samples are stepped together: identical samples give 0, not 1/n.
  assert.equal(ksStatistic(sortedF64([1, 1, 1]), sortedF64([1, 1])), 0);
});

test('numeric PSI uses A deciles as right-closed bins (numpy reference)', () => {
  // numpy: edges = np.quantile(a, i/10), counts by searchsorted(side='left'), floor 1e-4 -> 1.8378788347592812
  const a = sortedF64(Array.from({ length: 20 }, (_, i) => i + 1));
  const b = sortedF64([1, 1, 2, 3, 5, 8, 13, 13, 14, 15, 16, 17, 18, 19, 20, 20, 20, 20, 21, 22]);
  close(numericPsi(a, b), 1.8378788347592812, 1e-12);
  assert.equal(numericPsi(a, a), 0);
});

test('categorical PSI floors empty bins at epsilon (hand computed)', () => {
  // pa = [.5,.3,.2,1e-4], pb = [.4,.3,.2,.1]: -0.1 ln(.8) + (0.1-1e-4) ln(1000) = 0.7123991075017365
  close(psiFromCounts([50, 30, 20, 0], [40, 30, 20, 10]), 0.7123991075017365, 1e-12);
});

test('verdict thresholds', () => {
  assert.deepEqual([0, 0.0999, 0.1, 0.2499, 0.25].map(psiVerdict), ['none', 'none', 'moderate', 'moderate', 'large']);
  assert.deepEqual([0.05, 0.1, 0.19, 0.2].map(effectVerdict), ['none', 'moderate', 'moderate', 'large']);
});
