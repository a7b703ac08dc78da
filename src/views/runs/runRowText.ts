/**
 * What a run's row in the Runs view shows, sized for the default side bar
 * (about 300 px, which also holds the tree's indent, the icon, the name and,
 * on hover, the inline star). No vscode import: tested under plain Node.
 */
import type { RunRow } from '../../store/types';
import { STATUS_ICONS, formatElapsed, formatMetric, pickKeyMetric, relativeTime } from '../runPresentation';
import { runNotebook } from './notebookRuns';
import { clusterRunDescription, clusterRunIcon } from '../compute/clusterRunText';

/** A codicon id and an optional theme colour id. */
export interface RowIcon {
  readonly icon: string;
  readonly color?: string;
}

/**
 * The description beside the name: a live run says what it is doing, an
 * ended run shows its key metric (the comparison the list is for), or its age
 * when it logged none. The age of a run with a metric stays in the tooltip
 * and in the order of the list (newest first): both on one row are wider
 * than the side bar and the metric would be cut.
 */
export function runRowDescription(run: RunRow, now: number, keyMetric?: string): string {
  // A live run's icon is its spinner or clock, so its star goes here: "running 1m 15s" leaves room for it.
  const star = run.starred && (run.status === 'running' || run.status === 'queued') ? '★ ' : '';
  // a cluster run waiting in Slurm's queue says why (`queued: Resources`); running, on which node
  const cluster = clusterRunDescription(run, now);
  if (cluster) return `${star}${cluster}`;
  if (run.status === 'running' && run.startedAt) return `${star}running ${formatElapsed(now - run.startedAt)}`;
  const key = pickKeyMetric(run.metrics, keyMetric);
  if (key) return `${star}${key.replace(/^test_/, '')} ${formatMetric(run.metrics[key])}`;
  return `${star}${relativeTime(run.startedAt ?? run.createdAt, now)}`;
}

/**
 * The row's icon. A starred run that has ended shows a filled star in its
 * status colour (green finished, red failed, grey killed) instead of a "★" in
 * its name, which cost the name and the description their width; a live run
 * keeps its spinner or clock, since that it is still going matters more
 * (its description carries the star instead). A run from a notebook shows a
 * notebook in its status colour (a live one says "running …" beside it).
 */
export function runRowIcon(run: RunRow): RowIcon {
  const cluster = clusterRunIcon(run);
  if (cluster) return cluster;
  const status = STATUS_ICONS[run.status];
  const live = run.status === 'running' || run.status === 'queued';
  const colored = (icon: string): RowIcon => ({ icon, ...(status.color ? { color: status.color } : {}) });
  if (run.starred && !live) return colored('star-full');
  return runNotebook(run) ? colored('notebook') : status;
}

/** What a screen reader says for the row: name, starred, notebook, status, description. */
export function runRowAccessibleLabel(run: RunRow, description: string): string {
  return [run.name, ...(run.starred ? ['starred'] : []), ...(runNotebook(run) ? ['notebook'] : []), run.status, description].join(', ');
}
