import type { ClassReportView, ConfusionMatrixView, FeatureImportancesView } from '../../protocol/compare';

/**
 * Validators for the JSON artifacts the panel draws. Artifact files are data
 * written by any process (the Python helper too), so every field is checked
 * and anything malformed is dropped rather than passed to the page.
 */

/** Classes beyond this make a confusion matrix unreadable as a table; such matrices are skipped. */
export const MAX_CONFUSION_CLASSES = 60;
/** Features kept per run (largest first); the chart shows fewer. */
export const MAX_FEATURES = 200;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** `{ split, labels: string[], matrix: number[][] }`, rows = true class; square and matching the labels. */
export function parseConfusionMatrix(runId: string, json: unknown): ConfusionMatrixView | undefined {
  if (!isRecord(json) || !Array.isArray(json.labels) || !Array.isArray(json.matrix)) return undefined;
  const labels = json.labels.map((l) => String(l));
  const k = labels.length;
  if (k === 0 || k > MAX_CONFUSION_CLASSES || json.matrix.length !== k) return undefined;
  const matrix: number[][] = [];
  for (const row of json.matrix) {
    if (!Array.isArray(row) || row.length !== k) return undefined;
    const nums = row.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN));
    if (nums.some(Number.isNaN)) return undefined;
    matrix.push(nums);
  }
  return { runId, split: typeof json.split === 'string' ? json.split : '', labels, matrix };
}

/** `{ method, importances: [{ feature, importance }] }`, sorted by importance, largest first. */
export function parseFeatureImportances(runId: string, json: unknown): FeatureImportancesView | undefined {
  if (!isRecord(json) || !Array.isArray(json.importances)) return undefined;
  const importances = json.importances
    .filter(isRecord)
    .map((r) => ({ feature: String(r.feature ?? ''), importance: finiteOrNull(r.importance) }))
    .filter((r): r is { feature: string; importance: number } => r.importance !== null)
    .sort((a, b) => b.importance - a.importance)
    .slice(0, MAX_FEATURES);
  if (importances.length === 0) return undefined;
  return { runId, method: typeof json.method === 'string' ? json.method : '', importances };
}

/** `{ split, labels, report: { classes: [{ label, precision, recall, f1, support }] } }`. */
export function parseClassReport(runId: string, json: unknown): ClassReportView | undefined {
  if (!isRecord(json) || !isRecord(json.report) || !Array.isArray(json.report.classes)) return undefined;
  const classes = json.report.classes.filter(isRecord).map((c) => ({
    label: String(c.label ?? ''),
    precision: finiteOrNull(c.precision),
    recall: finiteOrNull(c.recall),
    f1: finiteOrNull(c.f1),
    support: finiteOrNull(c.support),
  }));
  if (classes.length === 0 || classes.length > MAX_CONFUSION_CLASSES) return undefined;
  return { runId, split: typeof json.split === 'string' ? json.split : '', classes };
}
