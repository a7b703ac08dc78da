import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseFilter } from '../../core/query/parseFilter';
import { describeTrialParams, formatValue, shortName } from '../../core/sweep/sweepParams';
import type { SweepTrialRow } from '../../core/sweep/sweepSummary';
import type { SweepEvent, SweepOutcome } from '../../worker/sweepEvents';
import { SweepRunner } from '../../worker/sweepRunner';
import { loadTrainConfig } from '../../worker/loadTrainConfig';
import { CliError, type CliContext, type Command } from '../context';
import { checkGate } from '../gate';
import type { TrackingTarget } from '../trackingShipper';
import { startShipping, trackingTarget } from '../trackingShipper';
import { formatNumber, formatTable } from '../table';
import { clusterProfileFor, runOnCluster } from './clusterTrain';

/** What `runlens sweep` (and `runlens train` on a config with `sweep:`) runs. */
export interface SweepCliOptions {
  readonly configPath: string;
  readonly overrides: readonly string[];
  readonly parallel?: number;
  readonly json: boolean;
  readonly name?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly gate?: string;
  readonly verbose: boolean;
  /** Ship the sweep (parent and trials) to this server while it runs. */
  readonly tracking?: TrackingTarget;
}

export const sweepCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      set: { type: 'string', multiple: true, default: [] },
      parallel: { type: 'string' },
      json: { type: 'boolean', default: false },
      gate: { type: 'string' },
      name: { type: 'string' },
      tag: { type: 'string', multiple: true, default: [] },
      verbose: { type: 'boolean', default: false },
      'tracking-uri': { type: 'string' },
      on: { type: 'string' },
      wait: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new CliError('usage: runlens sweep <config> [--on PROFILE [--wait]] [--parallel N] [--set key=value ...] [--tracking-uri URI] [--json]', 2);
  const configPath = resolve(ctx.cwd, positionals[0]!);
  if (!existsSync(configPath)) throw new CliError(`config not found: ${configPath}`);
  const config = loadTrainConfig(configPath, values.set);
  const cluster = clusterProfileFor(ctx, configPath, config, values.on);
  if (cluster) {
    if (!config.sweep) throw new CliError(`${configPath} has no sweep: section to run on ${cluster.name}`, 2);
    const tracking = trackingTarget(ctx, values['tracking-uri'], config.tracking);
    if (tracking) ctx.err(`warning: a sweep on Slurm is not shipped to ${tracking.server} while it runs; runlens push it once it ended\n`);
    return runOnCluster(ctx, {
      configPath, overrides: values.set, profile: cluster, wait: values.wait, json: values.json, name: values.name,
      tags: parseTags(values.tag), parallel: parseParallel(values.parallel), gate: values.gate,
    });
  }
  if (values.wait) throw new CliError('--wait waits for a cluster job: use it with --on PROFILE', 2);
  return runSweep(ctx, {
    configPath, overrides: values.set, parallel: parseParallel(values.parallel), json: values.json, name: values.name,
    tags: parseTags(values.tag), gate: values.gate, verbose: values.verbose,
    tracking: trackingTarget(ctx, values['tracking-uri'], config.tracking),
  });
};

