import type { CompareRun, SeriesPayload } from '../../protocol/compare';
import type { DownsampledMetric } from '../../store/downsample';
import type { StepRange } from '../../store/types';
import type { StoreForRun } from './compareStore';

/** Typed arrays → JSON-safe arrays; timestamps relative to the run's t0. */
export function toSeriesPayload(run: Pick<CompareRun, 'id' | 't0'>, key: string, d: DownsampledMetric, count: number): SeriesPayload {
  const n = d.steps.length;
  const steps = new Array<number>(n);
  const values = new Array<number | null>(n);
  const t = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    steps[i] = d.steps[i];
    const v = d.values[i];
    values[i] = Number.isFinite(v) ? v : null;
    t[i] = d.timestamps[i] - run.t0;
  }
  return { runId: run.id, key, steps, values, t, downsampled: d.downsampled, count };
}

/**
 * One metric's curves for some runs, min/max downsampled by the store to
 * about `maxPoints` each (the whole history never leaves the host). With a
 * range, only points inside it, denser for the same budget.
 */
export function collectSeries(
  storeForRun: StoreForRun,
  runs: readonly Pick<CompareRun, 'id' | 't0'>[],
  key: string,
  maxPoints: number,
  counts: (runId: string) => number | undefined,
  range: StepRange = {},
): SeriesPayload[] {
  const out: SeriesPayload[] = [];
  for (const run of runs) {
    const count = counts(run.id);
    if (!count) continue;
    const store = storeForRun(run.id);
    if (!store) continue;
    out.push(toSeriesPayload(run, key, store.downsampleMetric(run.id, key, maxPoints, range), count));
  }
  return out;
}
