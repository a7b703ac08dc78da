import { confusionCounts, perClassScores } from '../../metrics/perClass';
import { meanOver, presentClasses } from '../../metrics/classificationMetrics';
import { DataError } from '../../data/dataError';
import type { SliceGrouping } from './sliceGroups';

/** Groups with fewer test rows than this are flagged, never hidden. */
export const MIN_RELIABLE_GROUP = 30;
export const SMALL_GROUP_NOTE = 'small group: unreliable';

/** `slices.json`: the test split's metrics per group of each slice column. */
export interface SliceReport {
  readonly split: 'test';
  readonly task: 'classification' | 'regression';
  /** Two classes: the group metrics are of the positive class. */
  readonly binary: boolean;
  /** The positive class as written in the data (binary classification). */
  readonly positive?: string;
  readonly minGroupSize: number;
  readonly columns: readonly SliceColumnReport[];
}

export interface SliceColumnReport {
  readonly column: string;
  /** The column as it appears in metric names: `slice_<metricKey>_…`. */
  readonly metricKey: string;
  readonly bins?: number;
  readonly edges?: readonly number[];
  readonly groups: readonly SliceGroupReport[];
  /** Largest minus smallest group value (Fairlearn's `MetricFrame.difference(method='between_groups')`). */
  readonly disparities: Readonly<Record<string, number>>;
}

export interface SliceGroupReport {
  readonly group: string;
  readonly count: number;
  /** True for fewer than `minGroupSize` rows; `note` then says so. */
  readonly small: boolean;
  readonly note?: string;
  /** Binary: accuracy, precision, recall, selection_rate, false_positive_rate, false_negative_rate. Multiclass: accuracy, precision_macro, recall_macro. Regression: mse, mae, mean_prediction. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** What the model got right and wrong on the test rows. */
export interface SliceOutcomes {
  readonly task: 'classification' | 'regression';
  readonly yTrue: ArrayLike<number>;
  readonly yPred: ArrayLike<number>;
  /** Classification: number of classes (y are class indices). */
  readonly nClasses?: number;
  /** Binary: the positive class index (default 1, as the run's own precision/recall). */
  readonly positiveIndex?: number;
  /** Binary: the positive class as written, for the report. */
  readonly positiveLabel?: string;
}

/**
 * The per-group metrics and disparities of every slice column. Rates follow
 * Fairlearn (which takes them from scikit-learn's confusion matrix): an
 * undefined ratio (no predicted or no actual positives in a group) is 0.
 */
export function sliceReport(groupings: readonly SliceGrouping[], outcomes: SliceOutcomes, minGroupSize = MIN_RELIABLE_GROUP): SliceReport {
  const binary = outcomes.task === 'classification' && outcomes.nClasses === 2;
  const keys = new Map<string, string>();
  const columns = groupings.map((g): SliceColumnReport => {
    const metricKey = sliceMetricKey(g.column);
    const clash = keys.get(metricKey);
    if (clash === g.column) throw new DataError(`evaluate.slices: "${g.column}" is sliced twice; slice a column once`);
    if (clash !== undefined) throw new DataError(`evaluate.slices: "${clash}" and "${g.column}" both log as slice_${metricKey}_…; rename one column`);
    keys.set(metricKey, g.column);
    const groups = g.labels.map((group, i): SliceGroupReport => {
      const rows = rowsOf(g.groupOf, i);
      const small = rows.length < minGroupSize;
      return { group, count: rows.length, small, ...(small ? { note: SMALL_GROUP_NOTE } : {}), metrics: groupMetrics(rows, outcomes) };
    });
    return { column: g.column, metricKey, ...(g.bins !== undefined ? { bins: g.bins, edges: g.edges } : {}), groups, disparities: disparities(groups, outcomes.task, binary) };
  });
  return {
    split: 'test',
    task: outcomes.task,
    binary,
    ...(binary && outcomes.positiveLabel !== undefined ? { positive: outcomes.positiveLabel } : {}),
    minGroupSize,
    columns,
  };
}

/** The metrics a gate reads: `slice_<col>_<disparity>` for every column. */
export function sliceMetrics(report: SliceReport): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of report.columns) for (const [name, v] of Object.entries(c.disparities)) out[`slice_${c.metricKey}_${name}`] = v;
  return out;
}

/** A column name as a bare metric-name part: anything but letters, digits and `_` becomes `_`. */
export function sliceMetricKey(column: string): string {
  return column.replace(/[^A-Za-z0-9_]/g, '_');
}

function rowsOf(groupOf: Int32Array, group: number): number[] {
  const rows: number[] = [];
  for (let r = 0; r < groupOf.length; r++) if (groupOf[r] === group) rows.push(r);
  return rows;
}

function groupMetrics(rows: readonly number[], o: SliceOutcomes): Record<string, number> {
  const yTrue = Float64Array.from(rows, (r) => o.yTrue[r]);
  const yPred = Float64Array.from(rows, (r) => o.yPred[r]);
  if (o.task === 'regression') return regressionGroup(yTrue, yPred);
  const k = o.nClasses ?? 0;
  const cm = confusionCounts(yTrue, yPred, k);
  let hit = 0;
  for (let c = 0; c < k; c++) hit += cm[c * k + c];
  const accuracy = hit / rows.length;
  const scores = perClassScores(cm, k);
  if (k !== 2) {
    // Macro over the classes present in the group's true or predicted labels, as scikit-learn (and the run's own precision_macro).
    const present = presentClasses(cm, k);
    return { accuracy, precision_macro: meanOver(scores.precision, present), recall_macro: meanOver(scores.recall, present) };
  }
  const pos = o.positiveIndex ?? 1;
  const neg = 1 - pos;
  const tp = cm[pos * 2 + pos];
  const fn = cm[pos * 2 + neg];
  const fp = cm[neg * 2 + pos];
  const tn = cm[neg * 2 + neg];
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    accuracy,
    precision: scores.precision[pos],
    recall: scores.recall[pos],
    selection_rate: (tp + fp) / rows.length,
    false_positive_rate: ratio(fp, fp + tn),
    false_negative_rate: ratio(fn, fn + tp),
  };
}

function regressionGroup(yTrue: Float64Array, yPred: Float64Array): Record<string, number> {
  let se = 0;
  let ae = 0;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yPred[i] - yTrue[i];
    se += d * d;
    ae += Math.abs(d);
    sum += yPred[i];
  }
  const n = yTrue.length;
  return { mse: se / n, mae: ae / n, mean_prediction: sum / n };
}

/** max − min over the groups of one metric. */
function spread(groups: readonly SliceGroupReport[], metric: string): number {
  const values = groups.map((g) => g.metrics[metric]);
  return Math.max(...values) - Math.min(...values);
}

/**
 * Fairlearn's definitions: `demographic_parity_difference` is the
 * between-groups difference of the selection rate; `equalized_odds_difference`
 * the larger of the between-groups differences of the true positive rate
 * (recall) and of the false positive rate. Regression has no accuracy: its
 * gap is of the mean absolute error.
 */
function disparities(groups: readonly SliceGroupReport[], task: SliceReport['task'], binary: boolean): Record<string, number> {
  if (task === 'regression') return { mae_gap: spread(groups, 'mae') };
  const out: Record<string, number> = { accuracy_gap: spread(groups, 'accuracy') };
  if (binary) {
    out.demographic_parity_difference = spread(groups, 'selection_rate');
    out.equalized_odds_difference = Math.max(spread(groups, 'recall'), spread(groups, 'false_positive_rate'));
  }
  return out;
}
