import type { SweepGoal } from './sweepMetric';

/** One row of a sweep's summary: a trial, its swept params and its metric. */
export interface SweepTrialRow {
  readonly id: string;
  readonly name: string;
  /** 1-based trial number, in plan order. */
  readonly index: number;
  readonly status: 'queued' | 'running' | 'finished' | 'failed' | 'killed';
  /** Dotted config path → value, as swept. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The sweep metric; null when the trial has none (not finished, or no such metric). */
  readonly value: number | null;
  readonly error?: string;
}

/**
 * The artifact `sweep_summary.json`:
 *
 * ```json
 * {
 *   "metric": "test_accuracy", "goal": "maximize", "best": "<run id>",
 *   "params": ["model.params.max_depth", "model.params.criterion"],
 *   "trials": [{ "id": "…", "name": "…", "index": 3, "status": "finished",
 *                "params": { "model.params.max_depth": 4, "model.params.criterion": "gini" },
 *                "value": 0.967 }, …]
 * }
 * ```
 * `trials` is sorted by `value`, best first (see `sortTrials`); `error` is
 * present on failed trials; `best` is null when no trial has the metric.
 */
export interface SweepSummary {
  readonly metric: string;
  readonly goal: SweepGoal;
  readonly best: string | null;
  readonly params: readonly string[];
  readonly trials: readonly SweepTrialRow[];
}

/**
 * Trials best first: those with a metric value by goal (ties: lower trial
 * number), then those without one by trial number.
 */
export function sortTrials(rows: readonly SweepTrialRow[], goal: SweepGoal): SweepTrialRow[] {
  const has = (r: SweepTrialRow) => r.value !== null && !Number.isNaN(r.value);
  return [...rows].sort((a, b) => {
    if (has(a) !== has(b)) return has(a) ? -1 : 1;
    if (has(a) && a.value !== b.value) return goal === 'maximize' ? b.value! - a.value! : a.value! - b.value!;
    return a.index - b.index;
  });
}

export function sweepSummary(rows: readonly SweepTrialRow[], metric: string, goal: SweepGoal, paramKeys: readonly string[]): SweepSummary {
  const trials = sortTrials(rows, goal);
  const top = trials[0];
  return { metric, goal, best: top && top.value !== null && !Number.isNaN(top.value) ? top.id : null, params: paramKeys, trials };
}

/**
 * `sweep_summary.csv`: header `run_id,name,status,<param paths…>,<metric>,error`,
 * one row per trial in summary order. Values as JSON for lists and objects,
 * fields quoted when needed (RFC 4180).
 */
export function summaryCsv(summary: SweepSummary): string {
  const header = ['run_id', 'name', 'status', ...summary.params, summary.metric, 'error'];
  const lines = [header, ...summary.trials.map((t) => [
    t.id, t.name, t.status,
    ...summary.params.map((p) => cell(t.params[p])),
    t.value === null ? '' : String(t.value),
    t.error ?? '',
  ])];
  return lines.map((l) => l.map(quote).join(',')).join('\n') + '\n';
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
