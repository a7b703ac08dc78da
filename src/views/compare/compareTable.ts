import type { TableRow } from '../../protocol/compare';
import type { MetricSummary, RunInput, RunRecord } from '../../store/types';
import { formatElapsed } from '../runPresentation';
import { bestIndices, metricDirection } from './metricDirection';
import { isSystemMetric, isSystemSummary } from '../../core/metrics/systemMetricNames';

/** What the table needs of one run, read once per collect. */
export interface RunTableInput {
  readonly run: RunRecord;
  readonly params: Readonly<Record<string, string>>;
  readonly summaries: readonly MetricSummary[];
  readonly inputs: readonly RunInput[];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local `YYYY-MM-DD HH:MM:SS`: sortable and short, unlike toLocaleString. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function differs(values: readonly (string | null)[]): boolean {
  return values.some((v) => v !== values[0]);
}

function textRow(group: TableRow['group'], key: string, values: (string | null)[]): TableRow {
  return { group, key, values, differs: differs(values) };
}

function sortedKeys(objects: readonly Readonly<Record<string, unknown>>[]): string[] {
  return [...new Set(objects.flatMap((o) => Object.keys(o)))].sort((a, b) => a.localeCompare(b));
}

function runRows(runs: readonly RunTableInput[]): TableRow[] {
  const col = (f: (r: RunRecord) => string | null) => runs.map((x) => f(x.run));
  return [
    textRow('run', 'experiment', col((r) => r.experiment)),
    textRow('run', 'status', col((r) => r.status)),
    textRow('run', 'started', col((r) => (r.startedAt ? formatTimestamp(r.startedAt) : null))),
    textRow('run', 'duration', col((r) => (r.startedAt && r.endedAt ? formatElapsed(r.endedAt - r.startedAt) : null))),
    textRow('run', 'git commit', col((r) => (r.gitCommit ? `${r.gitCommit.slice(0, 10)}${r.gitDirty ? ' (dirty)' : ''}` : null))),
  ];
}

function dataRows(runs: readonly RunTableInput[]): TableRow[] {
  const roles = [...new Set(runs.flatMap((r) => r.inputs.map((i) => i.role)))].sort();
  return roles.map((role) =>
    textRow(
      'data',
      `${role} data`,
      runs.map((r) => {
        const list = r.inputs.filter((i) => i.role === role).map((i) => `${i.path} (${i.fingerprint.slice(0, 8)})`);
        return list.length ? list.join(', ') : null;
      }),
    ),
  );
}

function metricRows(runs: readonly RunTableInput[], chartKeys: ReadonlySet<string>): TableRow[] {
  const byRun = runs.map((r) => new Map(r.summaries.filter((s) => s.count > 0).map((s) => [s.key, s.latest])));
  // System series (CPU, memory… sampled over time) are charted in the System section; their summaries (peak memory, mean CPU) stay as rows.
  const keys = [...new Set(byRun.flatMap((m) => [...m.keys()]))]
    .filter((k) => !isSystemMetric(k) || isSystemSummary(k))
    .sort((a, b) => a.localeCompare(b));
  return keys.map((key) => {
    const latest = byRun.map((m) => m.get(key));
    const values = latest.map((v) => (v === undefined ? null : String(v)));
    const numbers = latest.map((v) => (v === undefined || !Number.isFinite(v) ? null : v));
    const direction = metricDirection(key);
    const row: TableRow = {
      group: 'metric',
      key,
      values,
      differs: differs(values),
      numbers,
      best: runs.length > 1 ? bestIndices(numbers, direction) : [],
      charted: chartKeys.has(key),
      ...(direction ? { direction } : {}),
    };
    return row;
  });
}

/** Metric keys logged at more than one point by at least one run: each gets a chart. */
export function chartKeysOf(runs: readonly Pick<RunTableInput, 'summaries'>[]): string[] {
  const keys = new Set<string>();
  for (const r of runs) for (const s of r.summaries) if (s.count > 1) keys.add(s.key);
  return [...keys].sort((a, b) => a.localeCompare(b));
}

/**
 * The comparison table, one column per run: run attributes, params, dataset
 * inputs, then the latest value of every metric with the best marked.
 * Params are text in the store, so "differs" is a text comparison.
 */
export function buildCompareTable(runs: readonly RunTableInput[], chartKeys: readonly string[]): TableRow[] {
  const params = sortedKeys(runs.map((r) => r.params)).map((key) =>
    textRow('param', key, runs.map((r) => (Object.hasOwn(r.params, key) ? r.params[key] : null))),
  );
  return [...runRows(runs), ...params, ...dataRows(runs), ...metricRows(runs, new Set(chartKeys))];
}
