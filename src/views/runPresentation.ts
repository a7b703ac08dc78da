/**
 * How a run looks in lists (explorer, quick picks, notifications) and how
 * the compare page prints a metric: pure functions from run rows to labels,
 * tested without VS Code. Import-free, so a page may bundle it: the shapes
 * below are the parts of the store's rows these functions read, and the
 * store's types fit them structurally (a status the store adds and this file
 * lacks fails to compile wherever a store row is passed in).
 */

import { runNotebook } from './runs/notebookRuns';

/** The store's `RunStatus`. */
export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'killed';

/** The fields of a store `RunRow` a run's label, tooltip and menus show. */
export interface RunLabelRow {
  readonly id: string;
  readonly name: string;
  readonly experiment: string;
  readonly status: RunStatus;
  readonly configPath: string | null;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly starred: boolean;
  readonly note: string | null;
  readonly error: string | null;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  /** The run's tags, where the caller has them (a run from a notebook has runlens.notebook). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The store's `MetricSummary`: one metric's latest value and range. */
export interface MetricSummaryView {
  readonly key: string;
  readonly latest: number;
  readonly latestStep: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export const STATUS_ICONS: Readonly<Record<RunStatus, { readonly icon: string; readonly color?: string }>> = {
  queued: { icon: 'clock' },
  running: { icon: 'sync~spin', color: 'charts.blue' },
  finished: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  killed: { icon: 'circle-slash', color: 'disabledForeground' },
};

/** The metric a list shows for a run: the configured one, else test accuracy / r2 / … */
export function pickKeyMetric(metrics: Readonly<Record<string, number>>, preferred?: string): string | undefined {
  if (preferred && preferred in metrics) return preferred;
  // System metrics (`system/…`, src/core/metrics/systemMetricNames.ts; this file stays import-free) describe the machine, not the model.
  const keys = Object.keys(metrics).filter((k) => !k.startsWith('system/'));
  const order = [/^test_accuracy$/, /^test_r2$/, /^test_f1/, /^test_/, /^val_accuracy$/, /^val_/, /accuracy/, /loss/];
  for (const re of order) {
    const hit = keys.filter((k) => re.test(k)).sort()[0];
    if (hit) return hit;
  }
  return keys.sort()[0];
}

export function formatMetric(value: number | undefined): string {
  if (value === undefined) return '';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return value.toFixed(4);
}

export function relativeTime(ms: number | null | undefined, now: number): string {
  if (!ms) return '';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  if (s < 86400 * 30) return `${Math.round(s / 86400)}d ago`;
  return new Date(ms).toISOString().slice(0, 10);
}

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** The description beside a run's name: key metric, then age or live elapsed time. */
export function runDescription(run: RunLabelRow, now: number, keyMetric?: string): string {
  const parts: string[] = [];
  const key = pickKeyMetric(run.metrics, keyMetric);
  if (key) parts.push(`${key.replace(/^test_/, '')} ${formatMetric(run.metrics[key])}`);
  if (run.status === 'running' && run.startedAt) parts.push(`running ${formatElapsed(now - run.startedAt)}`);
  else parts.push(relativeTime(run.startedAt ?? run.createdAt, now));
  return parts.filter(Boolean).join(' · ');
}

/** Markdown-safe text: escapes characters that Markdown or HTML would interpret. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&]/g, (c) => `\\${c}`);
}

/** Tooltip (Markdown) with the run's details. Every value from data is escaped. */
export function runTooltip(run: RunLabelRow, now: number): string {
  const e = escapeMarkdown;
  const lines = [`**${e(run.name)}** — ${run.status}`, ''];
  lines.push(`experiment: ${e(run.experiment)}  `);
  lines.push(`id: \`${run.id}\`  `);
  if (run.startedAt) lines.push(`started: ${new Date(run.startedAt).toLocaleString()} (${relativeTime(run.startedAt, now)})  `);
  if (run.startedAt && run.endedAt) lines.push(`took: ${formatElapsed(run.endedAt - run.startedAt)}  `);
  if (run.params.model) lines.push(`model: ${e(run.params.model)}  `);
  if (run.gitCommit) lines.push(`git: \`${run.gitCommit.slice(0, 10)}\`${run.gitDirty ? ' (dirty)' : ''}  `);
  if (run.error) lines.push('', `error: ${e(run.error)}`);
  if (run.note) lines.push('', `note: ${e(run.note)}`);
  const metrics = Object.entries(run.metrics).filter(([k]) => k.startsWith('test_')).slice(0, 8);
  if (metrics.length > 0) {
    lines.push('', '| metric | value |', '| --- | --- |');
    for (const [k, v] of metrics) lines.push(`| ${e(k)} | ${formatMetric(v)} |`);
  }
  return lines.join('\n');
}

/** A metric leaf: latest value, with min/max/steps for the hover. */
export function metricLabel(m: MetricSummaryView): { label: string; description: string; tooltip: string } {
  return {
    label: m.key,
    description: formatMetric(m.latest),
    tooltip: `${m.key}\nlatest ${formatMetric(m.latest)} (step ${m.latestStep})\nmin ${formatMetric(m.min)} · max ${formatMetric(m.max)}\n${m.count} point${m.count === 1 ? '' : 's'}`,
  };
}

/** `contextValue` of a run item: drives the menus' when-clauses. */
export function runContextValue(run: RunLabelRow): string {
  const parts = ['run', run.status];
  if (run.starred) parts.push('starred');
  if (run.configPath) parts.push('hasConfig');
  if (runNotebook(run)) parts.push('notebook');
  return parts.join(' ');
}
