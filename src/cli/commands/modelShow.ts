/** Text and JSON views of registered models for `runlens models` and `runlens model show`. */
import { pickKeyMetric } from '../../views/runPresentation';
import type { RunStore } from '../../store/runStore';
import type { DeploymentRecord, ModelBuildRecord, ModelRecord, ModelVersionRecord } from '../../store/types';
import { formatAgo, formatDuration, formatNumber, formatTable } from '../table';
import { formatDeploymentImage } from '../../deploy/container/deploymentImage';

export interface KeyMetric {
  readonly key: string;
  readonly value: number;
}

/** The source run's key metric (test accuracy / r2 / …), or null when the run is gone or has none. */
export function versionKeyMetric(store: RunStore, v: ModelVersionRecord): KeyMetric | null {
  if (!v.runExists) return null;
  const metrics = Object.fromEntries(store.getMetricSummaries(v.runId).map((m) => [m.key, m.latest]));
  const key = pickKeyMetric(metrics);
  return key === undefined ? null : { key, value: metrics[key] };
}

export interface VersionDetail extends ModelVersionRecord {
  readonly keyMetric: KeyMetric | null;
  readonly builds: ModelBuildRecord[];
  readonly deployments: DeploymentRecord[];
}

export function versionDetail(store: RunStore, v: ModelVersionRecord): VersionDetail {
  return {
    ...v,
    keyMetric: versionKeyMetric(store, v),
    builds: store.registry.listModelBuilds(v.name, v.version),
    deployments: store.registry.listDeployments(v.name, v.version),
  };
}

const aliasText = (aliases: readonly string[]) => aliases.map((a) => `@${a}`).join(' ');
const metricText = (m: KeyMetric | null) => (m ? `${m.key}=${formatNumber(m.value)}` : '');
const runText = (v: ModelVersionRecord) => `${v.runName} (${v.runId.slice(0, 8)})${v.runExists ? '' : ' [run deleted]'}`;

/** One row per version, newest first within each model. */
export function modelsTable(store: RunStore, models: readonly ModelRecord[], now = Date.now()): string {
  const rows: string[][] = [];
  for (const m of models) {
    const versions = store.registry.listModelVersions(m.name);
    if (versions.length === 0) rows.push([m.name, '', '', '(no versions)', '', formatAgo(m.updatedAt, now)]);
    for (const v of versions) {
      rows.push([m.name, `v${v.version}`, aliasText(v.aliases), runText(v), metricText(versionKeyMetric(store, v)), formatAgo(v.createdAt, now)]);
    }
  }
  return formatTable(['model', 'version', 'aliases', 'source run', 'key metric', 'registered'], rows);
}

function buildLine(b: ModelBuildRecord): string {
  const took = b.durationMs === null ? '' : ` in ${formatDuration(b.durationMs)}`;
  const image = b.imageId ? ` image ${b.imageId.replace(/^sha256:/, '').slice(0, 12)}` : '';
  const error = b.error ? ` — ${b.error}` : '';
  return `    #${b.id} ${b.status} ${b.tag} (${b.cli ?? 'no container CLI'}, ${b.baseImage})${image}${took}, ${new Date(b.startedAt).toISOString()}${error}`;
}

function deploymentLine(d: DeploymentRecord): string {
  const state = d.stoppedAt === null ? 'running' : `stopped ${new Date(d.stoppedAt).toISOString()}`;
  const where = d.kind === 'container' ? ` image ${d.image ? formatDeploymentImage(d.image) : '?'}` : d.pid !== null ? ` pid ${d.pid}` : '';
  return `    #${d.id} ${d.kind} ${d.url}${where}, started ${new Date(d.startedAt).toISOString()}, ${state}`;
}

/** The lineage block of one version: run, config, git, datasets, builds, deployments. */
export function versionText(d: VersionDetail): string {
  const lines = [`${d.name} v${d.version}${d.aliases.length ? `  ${aliasText(d.aliases)}` : ''}`];
  if (d.description) lines.push(`  description  ${d.description}`);
  lines.push(`  registered   ${new Date(d.createdAt).toISOString()}`);
  lines.push(`  source run   ${runText(d)}, experiment ${d.experiment}`);
  if (d.keyMetric) lines.push(`  key metric   ${metricText(d.keyMetric)}`);
  if (d.configPath) lines.push(`  config       ${d.configPath}`);
  if (d.gitCommit) lines.push(`  git commit   ${d.gitCommit.slice(0, 12)}${d.gitDirty ? ' (uncommitted changes)' : ''}`);
  lines.push(d.packageFormat === 'mlflow' ? `  package      MLflow model from ${d.source ?? '?'} (not a RunLens package; runlens serve/build cannot use it)` : `  package      sha256 ${d.packageSha256.slice(0, 12)}`);
  for (const [k, v] of Object.entries(d.tags)) lines.push(`  tag          ${k}=${v}`);
  for (const ds of d.datasets) lines.push(`  dataset      ${ds.role.padEnd(5)} ${ds.path} (${ds.fingerprint.slice(0, 12)})`);
  if (d.builds.length) lines.push('  builds', ...d.builds.map(buildLine));
  if (d.deployments.length) lines.push('  deployments', ...d.deployments.map(deploymentLine));
  return lines.join('\n');
}

/** A model's header (description, tags, aliases) and each version's block. */
export function modelText(m: ModelRecord, versions: readonly VersionDetail[]): string {
  const lines = [m.name];
  if (m.description) lines.push(`  description  ${m.description}`);
  for (const [k, v] of Object.entries(m.tags)) lines.push(`  tag          ${k}=${v}`);
  const aliases = Object.entries(m.aliases).map(([a, v]) => `@${a} → v${v}`);
  lines.push(`  versions     ${versions.length ? versions.map((v) => `v${v.version}`).join(', ') : 'none'}`);
  if (aliases.length) lines.push(`  aliases      ${aliases.join(', ')}`);
  return [lines.join('\n'), ...versions.map(versionText)].join('\n\n');
}
