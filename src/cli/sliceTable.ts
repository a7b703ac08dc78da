import { readFileSync } from 'node:fs';
import type { SliceReportView } from '../protocol/compare';
import type { RunStore } from '../store/runStore';
import { parseSliceReport, SLICE_METRIC_LABELS, SMALL_GROUP_TEXT } from '../views/compare/sliceViews';
import { formatNumber, formatTable } from './table';

/** A run's `slices.json` from the store, or undefined when it has none (or it cannot be read). */
export function readSliceReport(store: RunStore, runId: string): SliceReportView | undefined {
  const artifact = store.listArtifacts(runId).find((a) => a.path === 'slices.json');
  if (!artifact) return undefined;
  try {
    return parseSliceReport(runId, JSON.parse(readFileSync(store.artifactPath(artifact.sha256), 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * The slices as text: one table per column (a row per group, small groups
 * noted, never left out), then the gaps under the metric names a gate uses.
 */
export function formatSliceTables(view: SliceReportView): string {
  const title = `slices of the test rows${view.positive !== undefined ? ` (positive class: ${view.positive})` : ''}`;
  const parts = [title];
  for (const col of view.columns) {
    const headers = [col.column, 'count', ...view.metrics.map((m) => SLICE_METRIC_LABELS[m] ?? m), 'note'];
    const rows = col.groups.map((g) => [g.group, String(g.count), ...view.metrics.map((m) => formatNumber(g.metrics[m])), g.small ? SMALL_GROUP_TEXT : '']);
    parts.push(formatTable(headers, rows));
    if (col.disparities.length > 0) parts.push(`gaps: ${col.disparities.map((d) => `${d.metricKey}=${formatNumber(d.value)}`).join('  ')}`);
  }
  return parts.join('\n') + '\n';
}
