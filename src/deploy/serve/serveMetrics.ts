import type { Frame } from '../../core/data/frame';
import { columnByName } from '../../core/data/frame';
import type { Prediction, ServingModelInfo } from './servingModel';

/** Request latency buckets in seconds (Prometheus client defaults). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Default buckets of predicted values (regression): a 1-2-5 scale over both signs. */
export const PREDICTION_BUCKETS = [
  -10000, -5000, -2000, -1000, -500, -200, -100, -50, -20, -10, -5, -2, -1, 0,
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000,
];

/** A cumulative histogram with fixed upper bounds. */
class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (v <= this.bounds[i]) this.counts[i]++;
  }

  lines(name: string, labels: string): string[] {
    const sep = labels ? `${labels},` : '';
    const out = this.bounds.map((b, i) => `${name}_bucket{${sep}le="${formatNumber(b)}"} ${this.counts[i]}`);
    out.push(`${name}_bucket{${sep}le="+Inf"} ${this.count}`);
    const suffix = labels ? `{${labels}}` : '';
    out.push(`${name}_sum${suffix} ${formatNumber(this.sum)}`, `${name}_count${suffix} ${this.count}`);
    return out;
  }
}

interface FeatureStats { count: number; sum: number; sumSquares: number }

/**
 * The server's Prometheus metrics, written in the text exposition format by
 * hand: it is a few lines, and a client library would be a dependency for
 * the sake of string formatting.
 */
export class ServeMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly classCounts = new Map<string, number>();
  private readonly predictionValues: Histogram;
  private readonly features = new Map<string, FeatureStats>();
  private readonly startedAt: number;

  constructor(private readonly info: ServingModelInfo, private readonly now: () => number = Date.now,
    predictionBuckets: readonly number[] = PREDICTION_BUCKETS) {
    this.startedAt = now();
    this.predictionValues = new Histogram(predictionBuckets);
    for (const c of info.classes ?? []) this.classCounts.set(String(c), 0);
    for (const f of info.numericInputs) this.features.set(f, { count: 0, sum: 0, sumSquares: 0 });
  }

  /** Counts a finished request; `path` must come from a bounded set (unknown paths are passed as "other"). */
  recordRequest(method: string, path: string, status: number, seconds: number): void {
    const key = labels({ method, path, status: String(status) });
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const pathKey = labels({ path });
    let h = this.latency.get(pathKey);
    if (!h) this.latency.set(pathKey, (h = new Histogram(LATENCY_BUCKETS)));
    h.observe(seconds);
  }

  recordPredictions(predictions: readonly Prediction[]): void {
    if (this.info.task === 'classification') {
      for (const p of predictions) this.classCounts.set(String(p), (this.classCounts.get(String(p)) ?? 0) + 1);
    } else {
      for (const p of predictions) this.predictionValues.observe(Number(p));
    }
  }

  /** Adds the non-missing values of the numeric input columns of a scored frame. */
  recordInputs(frame: Frame): void {
    for (const [name, stats] of this.features) {
      const col = columnByName(frame, name);
      if (!col) continue;
      for (let r = 0; r < frame.rows; r++) {
        const v = col.type === 'categorical' ? Number(col.values[r] ?? NaN) : col.values[r];
        if (!Number.isFinite(v)) continue;
        stats.count++;
        stats.sum += v;
        stats.sumSquares += v * v;
      }
    }
  }

  /** The exposition text (`text/plain; version=0.0.4`). */
  render(): string {
    const out: string[] = [];
    const { runId, task, modelType } = this.info;
    out.push('# HELP runlens_serve_model_info The model being served.', '# TYPE runlens_serve_model_info gauge',
      `runlens_serve_model_info{${labels({ run_id: runId, task, model_type: modelType })}} 1`);
    out.push('# HELP runlens_serve_uptime_seconds Seconds since the server started.', '# TYPE runlens_serve_uptime_seconds gauge',
      `runlens_serve_uptime_seconds ${formatNumber((this.now() - this.startedAt) / 1000)}`);
    out.push('# HELP runlens_serve_requests_total HTTP requests by method, path and status.', '# TYPE runlens_serve_requests_total counter');
    for (const [l, n] of this.requests) out.push(`runlens_serve_requests_total{${l}} ${n}`);
    out.push('# HELP runlens_serve_request_duration_seconds HTTP request latency.', '# TYPE runlens_serve_request_duration_seconds histogram');
    for (const [l, h] of this.latency) out.push(...h.lines('runlens_serve_request_duration_seconds', l));
    if (task === 'classification') {
      out.push('# HELP runlens_serve_predictions_total Predicted rows by class.', '# TYPE runlens_serve_predictions_total counter');
      for (const [c, n] of this.classCounts) out.push(`runlens_serve_predictions_total{${labels({ class: c })}} ${n}`);
    } else {
      out.push('# HELP runlens_serve_prediction_value Predicted values.', '# TYPE runlens_serve_prediction_value histogram');
      out.push(...this.predictionValues.lines('runlens_serve_prediction_value', ''));
    }
    const feature = (name: string, help: string, type: string, pick: (s: FeatureStats) => number): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [f, s] of this.features) out.push(`${name}{${labels({ feature: f })}} ${formatNumber(pick(s))}`);
    };
    feature('runlens_serve_feature_values_total', 'Non-missing values received per numeric input column.', 'counter', (s) => s.count);
    feature('runlens_serve_feature_sum', 'Sum of the values received per numeric input column.', 'gauge', (s) => s.sum);
    feature('runlens_serve_feature_sum_squares', 'Sum of the squared values received per numeric input column.', 'gauge', (s) => s.sumSquares);
    return `${out.join('\n')}\n`;
  }
}

function labels(obj: Record<string, string>): string {
  return Object.entries(obj).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
}

/** Label value escaping of the exposition format: backslash, double quote and line feed. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}
