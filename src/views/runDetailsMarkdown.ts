import type { RunRecord, MetricSummary, ArtifactRecord, RunInput } from '../store/types';
import { escapeMarkdown as e, formatMetric, formatElapsed } from './runPresentation';

export interface RunDetails {
  readonly run: RunRecord;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics: readonly MetricSummary[];
  readonly artifacts: readonly ArtifactRecord[];
  readonly inputs: readonly RunInput[];
  readonly children: number;
}

function cell(text: string): string {
  return e(text).replace(/\n/g, ' ');
}

/** A run as a Markdown page (the "Open Run Details" preview). Data is escaped. */
export function runDetailsMarkdown(d: RunDetails): string {
  const { run } = d;
  const out: string[] = [`# ${e(run.name)}`, ''];
  const facts: [string, string][] = [
    ['Status', run.status + (run.error ? ` — ${e(run.error)}` : '')],
    ['Experiment', e(run.experiment)],
    ['Run id', `\`${run.id}\``],
  ];
  if (run.startedAt !== null) facts.push(['Started', new Date(run.startedAt).toISOString()]);
  if (run.startedAt !== null && run.endedAt !== null) facts.push(['Duration', formatElapsed(run.endedAt - run.startedAt)]);
  if (run.configPath) facts.push(['Config', e(run.configPath)]);
  if (run.gitCommit) facts.push(['Git commit', `\`${run.gitCommit}\`${run.gitDirty ? ' (uncommitted changes)' : ''}`]);
  if (run.parentId) facts.push(['Parent run', `\`${run.parentId}\``]);
  if (d.children > 0) facts.push(['Child runs', String(d.children)]);
  if (run.runlensVersion) facts.push(['RunLens', e(run.runlensVersion)]);
  out.push('| | |', '| --- | --- |', ...facts.map(([k, v]) => `| ${k} | ${v} |`), '');
  if (run.note) out.push('## Note', '', e(run.note), '');
  const metrics = [...d.metrics].sort((a, b) => a.key.localeCompare(b.key));
  if (metrics.length > 0) {
    out.push('## Metrics', '', '| metric | latest | min | max | steps |', '| --- | ---: | ---: | ---: | ---: |');
    for (const m of metrics) out.push(`| ${cell(m.key)} | ${formatMetric(m.latest)} | ${formatMetric(m.min)} | ${formatMetric(m.max)} | ${m.count} |`);
    out.push('');
  }
  const params = Object.entries(d.params);
  if (params.length > 0) {
    out.push('## Params', '', '| param | value |', '| --- | --- |', ...params.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`), '');
  }
  const tags = Object.entries(d.tags);
  if (tags.length > 0) out.push('## Tags', '', '| tag | value |', '| --- | --- |', ...tags.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`), '');
  if (d.inputs.length > 0) {
    out.push('## Inputs', '', '| dataset | role | fingerprint |', '| --- | --- | --- |');
    for (const i of d.inputs) out.push(`| ${cell(i.path)} | ${i.role} | \`${i.fingerprint.slice(0, 16)}\` |`);
    out.push('');
  }
  if (d.artifacts.length > 0) {
    out.push('## Artifacts', '', '| path | kind | bytes | sha256 |', '| --- | --- | ---: | --- |');
    for (const a of d.artifacts) out.push(`| ${cell(a.path)} | ${cell(a.kind)} | ${a.size} | \`${a.sha256.slice(0, 12)}\` |`);
    out.push('');
  }
  return out.join('\n');
}
