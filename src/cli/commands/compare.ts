import { parseArgs } from 'node:util';
import { CliError, type Command } from '../context';
import { formatNumber, formatTable } from '../table';
import type { SourceRunRow } from '../../tracking/runSource';
import { openRunSource, SERVER_HELP, SERVER_OPTION } from '../runSourceOption';

export const compareCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'only-changed': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, ...SERVER_OPTION },
  });
  if (positionals.length < 2) throw new CliError(`usage: runlens compare <run> <run>... [--only-changed] ${SERVER_HELP}`, 2);
  const source = openRunSource(ctx, values.server);
  // resolveRun takes ids, prefixes and names, and says what to give when none matches; one at a time, so the first bad one is named.
  const runs: SourceRunRow[] = [];
  for (const ref of positionals) runs.push(await source.resolveRun(ref));
  const params = runs.map((r) => r.params);
  const metrics = runs.map((r) => r.metrics);
  const paramKeys = [...new Set(params.flatMap((p) => Object.keys(p)))].sort();
  const metricKeys = [...new Set(metrics.flatMap((m) => Object.keys(m)))].sort();
  const differs = (vals: string[]) => new Set(vals).size > 1;
  const paramRows = paramKeys
    .map((k) => [k, ...params.map((p) => (p[k] === undefined ? '—' : String(p[k])))])
    .filter((row) => !values['only-changed'] || differs(row.slice(1)));
  const metricRows = metricKeys
    .map((k) => [k, ...metrics.map((m) => (m[k] === undefined ? '—' : formatNumber(m[k])))])
    .filter((row) => !values['only-changed'] || differs(row.slice(1)));
  if (values.json) {
    ctx.out(JSON.stringify({ runs: runs.map((r) => ({ id: r.id, name: r.name })), params: Object.fromEntries(paramRows.map((r) => [r[0], r.slice(1)])), metrics: Object.fromEntries(metricRows.map((r) => [r[0], r.slice(1)])) }) + '\n');
    return 0;
  }
  const header = ['', ...runs.map((r) => r.name)];
  const out: string[] = [];
  out.push(paramRows.length > 0 ? formatTable(['param', ...header.slice(1)], paramRows) : 'params: no differences');
  out.push('', metricRows.length > 0 ? formatTable(['metric', ...header.slice(1)], metricRows) : 'metrics: no differences');
  ctx.out(out.join('\n') + '\n');
  return 0;
};
