import { parseArgs } from 'node:util';
import { CliError, type Command } from '../context';
import { formatNumber, formatTable, formatDuration } from '../table';
import { printable } from '../terminalText';
import { jsonNumbers, runJson } from './runs';
import { openRunSource, SERVER_HELP, SERVER_OPTION } from '../runSourceOption';
import { splitSystemMetrics, systemSummaryLines } from '../../views/system/systemSummary';

export const showCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false }, ...SERVER_OPTION } });
  if (positionals.length !== 1) throw new CliError(`usage: runlens show <run> [--json] ${SERVER_HELP}`, 2);
  const source = openRunSource(ctx, values.server);
  const { run, metrics, artifacts, inputs } = await source.getRun(positionals[0]!);
  const { params, tags } = run;
  if (values.json) {
    // The record's own fields, then params, tags and the details, as before the run sources.
    const record = runJson(run);
    for (const k of ['params', 'metrics', 'tags']) delete record[k];
    ctx.out(JSON.stringify({ ...record, params, tags, metrics, artifacts, inputs: inputs.map(({ rows: _rows, ...i }) => i) }, jsonNumbers) + '\n');
    return 0;
  }
  // Each field is data on one line: a newline in a name or note is shown as \n, not a new line.
  const lines: string[] = [];
  lines.push(`${printable(run.name)}  (${run.id})`);
  lines.push(`experiment  ${printable(run.experiment)}`);
  lines.push(`status      ${run.status}${run.error ? ` — ${printable(run.error)}` : ''}`);
  if (run.startedAt) lines.push(`started     ${new Date(run.startedAt).toISOString()}${run.endedAt ? `  (took ${formatDuration(run.endedAt - run.startedAt)})` : ''}`);
  if (run.user) lines.push(`user        ${printable(run.user)}`);
  if (run.configPath) lines.push(`config      ${printable(run.configPath)}`);
  if (run.gitCommit) lines.push(`git         ${run.gitCommit.slice(0, 12)}${run.gitDirty ? ' (dirty)' : ''}`);
  if (run.parentId) lines.push(`parent      ${run.parentId}`);
  if (run.note) lines.push(`note        ${printable(run.note)}`);
  lines.push('', formatTable(['param', 'value'], Object.entries(params).map(([k, v]) => [k, String(v)])));
  // The system series (CPU, memory, disk, GPUs sampled while it ran) follow the run's own metrics, after their summary.
  const { own, system } = splitSystemMetrics(metrics);
  if (own.length > 0) {
    lines.push('', formatTable(['metric', 'latest', 'min', 'max', 'steps'], own.map((m) => [m.key, formatNumber(m.latest), formatNumber(m.min), formatNumber(m.max), String(m.count)])));
  }
  if (system.length > 0) {
    const summary = systemSummaryLines(Object.fromEntries(system.map((m) => [m.key, m.latest])));
    lines.push('', ...summary.map((l, i) => `${i === 0 ? 'system' : ''.padEnd(6)}      ${l}`));
    lines.push('', formatTable(['system metric', 'latest', 'min', 'max', 'samples'], system.map((m) => [m.key, formatNumber(m.latest), formatNumber(m.min), formatNumber(m.max), String(m.count)])));
  }
  if (Object.keys(tags).length > 0) lines.push('', formatTable(['tag', 'value'], Object.entries(tags).map(([k, v]) => [k, v])));
  if (inputs.length > 0) lines.push('', formatTable(['input', 'role', 'rows', 'fingerprint'], inputs.map((i) => [i.path, i.role, String(i.rows ?? ''), i.fingerprint.slice(0, 12)])));
  if (artifacts.length > 0) {
    lines.push('', formatTable(['artifact', 'kind', 'bytes', 'sha256'], artifacts.map((a) => [a.path, a.kind, a.size === null ? '' : String(a.size), a.sha256?.slice(0, 12) ?? ''])));
  }
  ctx.out(lines.join('\n') + '\n');
  return 0;
};
