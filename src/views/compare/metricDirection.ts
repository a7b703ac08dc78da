import type { MetricDirection } from '../../protocol/compare';

/** Words naming a quantity to minimise. Checked before HIGHER: `f1_loss` is a loss. */
const LOWER = new Set([
  'loss', 'mse', 'rmse', 'mae', 'mape', 'smape', 'msle', 'rmsle', 'error', 'err', 'errors', 'logloss', 'nll',
  'perplexity', 'ppl', 'wer', 'cer', 'brier', 'hinge', 'deviance', 'regret', 'latency', 'fpr', 'fnr',
  // Disparities between groups (slice_sex_accuracy_gap, …_demographic_parity_difference): smaller is fairer.
  'gap', 'difference', 'disparity',
]);
const HIGHER = new Set([
  'accuracy', 'acc', 'f1', 'f1score', 'precision', 'recall', 'r2', 'auc', 'roc', 'rocauc', 'pr', 'ap', 'map',
  'iou', 'miou', 'dice', 'bleu', 'rouge', 'meteor', 'sensitivity', 'specificity', 'tpr', 'tnr', 'kappa', 'mcc',
  'top1', 'top5', 'ndcg', 'mrr', 'jaccard', 'evs', 'hit', 'hitrate',
]);

/** Lower-case words of a metric key: `test_F1Macro` → test, f1, macro; `r2`, `top1` stay whole. */
function words(key: string): string[] {
  return key
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Whether a larger or smaller value of a metric is better, from its name:
 * higher for accuracy/f1/precision/recall/r2/auc…, lower for
 * loss/mse/rmse/mae/error…, flipped by a `neg` word (scikit-learn's
 * `neg_mean_squared_error` is maximised). Undefined when the name says nothing.
 */
export function metricDirection(key: string): MetricDirection | undefined {
  const ws = words(key);
  const negated = ws.includes('neg');
  let dir: MetricDirection | undefined;
  if (ws.some((w) => LOWER.has(w))) dir = 'min';
  else if (ws.some((w) => HIGHER.has(w))) dir = 'max';
  if (!dir) return undefined;
  return negated ? (dir === 'min' ? 'max' : 'min') : dir;
}

/** Indices of the best values (all ties); empty without a direction or a finite value. */
export function bestIndices(values: readonly (number | null | undefined)[], direction: MetricDirection | undefined): number[] {
  if (!direction) return [];
  let best: number | undefined;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (best === undefined || (direction === 'max' ? v > best : v < best)) best = v;
  }
  if (best === undefined) return [];
  const out: number[] = [];
  values.forEach((v, i) => {
    if (v === best) out.push(i);
  });
  return out;
}
