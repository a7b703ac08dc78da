import type { ColumnStats } from '../../core/data/fingerprint';
import { measure, psiFromCounts, psiVerdict, worstVerdict } from '../../core/datasetDiff/drift';
import type { DriftMeasure, DriftVerdict } from '../../core/datasetDiff/types';

/** Live values of one input column; null is a missing value. */
export type LiveValues = readonly (number | string | boolean | null)[];

/** Fewer live values than this and the PSI is flagged as noisy. */
export const MIN_LIVE_VALUES = 100;
/** Fewer logged rows than this in the window and the monitor gives no drift verdict at all. */
export const MIN_DRIFT_ROWS = 100;

export interface FeatureDrift {
  readonly feature: string;
  readonly type: ColumnStats['type'];
  /** Non-missing live values compared. */
  readonly live: number;
  /** Missing live values (left out of the PSI). */
  readonly missing: number;
  /** Null when there was nothing to compare (no live values, or no usable baseline statistics). */
  readonly psi: DriftMeasure | null;
  /** Why the PSI is missing or should be read with care. */
  readonly note?: string;
}

export interface InputDrift {
  /** Live rows in the window. */
  readonly rows: number;
  readonly features: FeatureDrift[];
  /** The worst verdict over the features. */
  readonly verdict: DriftVerdict;
  /** One line per feature with large drift (the warning list). */
  readonly warnings: string[];
}

/**
 * Live inputs against the training dataset's fingerprint, per feature, with
 * the dataset diff's PSI and thresholds. Numeric features are binned on the
 * baseline histogram's edges (values outside them fall into the first or
 * last bin); categorical ones on the baseline's top categories plus "other";
 * booleans on true/false.
 *
 * @param baseline the fingerprint's per-column statistics
 * @param baselineRows the fingerprint's row count (gives the "other" share of categories)
 * @param live column → values of the live window; `features` lists the columns to compare
 */
export function inputDrift(baseline: readonly ColumnStats[], baselineRows: number, features: readonly string[],
  live: Readonly<Record<string, LiveValues>>, rows: number): InputDrift {
  const out = features.map((f): FeatureDrift => {
    const stats = baseline.find((s) => s.name === f);
    const values = live[f] ?? [];
    const missing = values.filter((v) => v === null).length;
    const present = values.length - missing;
    if (!stats) return { feature: f, type: 'numeric', live: present, missing, psi: null, note: 'not in the training dataset\'s statistics' };
    const base = { feature: f, type: stats.type, live: present, missing };
    if (present === 0) return { ...base, psi: null, note: 'no live values yet' };
    const counts = baselineAndLiveCounts(stats, baselineRows, values);
    if (typeof counts === 'string') return { ...base, psi: null, note: counts };
    const psi = measure(psiFromCounts(counts.baseline, counts.live), psiVerdict);
    return present < MIN_LIVE_VALUES ? { ...base, psi, note: `only ${present} live values; the PSI is noisy` } : { ...base, psi };
  });
  const verdict = worstVerdict(out.flatMap((d) => (d.psi ? [d.psi.verdict] : [])));
  const warnings = out.filter((d) => d.psi?.verdict === 'large')
    .map((d) => `${d.feature}: large drift (PSI ${d.psi!.value.toFixed(3)} over ${d.live} live values)`);
  return { rows, features: out, verdict, warnings };
}

/** Counts over the same bins, or why they cannot be made. */
function baselineAndLiveCounts(stats: ColumnStats, baselineRows: number, values: LiveValues): { baseline: number[]; live: number[] } | string {
  if (stats.type === 'numeric') {
    const { edges, counts } = stats.histogram;
    if (counts.length === 0) return 'the training column has no finite values';
    const live = new Array<number>(counts.length).fill(0);
    for (const v of values) {
      if (v === null) continue;
      const x = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : Number.NaN;
      if (!Number.isFinite(x)) return `live value ${JSON.stringify(v)} is not a number`;
      live[histogramBin(edges, x)]++;
    }
    return { baseline: counts, live };
  }
  if (stats.type === 'boolean') {
    const live = [0, 0];
    for (const v of values) if (v !== null) live[v === true || v === 1 || v === 'true' ? 0 : 1]++;
    return { baseline: [stats.true, stats.false], live };
  }
  const index = new Map(stats.top.map((t, i) => [t.value, i]));
  const topTotal = stats.top.reduce((s, t) => s + t.count, 0);
  const other = Math.max(0, baselineRows - stats.missing - topTotal);
  const live = new Array<number>(stats.top.length + 1).fill(0);
  for (const v of values) if (v !== null) live[index.get(String(v)) ?? stats.top.length]++;
  return { baseline: [...stats.top.map((t) => t.count), other], live };
}

/**
 * The bin of `x` among numpy.histogram edges (last bin closed), clamping
 * values outside [first edge, last edge] into the edge bins.
 */
export function histogramBin(edges: readonly number[], x: number): number {
  const bins = edges.length - 1;
  if (x <= edges[0]) return 0;
  if (x >= edges[bins]) return bins - 1;
  let lo = 0;
  let hi = bins - 1;
  // The last k with edges[k] <= x.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
