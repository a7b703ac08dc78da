import type { SliceColumnView, SliceDisparityView, SliceGroupView, SliceReportView } from '../../protocol/compare';

/**
 * `slices.json` (src/core/evaluation/slices/sliceReport.ts) as the compare
 * panel, the CLI and the report show it. Import-free apart from protocol
 * types, so the page uses the labels too. The file is data any process may
 * have written: every field is checked, anything malformed is dropped.
 */

/** The note a small group carries wherever it is shown. */
export const SMALL_GROUP_TEXT = 'small group: unreliable';

/** Group metrics in display order, per kind of report. */
const BINARY = ['accuracy', 'precision', 'recall', 'selection_rate', 'false_positive_rate', 'false_negative_rate'];
const MULTICLASS = ['accuracy', 'precision_macro', 'recall_macro'];
const REGRESSION = ['mse', 'mae', 'mean_prediction'];

/** Short column headings for the group metrics. */
export const SLICE_METRIC_LABELS: Readonly<Record<string, string>> = {
  accuracy: 'accuracy',
  precision: 'precision',
  recall: 'recall (TPR)',
  selection_rate: 'selection rate',
  false_positive_rate: 'FPR',
  false_negative_rate: 'FNR',
  precision_macro: 'precision (macro)',
  recall_macro: 'recall (macro)',
  mse: 'MSE',
  mae: 'MAE',
  mean_prediction: 'mean prediction',
};

/** The group metric a disparity is the spread of (equalized odds: of recall and FPR, the larger). */
export const DISPARITY_OF: Readonly<Record<string, readonly string[]>> = {
  accuracy_gap: ['accuracy'],
  demographic_parity_difference: ['selection_rate'],
  equalized_odds_difference: ['recall', 'false_positive_rate'],
  mae_gap: ['mae'],
};

/** Columns and groups beyond these are not shown (the worker refuses more than 50 groups anyway). */
const MAX_COLUMNS = 20;
const MAX_GROUPS = 60;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** `slices.json` → the view, or undefined when it is not one. */
export function parseSliceReport(runId: string, json: unknown): SliceReportView | undefined {
  if (!isRecord(json) || !Array.isArray(json.columns)) return undefined;
  const task = json.task === 'regression' ? 'regression' : json.task === 'classification' ? 'classification' : undefined;
  if (!task) return undefined;
  const metrics = task === 'regression' ? REGRESSION : json.binary === true ? BINARY : MULTICLASS;
  const columns = json.columns.slice(0, MAX_COLUMNS).map((c) => parseColumn(c, metrics)).filter((c): c is SliceColumnView => c !== undefined);
  if (columns.length === 0) return undefined;
  const min = finiteOrNull(json.minGroupSize);
  return {
    runId,
    task,
    ...(typeof json.positive === 'string' ? { positive: json.positive } : {}),
    minGroupSize: min ?? 30,
    metrics,
    columns,
  };
}

function parseColumn(c: unknown, metrics: readonly string[]): SliceColumnView | undefined {
  if (!isRecord(c) || typeof c.column !== 'string' || !Array.isArray(c.groups)) return undefined;
  const groups = c.groups.slice(0, MAX_GROUPS).filter(isRecord).map((g): SliceGroupView | undefined => {
    const count = finiteOrNull(g.count);
    if (typeof g.group !== 'string' || count === null) return undefined;
    const m = isRecord(g.metrics) ? g.metrics : {};
    return { group: g.group, count, small: g.small === true, metrics: Object.fromEntries(metrics.map((k) => [k, finiteOrNull(m[k])])) };
  }).filter((g): g is SliceGroupView => g !== undefined);
  if (groups.length === 0) return undefined;
  const key = typeof c.metricKey === 'string' ? c.metricKey : c.column.replace(/[^A-Za-z0-9_]/g, '_');
  const d = isRecord(c.disparities) ? c.disparities : {};
  const disparities = Object.keys(DISPARITY_OF).filter((name) => name in d)
    .map((name): SliceDisparityView => ({ name, metricKey: `slice_${key}_${name}`, value: finiteOrNull(d[name]) }));
  return { column: c.column, groups, disparities };
}

/** For each group metric, the groups holding its largest and smallest value (the ends of the gap). */
export function gapEnds(column: SliceColumnView, metric: string): { readonly max: number; readonly min: number } | undefined {
  let max = -1;
  let min = -1;
  column.groups.forEach((g, i) => {
    const v = g.metrics[metric];
    if (v === null || v === undefined) return;
    if (max < 0 || v > (column.groups[max].metrics[metric] as number)) max = i;
    if (min < 0 || v < (column.groups[min].metrics[metric] as number)) min = i;
  });
  return max < 0 ? undefined : { max, min };
}
