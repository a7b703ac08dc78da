/** One cumulative bucket of a Prometheus histogram: observations ≤ `le`. */
export interface Bucket {
  readonly le: number;
  readonly count: number;
}

/**
 * The q-quantile of a cumulative histogram, estimated as Prometheus'
 * `histogram_quantile` does: find the bucket holding the rank q·n and
 * interpolate linearly inside it, the first bucket starting at 0 (unless its
 * bound is ≤ 0); a rank in the +Inf bucket answers the largest finite bound.
 * NaN when there are no observations or no +Inf bucket.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted[sorted.length - 1].le !== Infinity) return NaN;
  // Counts from a scrape taken mid-update can dip; Prometheus makes them monotonic the same way.
  const counts: number[] = [];
  let max = 0;
  for (const b of sorted) counts.push((max = Math.max(max, b.count)));
  const n = counts[counts.length - 1];
  if (n === 0) return NaN;
  let rank = q * n;
  let b = counts.findIndex((c) => c >= rank);
  if (b === sorted.length - 1) return sorted[sorted.length - 2].le;
  if (b === 0 && sorted[0].le <= 0) return sorted[0].le;
  if (b < 0) b = sorted.length - 1;
  let start = 0;
  let count = counts[b];
  if (b > 0) {
    start = sorted[b - 1].le;
    count -= counts[b - 1];
    rank -= counts[b - 1];
  }
  return start + (sorted[b].le - start) * (rank / count);
}

/** The buckets observed between two scrapes (later minus earlier, per bound). */
export function bucketDelta(later: readonly Bucket[], earlier: readonly Bucket[]): Bucket[] {
  const before = new Map(earlier.map((b) => [b.le, b.count]));
  return later.map((b) => ({ le: b.le, count: Math.max(0, b.count - (before.get(b.le) ?? 0)) }));
}
