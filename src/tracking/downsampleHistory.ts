/**
 * Min/max downsampling of a history already in memory (a remote series read
 * whole): the store's rule (src/store/downsample.ts) without SQL. The step
 * range splits into ⌊maxPoints/4⌋ buckets of equal width and each keeps its
 * first, last, smallest and largest point, so spikes survive.
 */
import type { DownsampledMetric } from '../store/downsample';
import type { MetricHistory } from '../store/types';

export function downsampleHistory(h: MetricHistory, maxPoints: number): DownsampledMetric {
  const n = h.values.length;
  if (n <= maxPoints || n === 0) return { ...h, downsampled: false };
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const lo = h.steps[0]!;
  const hi = h.steps[n - 1]!;
  const width = (hi + 1 - lo) / buckets;
  const keep: number[] = [];
  let i = 0;
  while (i < n) {
    const b = Math.min(buckets - 1, Math.floor((h.steps[i]! - lo) / width));
    const first = i;
    let min = -1;
    let max = -1;
    while (i < n && Math.min(buckets - 1, Math.floor((h.steps[i]! - lo) / width)) === b) {
      const v = h.values[i]!;
      if (!Number.isNaN(v)) {
        if (min < 0 || v < h.values[min]!) min = i;
        if (max < 0 || v > h.values[max]!) max = i;
      }
      i++;
    }
    // Indexes in step order: first ≤ min, max ≤ last; a Set drops the repeats.
    keep.push(...[...new Set([first, min, max, i - 1].filter((x) => x >= 0))].sort((a, b) => a - b));
  }
  return {
    steps: Float64Array.from(keep, (k) => h.steps[k]!),
    timestamps: Float64Array.from(keep, (k) => h.timestamps[k]!),
    values: Float64Array.from(keep, (k) => h.values[k]!),
    downsampled: true,
  };
}
