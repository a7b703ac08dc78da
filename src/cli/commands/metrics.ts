import { parseArgs } from 'node:util';
import { CliError, type Command } from '../context';
import { formatNumber, formatTable } from '../table';
import { compareText } from '../../tracking/sqlText';
import { openRunSource, SERVER_HELP, SERVER_OPTION } from '../runSourceOption';

export const metricsCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { csv: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, ...SERVER_OPTION },
  });
  if (positionals.length !== 2) throw new CliError(`usage: runlens metrics <run> <key> [--csv] ${SERVER_HELP}`, 2);
  const source = openRunSource(ctx, values.server);
  const run = await source.resolveRun(positionals[0]!);
  const key = positionals[1]!;
  const history = await source.getMetricHistory(run.id, key);
  if (history.values.length === 0) {
    const keys = Object.keys(run.metrics).sort(compareText);
    throw new CliError(`run ${run.name} has no metric "${key}" (it has: ${keys.join(', ') || 'none'})`);
  }
  const n = history.values.length;
  if (values.csv) {
    const lines = ['step,timestamp,value'];
    for (let i = 0; i < n; i++) lines.push(`${history.steps[i]},${history.timestamps[i]},${String(history.values[i])}`);
    ctx.out(lines.join('\n') + '\n');
  } else if (values.json) {
    const points = [];
    for (let i = 0; i < n; i++) points.push({ step: history.steps[i], timestamp: history.timestamps[i], value: Number.isFinite(history.values[i]) ? history.values[i] : String(history.values[i]) });
    ctx.out(JSON.stringify({ run: run.id, key, points }) + '\n');
  } else {
    const rows: string[][] = [];
    for (let i = 0; i < n; i++) rows.push([String(history.steps[i]), new Date(history.timestamps[i]!).toISOString(), formatNumber(history.values[i])]);
    ctx.out(formatTable(['step', 'time', key], rows) + '\n');
  }
  return 0;
};
