import type { CompareRun, SeriesPayload } from '../../protocol/compare';
import type { DownsampledMetric } from '../../store/downsample';
import type { StepRange } from '../../store/types';
import type { SourceForRun } from './compareStore';
import { mapLimit } from './mapLimit';

/** Series read at once (a remote server answers each with one request). */
const CONCURRENCY = 6;

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
 * One metric's curves for some runs, downsampled by their source to about
 * `maxPoints` each (the whole history never leaves the host): min/max
 * buckets for the workspace store, the server's bulk-interval read for a
 * tracking server. With a range, only points inside it, denser for the same
 * budget. A run whose source fails is left out (logged), the others are sent.
 */
export async function collectSeries(
  sourceForRun: SourceForRun,
  runs: readonly Pick<CompareRun, 'id' | 't0'>[],
  key: string,
  maxPoints: number,
  counts: (runKey: string) => number | undefined,
  range: StepRange = {},
  log: (message: string) => void = () => {},
): Promise<SeriesPayload[]> {
  const wanted = runs.filter((r) => counts(r.id));
  const read = await mapLimit(wanted, CONCURRENCY, async (run) => {
    const at = sourceForRun(run.id);
    if (!at) return undefined;
    try {
      return toSeriesPayload(run, key, await at.source.downsampleMetric(at.runId, key, maxPoints, range), counts(run.id)!);
    } catch (e) {
      log(`compare: cannot read ${key} of run ${at.runId} from ${at.source.label}: ${(e as Error).message}`);
      return undefined;
    }
  });
  return read.filter((s): s is SeriesPayload => s !== undefined);
}