/** `--parallel N`: a positive integer. */
export function parseParallel(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--parallel expects a whole number ≥ 1, got "${text}"`, 2);
  return n;
}

/** `--tag k=v` list → tags, with `runlens.source=cli`. */
export function parseTags(list: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = { 'runlens.source': 'cli' };
  for (const t of list) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new CliError(`--tag expects key=value, got "${t}"`, 2);
    tags[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return tags;
}

/**
 * Runs a sweep from the terminal: one progress line per trial on stderr,
 * the trials sorted by the metric on stdout (or one JSON object with
 * `--json`). Ctrl-C / SIGTERM cancel the sweep cleanly. Exit code 0 when
 * the sweep finished (and the gate on its best trial passed), 1 when it
 * failed, 130 when cancelled.
 */
export async function runSweep(ctx: CliContext, opts: SweepCliOptions): Promise<number> {
  // Fail fast on a bad config or gate before creating any run.
  const config = loadTrainConfig(opts.configPath, opts.overrides);
  // A command run's stdout is the script's own output: always shown.
  const showStdout = opts.verbose || config.command !== undefined;
  const gate = opts.gate ? parseFilter(opts.gate) : undefined;
  const store = ctx.openStore();
  const shipping = opts.tracking && startShipping(ctx, store, opts.tracking, config.tracking?.interval !== undefined ? config.tracking.interval * 1000 : undefined);
  const runner = new SweepRunner({
    storeDir: ctx.storeDir,
    configPath: opts.configPath,
    overrides: opts.overrides,
    parallel: opts.parallel,
    store,
    runName: opts.name,
    tags: opts.tags,
    recordPid: true,
    onEvent: (e) => {
      if (e.type === 'sweepStarted') shipping?.add(e.sweepId);
      ctx.err(progressLine(e));
    },
    onOutput: (trial, text, stream) => {
      if (stream === 'stdout' && !showStdout) return;
      ctx.err(text.split('\n').filter(Boolean).map((l) => `  ${trial.name}: ${l}\n`).join(''));
    },
  });
  const onSignal = () => runner.cancel();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: SweepOutcome;
  try {
    outcome = await runner.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await shipping?.finish();
  }

  ctx.out(opts.json ? JSON.stringify(sweepJson(outcome)) + '\n' : sweepTable(outcome));
  if (outcome.status !== 'finished') {
    ctx.err(`error: sweep ${outcome.status === 'killed' ? 'cancelled' : `failed: ${outcome.error ?? 'failed'}`}\n`);
    return outcome.status === 'killed' ? 130 : 1;
  }
  if (gate) {
    if (!outcome.best) {
      ctx.err(`gate failed: no trial has ${outcome.metric} (gate: ${opts.gate})\n`);
      return 1;
    }
    const verdict = checkGate(store, outcome.best.id, gate, opts.gate!);
    ctx.err(`gate ${verdict.passed ? 'passed' : 'failed'} on the best trial: ${verdict.reason}\n`);
    if (!verdict.passed) return 1;
  }
  return 0;
}

/** One stderr line per sweep step (empty for fit progress, which would flood a sweep's log). */
export function progressLine(e: SweepEvent): string {
  switch (e.type) {
    case 'sweepStarted': {
      const ranking = e.metric ? `ranked by ${e.metric} (${e.goal})` : 'ranked by the main metric of the task';
      return `sweep ${e.experiment} · ${e.sweepName} (run ${e.sweepId.slice(0, 8)}): ${e.trials.length} trial${e.trials.length === 1 ? '' : 's'}, ${e.parallel} at a time, ${ranking}\n`;
    }
    case 'trialStarted':
      return `[${e.trial.index}] ${e.trial.name} started: ${describeTrialParams(e.trial.params)}\n`;
    case 'trialProgress':
      return '';
    case 'trialEnded': {
      const head = `[${e.trial.index}] ${e.trial.name}`;
      const tail = `(${e.completed}/${e.total} done)`;
      if (e.status === 'finished') {
        const value = e.value === null ? `no ${e.metric ?? 'metric'}` : `${e.metric} ${formatNumber(e.value)}`;
        return `${head} finished: ${value}${e.best ? ', best so far' : ''} ${tail}\n`;
      }
      if (e.status === 'failed') return `${head} failed: ${(e.error?.message ?? 'unknown error').split('\n').join(' ')} ${tail}\n`;
      return `${head} killed ${tail}\n`;
    }
    case 'stopping':
      return `sweep stopping: ${e.message}\n`;
    case 'sweepEnded':
      // A plain finish is the result table's first line on stdout; saying it here too printed it twice.
      if (e.outcome.status === 'finished' && (!e.outcome.stopped || e.outcome.stopped === 'cancelled')) return '';
      return `sweep ${e.outcome.sweepName} ${e.outcome.status}${e.outcome.stopped && e.outcome.stopped !== 'cancelled' ? ` (stopped: ${e.outcome.stopped})` : ''}\n`;
  }
}

/** The `--json` shape: `{ id, name, experiment, status, stopped, metric, goal, best, trials, error? }`. */
export function sweepJson(o: SweepOutcome): Record<string, unknown> {
  return {
    id: o.sweepId,
    name: o.sweepName,
    experiment: o.experiment,
    status: o.status,
    stopped: o.stopped ?? null,
    metric: o.metric,
    goal: o.goal,
    best: o.best ? { id: o.best.id, name: o.best.name, metric: o.metric, value: o.best.value, params: o.best.params } : null,
    trials: o.trials.map((t) => ({ id: t.id, name: t.name, index: t.index, status: t.status, params: t.params, value: t.value, ...(t.error ? { error: t.error } : {}) })),
    ...(o.error ? { error: o.error } : {}),
  };
}

/** The trials, best first, one column per swept param, then the best trial. */
export function sweepTable(o: SweepOutcome): string {
  const rows = o.trials.map((t: SweepTrialRow, i) => [
    t.value === null ? '' : String(i + 1), t.name, t.status, ...o.params.map((p) => (t.params[p] === undefined ? '' : formatValue(t.params[p]))),
    formatNumber(t.value),
  ]);
  const short = o.params.map(shortName);
  // Short names unless two swept paths end the same (model.params.seed, data.split.seed).
  const headers = o.params.map((p, i) => (short.filter((s) => s === short[i]).length > 1 ? p : short[i]!));
  const table = formatTable(['rank', 'trial', 'status', ...headers, o.metric], rows);
  const best = o.best ? `best: ${o.best.name} (${o.best.id}) ${o.metric} ${formatNumber(o.best.value)}` : `best: none (no trial has ${o.metric})`;
  return `sweep ${o.sweepName} (${o.sweepId}) ${o.status}\n${table}\n${best}\n`;
}
