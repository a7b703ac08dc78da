/** Small column statistics shared by cleaning, scaling and fingerprints. */

/** The finite values of a numeric column (NaN is missing; ±Infinity is left out of statistics). */
export function finiteValues(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out[k++] = values[i];
  return out;
}

/** Arithmetic mean; NaN when empty. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/**
 * Standard deviation by two passes around the mean. `ddof` 0 is the
 * population std (sklearn's StandardScaler), 1 the sample std (pandas'
 * describe). NaN when there are not more than `ddof` values.
 */
export function std(values: ArrayLike<number>, ddof: 0 | 1, m = mean(values)): number {
  const n = values.length;
  if (n <= ddof) return NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (n - ddof));
}

/** Sorted copy (ascending). */
export function sorted(values: Float64Array): Float64Array {
  return values.slice().sort();
}

/** Quantile of sorted values with linear interpolation (numpy's default method); NaN when empty. */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const t = pos - lo;
  const a = s[lo];
  const b = s[hi];
  // numpy's lerp: exact at both ends.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** Most frequent finite value; ties go to the smallest (as sklearn's SimpleImputer does). NaN when empty. */
export function numericMode(values: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let best = NaN;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Counts of non-null strings. */
export function countStrings(values: readonly (string | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Most frequent string; ties go to the lexicographically smallest. Null when there is none. */
export function stringMode(values: readonly (string | null)[]): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [v, c] of countStrings(values)) {
    if (c > bestCount || (c === bestCount && best !== null && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Compares like numpy sorts strings for the cases that matter here (UTF-16 code units). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
