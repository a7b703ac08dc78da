import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { TrainerProcess, type TrainOutcome } from '../../worker/trainerProcess';
import { loadTrainConfig } from '../../worker/loadTrainConfig';
import { parseFilter } from '../../core/query/parseFilter';
import type { RunStore } from '../../store/runStore';
import type { TrainRequest } from '../../worker/protocol';
import { CliError, type Command, type CliContext } from '../context';
import { ProgressReporter } from '../progressReporter';
import { formatNumber, formatTable } from '../table';
import { checkGate } from '../gate';
import { startShipping, trackingTarget } from '../trackingShipper';
import { parseParallel, parseTags, runSweep } from './sweep';
import { clusterProfileFor, runOnCluster } from './clusterTrain';
import { isSystemMetric } from '../../core/metrics/systemMetricNames';
import { systemSummaryLine } from '../../views/system/systemSummary';
import { formatSliceTables, readSliceReport } from '../sliceTable';

/** A tree's leaves give hard 0/1 probabilities: one confident miss is what makes its log loss look large. */
export const TREE_LOG_LOSS_NOTE = "note: a decision tree's probabilities are its leaves' class shares, often 0 or 1; log_loss clips them to [2.2e-16, 1 - 2.2e-16] as scikit-learn's log_loss does, so each confidently wrong test row adds about 36/n";

export const trainCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      set: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
      gate: { type: 'string' },
      name: { type: 'string' },
      tag: { type: 'string', multiple: true, default: [] },
      verbose: { type: 'boolean', default: false },
      'refresh-data': { type: 'boolean', default: false },
      parallel: { type: 'string' },
      'tracking-uri': { type: 'string' },
      on: { type: 'string' },
      wait: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new CliError('usage: runlens train <config> [--on PROFILE [--wait]] [--set key=value ...] [--gate QUERY] [--tracking-uri URI] [--refresh-data] [--json] [--verbose]', 2);
  const configPath = resolve(ctx.cwd, positionals[0]!);
  if (!existsSync(configPath)) throw new CliError(`config not found: ${configPath}`);
  // Fail fast on a bad config or gate before starting a process.
  const config = loadTrainConfig(configPath, values.set);
  const tags = parseTags(values.tag);
  const parallel = parseParallel(values.parallel);
  const tracking = trackingTarget(ctx, values['tracking-uri'], config.tracking);
  const cluster = clusterProfileFor(ctx, configPath, config, values.on);
  if (cluster && tracking) ctx.err(`warning: a run on Slurm is not shipped to ${tracking.server} while it runs; runlens push it once it ended\n`);
  if (cluster) return runOnCluster(ctx, { configPath, overrides: values.set, profile: cluster, wait: values.wait, json: values.json, name: values.name, tags, parallel, gate: values.gate });
  if (values.wait) throw new CliError('--wait waits for a cluster job: use it with --on PROFILE', 2);
  // A sweep's trials must all read the same rows: refresh the snapshot with a plain run of the config first.
  if (values['refresh-data'] && config.sweep) throw new CliError("--refresh-data is for a single training, not a sweep: a sweep's trials read the query's kept snapshot (refresh it by training a config with the same data.sql and no sweep)", 2);
  if (config.sweep) {
    return runSweep(ctx, { configPath, overrides: values.set, parallel, json: values.json, name: values.name, tags, gate: values.gate, verbose: values.verbose, tracking });
  }
  const gate = values.gate ? parseFilter(values.gate) : undefined;

  const store = ctx.openStore();
  // A command run's stdout is the script's own output: always shown.
  const showStdout = values.verbose || config.command !== undefined;
  const shipping = tracking && startShipping(ctx, store, tracking, config.tracking?.interval !== undefined ? config.tracking.interval * 1000 : undefined);
  const outcome = await runTrainer(ctx, { storeDir: ctx.storeDir, configPath, overrides: values.set, runName: values.name, tags, ...(values['refresh-data'] ? { refreshData: true } : {}) }, store, showStdout, shipping?.add);
  await shipping?.finish();
  const run = outcome.runId ? store.getRun(outcome.runId) : undefined;
  const metrics = loggedMetrics(store, outcome);

  if (values.json) {
    ctx.out(JSON.stringify({
      id: outcome.runId ?? null,
      name: run?.name ?? outcome.runName ?? null,
      experiment: run?.experiment ?? null,
      status: outcome.status,
      params: outcome.runId ? store.getParams(outcome.runId) : {},
      metrics,
      error: outcome.error?.message,
    }) + '\n');
  } else if (outcome.status === 'finished') {
    // The system series and summaries (`system/…`) stay out of the table: one line after it says what matters.
    const rows = Object.entries(metrics)
      .filter(([k]) => !isSystemMetric(k))
      .sort(([a], [b]) => metricRank(a) - metricRank(b) || a.localeCompare(b))
      .map(([k, v]) => [k, formatNumber(v)]);
    ctx.out(`run ${run?.name ?? ''} (${outcome.runId}) finished\n${formatTable(['metric', 'value'], rows)}\n`);
    const slices = outcome.runId ? readSliceReport(store, outcome.runId) : undefined;
    if (slices) ctx.out(formatSliceTables(slices));
    const system = systemSummaryLine(metrics);
    if (system) ctx.out(`system: ${system}\n`);
    const params = outcome.runId ? store.getParams(outcome.runId) : {};
    if (params.model === 'decision_tree' && Object.keys(metrics).some((k) => k.endsWith('log_loss'))) ctx.out(`${TREE_LOG_LOSS_NOTE}\n`);
  }

  if (outcome.status !== 'finished') {
    const reason = outcome.status === 'killed' ? 'cancelled' : (outcome.error?.message ?? 'failed');
    ctx.err(`error: ${reason}\n`);
    if (ctx.debug && outcome.error?.stack) ctx.err(`${outcome.error.stack}\n`);
    return outcome.status === 'killed' ? 130 : 1;
  }
  if (gate && outcome.runId) {
    const verdict = checkGate(store, outcome.runId, gate, values.gate!);
    if (!verdict.passed) {
      ctx.err(`gate failed: ${verdict.reason}\n`);
      return 1;
    }
    if (!values.json) ctx.err(`gate passed: ${verdict.reason}\n`);
  }
  return 0;
};

