/**
 * Area under the ROC curve for binary labels, equal to scikit-learn's
 * roc_auc_score: the Mann–Whitney statistic with tied scores counted as
 * half (the trapezoid over tied thresholds). NaN when only one class is
 * present (scikit-learn raises).
 * @param positive 1 where the row belongs to the positive class.
 */
export function rocAuc(positive: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = positive.length;
  if (scores.length !== n) throw new Error(`rocAuc: ${n} labels but ${scores.length} scores.`);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && scores[order[j]] === scores[order[i]]) j++;
    // Ranks i+1..j share their average.
    const avgRank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) {
      if (positive[order[t]] === 1) {
        nPos++;
        rankSum += avgRank;
      }
    }
    i = j;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
