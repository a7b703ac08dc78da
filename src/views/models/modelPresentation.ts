/**
 * Labels, descriptions, tooltips and context values of the Models view's
 * items. No vscode import: tested under plain Node.
 */
import type { DeploymentRecord, MetricSummary, ModelBuildRecord, ModelRecord, ModelVersionRecord } from '../../store/types';
import { escapeMarkdown, formatElapsed, formatMetric, pickKeyMetric, relativeTime } from '../runPresentation';
import { deploymentImageParts } from '../../deploy/container/deploymentImage';
import { isMlflowModelVersion, mlflowModelNote } from '../modelVersionKind';

/** `@production @staging`: the alias badges of a version. */
export function aliasBadges(aliases: readonly string[]): string {
  return aliases.map((a) => `@${a}`).join(' ');
}

/** The source run's key metric as `test_accuracy 0.9667`, or '' when it has none (or was deleted). */
export function keyMetricText(summaries: readonly MetricSummary[], preferred?: string): string {
  const latest = Object.fromEntries(summaries.map((s) => [s.key, s.latest]));
  const key = pickKeyMetric(latest, preferred);
  return key === undefined ? '' : `${key} ${formatMetric(latest[key])}`;
}

export function modelDescription(m: ModelRecord, versions: number, now: number): string {
  const aliases = Object.keys(m.aliases).sort();
  return [`${versions} version${versions === 1 ? '' : 's'}`, aliases.length ? aliasBadges(aliases) : '', relativeTime(m.updatedAt, now)].filter(Boolean).join(' · ');
}

/** `@production · test_accuracy 0.9667 · 3 min ago`. */
export function versionDescription(v: ModelVersionRecord, metric: string, now: number): string {
  return [aliasBadges(v.aliases), isMlflowModelVersion(v) ? 'MLflow model' : '', metric, relativeTime(v.createdAt, now)].filter(Boolean).join(' · ');
}

/** Lineage of a version: run, config, git commit, datasets (Markdown, every value escaped). */
export function versionTooltip(v: ModelVersionRecord, metric: string): string {
  const e = escapeMarkdown;
  const lines = [
    `**${e(v.name)} v${v.version}**${v.aliases.length ? ` ${e(aliasBadges(v.aliases))}` : ''}`,
    '',
    `- run: ${e(v.runName)} (${e(v.runId.slice(0, 8))})${v.runExists ? '' : ' (deleted; the package is kept)'}`,
    `- experiment: ${e(v.experiment)}`,
  ];
  if (metric) lines.push(`- ${e(metric)}`);
  if (v.configPath) lines.push(`- config: ${e(v.configPath)}`);
  if (v.gitCommit) lines.push(`- git: ${e(v.gitCommit.slice(0, 12))}${v.gitDirty ? ' (uncommitted changes)' : ''}`);
  for (const d of v.datasets) lines.push(`- ${e(d.role)} data: ${e(d.path)} (${e(d.fingerprint.slice(0, 12))})`);
  if (v.description) lines.push('', e(v.description));
  const note = mlflowModelNote(v);
  if (note) lines.push('', e(note));
  return lines.join('\n');
}

/** `view`'s when-clauses match on these words (`viewItem =~ /serving/`). */
export function versionContextValue(v: ModelVersionRecord, serving: boolean, ownServer: boolean, hasImage = false): string {
  const parts = ['modelVersion'];
  if (v.aliases.length) parts.push('hasAlias');
  if (v.runExists) parts.push('hasRun');
  if (hasImage) parts.push('hasImage');
  parts.push(serving ? 'serving' : 'notServing');
  if (ownServer) parts.push('ownServer');
  return parts.join(' ');
}

export const BUILD_ICONS: Readonly<Record<ModelBuildRecord['status'], { readonly icon: string; readonly color?: string }>> = {
  running: { icon: 'loading~spin' },
  succeeded: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  cancelled: { icon: 'circle-slash', color: 'disabledForeground' },
};

/** `sha256:1a2b3c4d5e6f · 12.3 s · 5 min ago`. */
export function buildDescription(b: ModelBuildRecord, now: number): string {
  const id = b.imageId ? b.imageId.replace(/^sha256:/, '').slice(0, 12) : b.status;
  return [id, b.durationMs !== null ? formatElapsed(b.durationMs) : '', relativeTime(b.startedAt, now)].filter(Boolean).join(' · ');
}

export function deploymentLabel(d: DeploymentRecord): string {
  return d.url;
}

/** The tag of a container deployment's image (`runlens/churn:3@sha256:…` is recorded); null for a local one. */
export function deploymentImageTag(d: DeploymentRecord): string | null {
  return d.kind === 'container' && d.image ? deploymentImageParts(d.image).tag : null;
}

/** `running · pid 1234 · 2 min ago`, `running · image runlens/churn:3 · 2 min ago` or `stopped · 1 h ago`. */
export function deploymentDescription(d: DeploymentRecord, now: number): string {
  const image = deploymentImageTag(d);
  return d.stoppedAt === null
    ? ['running', image ? `image ${image}` : d.pid !== null ? `pid ${d.pid}` : '', relativeTime(d.startedAt, now)].filter(Boolean).join(' · ')
    : `stopped · ${relativeTime(d.stoppedAt, now)}`;
}