/**
 * Every metric the run logged, at its latest step: the trainer's outcome
 * holds only the final scores, while a cross-validated run also logged its
 * `cv_*` summary and a command run logs through the Python helper.
 */
function loggedMetrics(store: RunStore, outcome: TrainOutcome): Record<string, number> {
  if (outcome.runId === undefined || outcome.status !== 'finished') return { ...outcome.metrics };
  const logged = Object.fromEntries(store.getMetricSummaries(outcome.runId).map((m) => [m.key, m.latest]));
  return { ...logged, ...outcome.metrics };
}

/** Table order: test scores, then the cross-validation summary, then the rest. */
function metricRank(key: string): number {
  return key.startsWith('test_') ? 0 : key.startsWith('cv_') ? 1 : 2;
}

/** Forks the trainer, shows progress, turns Ctrl-C into a clean cancel. */
export async function runTrainer(
  ctx: CliContext,
  request: TrainRequest,
  store: RunStore,
  showStdout = false,
  onRunStarted?: (runId: string) => void,
): Promise<TrainOutcome> {
  const reporter = new ProgressReporter(ctx.raw.err, ctx.interactive);
  const trainer = new TrainerProcess(request, {
    store,
    onMessage: (m) => {
      if (m.type === 'started') onRunStarted?.(m.runId);
      reporter.handle(m);
    },
    // A built-in model's worker repeats the progress on stdout as log lines
    // (kept as the run's log artifact): shown with --verbose only. A command
    // run's stdout is the script's, shown always. stderr always shows.
    onOutput: (text, stream) => {
      if (stream === 'stdout' && !showStdout) return;
      reporter.clear();
      ctx.raw.err(text); // as the process wrote it: a script's progress bar redraws with \r
    },
  });
  const onSignal = () => trainer.cancel();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await trainer.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    reporter.clear();
    trainer.dispose();
  }
}
