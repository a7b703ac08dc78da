/** Points of one series in step order (the page's copy of a SeriesPayload's arrays). */
export interface SeriesPoints {
  readonly steps: readonly number[];
  readonly values: readonly (number | null)[];
  readonly t: readonly number[];
}

function slice(p: SeriesPoints, from: number, to: number): SeriesPoints {
  return { steps: p.steps.slice(from, to), values: p.values.slice(from, to), t: p.t.slice(from, to) };
}

/** First index whose step is ≥ `step` (binary search; steps are sorted). */
export function lowerBound(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The overview with its points inside `[minStep, maxStep]` replaced by the
 * denser points the host sent for that window, so a zoomed chart shows
 * detail inside the window and stays continuous when panned out.
 */
export function mergeWindow(overview: SeriesPoints, dense: SeriesPoints, minStep: number, maxStep: number): SeriesPoints {
  const before = slice(overview, 0, lowerBound(overview.steps, minStep));
  const inside = slice(dense, lowerBound(dense.steps, minStep), upperBound(dense.steps, maxStep));
  const after = slice(overview, upperBound(overview.steps, maxStep), overview.steps.length);
  return {
    steps: [...before.steps, ...inside.steps, ...after.steps],
    values: [...before.values, ...inside.values, ...after.values],
    t: [...before.t, ...inside.t, ...after.t],
  };
}

/** First index whose step is > `step`. */
export function upperBound(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
