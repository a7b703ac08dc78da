/**
 * Which points of a server's metric history a local series lacks. MLflow
 * returns a history in no particular order (its SQL store has no ORDER BY)
 * and keeps a point once per (step, timestamp, value), so the comparison is
 * by content: the server's points minus the local ones, as multisets.
 */
import type { WireMetric } from '../../mlflow/client/mlflowWire';
import type { MetricHistory } from '../../store/types';

/** One point, as the comparison keys it (NaN, ±Infinity and -0 spelled apart). */
function pointKey(step: number, timestamp: number, value: number): string {
  return `${step}|${timestamp}|${Object.is(value, -0) ? '-0' : String(value)}`;
}

/** How a server's history and a local series differ. */
export interface SeriesDiff {
  /** The server's points the local series lacks, in logging order (see {@link newPoints}). */
  readonly fresh: WireMetric[];
  /** Local points the server does not have (logged here and not pushed, or duplicates MLflow keeps once). */
  readonly localOnly: number;
}

export function diffSeries(remote: readonly WireMetric[], local: MetricHistory): SeriesDiff {
  const have = counts(local);
  const fresh = take(remote, have);
  let localOnly = 0;
  for (const n of have.values()) localOnly += n;
  return { fresh: fresh.sort(loggingOrder), localOnly };
}

function counts(local: MetricHistory): Map<string, number> {
  const have = new Map<string, number>();
  for (let i = 0; i < local.values.length; i++) {
    const k = pointKey(local.steps[i]!, local.timestamps[i]!, local.values[i]!);
    have.set(k, (have.get(k) ?? 0) + 1);
  }
  return have;
}

/** The points of `remote` not matched in `have` (which loses what is matched). */
function take(remote: readonly WireMetric[], have: Map<string, number>): WireMetric[] {
  const out: WireMetric[] = [];
  for (const p of remote) {
    const k = pointKey(p.step, p.timestamp, p.value);
    const n = have.get(k) ?? 0;
    if (n > 1) have.set(k, n - 1);
    else if (n === 1) have.delete(k);
    else out.push(p);
  }
  return out;
}

/**
 * The server's points the local series does not have, each as often as the
 * server has it more often, in logging order: by timestamp, then step, then
 * value (the last point of a step is then the one MLflow calls latest).
 */
export function newPoints(remote: readonly WireMetric[], local: MetricHistory): WireMetric[] {
  return diffSeries(remote, local).fresh;
}

/** Timestamp, then step, then value (NaN last). */
export function loggingOrder(a: WireMetric, b: WireMetric): number {
  return a.timestamp - b.timestamp || a.step - b.step || valueOrder(a.value, b.value);
}

function valueOrder(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a < b ? -1 : a > b ? 1 : 0;
}
