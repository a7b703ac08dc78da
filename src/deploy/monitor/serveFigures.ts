import { bucketDelta, histogramQuantile } from './histogramQuantile';
import type { Bucket } from './histogramQuantile';
import { select } from './prometheusText';
import type { ParsedMetrics } from './prometheusText';

/** Scoring traffic between two scrapes of the model server's `/metrics`. */
export interface ServeFigures {
  readonly seconds: number;
  /** `/invocations` requests in the interval (other paths, such as the scrapes themselves, are left out). */
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Non-2xx share of the interval's requests; null without requests. */
  readonly errorRate: number | null;
  /** Latency quantiles in milliseconds over the interval; null without requests. */
  readonly latencyMs: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
  /** Since the server started. */
  readonly totalRequests: number;
  readonly totalErrors: number;
  readonly uptimeSeconds: number | null;
  /** From `runlens_serve_model_info`. */
  readonly model: { readonly runId: string; readonly task: string; readonly modelType: string } | null;
}

const REQUESTS = 'runlens_serve_requests_total';
const LATENCY = 'runlens_serve_request_duration_seconds_bucket';
const PATH = { path: '/invocations' };

/** One scrape with the time it was taken. */
export interface Scrape {
  readonly at: number;
  readonly metrics: ParsedMetrics;
}

/**
 * Figures between two scrapes. Counters are subtracted; a counter or the
 * uptime going down means the server restarted, and then the later scrape
 * alone counts.
 */
export function serveFigures(earlier: Scrape, later: Scrape): ServeFigures {
  const seconds = Math.max((later.at - earlier.at) / 1000, 1e-9);
  const uptime = (m: ParsedMetrics): number | undefined => select(m, 'runlens_serve_uptime_seconds')[0]?.value;
  const restarted = requestTotals(later.metrics).all < requestTotals(earlier.metrics).all
    || (uptime(later.metrics) ?? Infinity) < (uptime(earlier.metrics) ?? 0);
  const base = restarted ? requestTotals({ samples: [], types: new Map(), help: new Map() }) : requestTotals(earlier.metrics);
  const now = requestTotals(later.metrics);
  const requests = now.all - base.all;
  const errors = now.errors - base.errors;
  const buckets = restarted ? latencyBuckets(later.metrics) : bucketDelta(latencyBuckets(later.metrics), latencyBuckets(earlier.metrics));
  const quantile = (q: number): number | null => {
    const v = histogramQuantile(q, buckets);
    return Number.isNaN(v) ? null : v * 1000;
  };
  const info = select(later.metrics, 'runlens_serve_model_info')[0];
  return {
    seconds,
    requests,
    requestsPerSecond: requests / seconds,
    errorRate: requests > 0 ? errors / requests : null,
    latencyMs: requests > 0 ? { p50: quantile(0.5), p95: quantile(0.95), p99: quantile(0.99) } : { p50: null, p95: null, p99: null },
    totalRequests: now.all,
    totalErrors: now.errors,
    uptimeSeconds: uptime(later.metrics) ?? null,
    model: info ? { runId: info.labels.run_id ?? '', task: info.labels.task ?? '', modelType: info.labels.model_type ?? '' } : null,
  };
}

function requestTotals(m: ParsedMetrics): { all: number; errors: number } {
  let all = 0;
  let errors = 0;
  for (const s of select(m, REQUESTS, PATH)) {
    all += s.value;
    const status = Number(s.labels.status);
    if (!(status >= 200 && status < 300)) errors += s.value;
  }
  return { all, errors };
}

function latencyBuckets(m: ParsedMetrics): Bucket[] {
  return select(m, LATENCY, PATH).map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value }));
}
