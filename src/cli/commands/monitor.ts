import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, type CliContext, type Command } from '../context';
import { resolveModel } from '../../deploy/registry/resolveModel';
import { formatMonitorReport } from '../../deploy/monitor/formatMonitor';
import { MonitorError, monitorBaseline, monitorReport, scrape, serverBaseUrl } from '../../deploy/monitor/monitorSample';
import type { ReportOptions } from '../../deploy/monitor/monitorSample';
import type { RunStore } from '../../store/runStore';

const USAGE = 'usage: runlens monitor <url> --baseline <model-ref|run> [--request-log FILE] [--interval 5] [--window 5000] [--once] [--json]';

/**
 * `runlens monitor <url> --baseline <model>`: requests/s, error rate and
 * latency quantiles from two scrapes of the server's /metrics, and input
 * drift of the request log's recent rows against the baseline's training
 * dataset. Refreshes every interval until Ctrl-C; `--once` prints one sample.
 */
export const monitorCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      baseline: { type: 'string' },
      'request-log': { type: 'string' },
      interval: { type: 'string', default: '5' },
      window: { type: 'string', default: '5000' },
      once: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1 || values.baseline === undefined) throw new CliError(USAGE, 2);
  const interval = Number(values.interval);
  if (!(interval > 0 && interval <= 3600)) throw new CliError(`--interval expects seconds between 0 and 3600, got "${values.interval}"`, 2);
  const windowRows = Number(values.window);
  if (!Number.isInteger(windowRows) || windowRows < 1) throw new CliError(`--window expects a positive number of rows, got "${values.window}"`, 2);
  let url: string;
  try {
    url = serverBaseUrl(positionals[0]!);
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
  const store = ctx.openStore({ readonly: true });
  const resolved = resolveModel(store, values.baseline);
  const baseline = monitorBaseline(store, resolved.label, resolved);
  const requestLog = values['request-log'] !== undefined ? resolvePath(ctx.cwd, values['request-log']) : deploymentLog(store, url);
  const options: ReportOptions = { url, baseline, windowRows, ...(requestLog ? { requestLog } : {}) };
  try {
    return values.once ? await once(ctx, options, interval, values.json) : await loop(ctx, options, interval, values.json);
  } catch (e) {
    if (e instanceof MonitorError) throw new CliError(e.message);
    throw e;
  }
};

async function once(ctx: CliContext, options: ReportOptions, interval: number, json: boolean): Promise<number> {
  const first = await scrape(options.url);
  await sleep(interval * 1000);
  const report = monitorReport(first, await scrape(options.url), options);
  ctx.out(json ? `${JSON.stringify(report, null, 2)}\n` : formatMonitorReport(report));
  return 0;
}

/** Refreshes until SIGINT/SIGTERM; in a terminal the table is redrawn in place, else appended. */
async function loop(ctx: CliContext, options: ReportOptions, interval: number, json: boolean): Promise<number> {
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    stopped = true;
    clearTimeout(timer);
    wake?.();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    let previous = await scrape(options.url);
    if (!json) ctx.out(`monitoring ${options.url} every ${interval} s (Ctrl-C to stop)\n`);
    while (!stopped) {
      // A referenced timer: it is what keeps the process alive between refreshes.
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, interval * 1000);
      });
      if (stopped) break;
      const next = await scrape(options.url);
      const report = monitorReport(previous, next, options);
      previous = next;
      if (json) ctx.out(`${JSON.stringify(report)}\n`);
      else {
        ctx.raw.out(process.stdout.isTTY ? '\x1b[H\x1b[2J' : '\n'); // clearing the screen is the CLI's own control
        ctx.out(formatMonitorReport(report));
      }
    }
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** The request log of a running local deployment at `url`, when the store knows one. */
function deploymentLog(store: RunStore, url: string): string | undefined {
  const same = (a: string): boolean => {
    try {
      return serverBaseUrl(a) === url;
    } catch {
      return false;
    }
  };
  return store.registry.listDeployments().find((d) => d.stoppedAt === null && d.requestLog !== null && same(d.url))?.requestLog ?? undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
