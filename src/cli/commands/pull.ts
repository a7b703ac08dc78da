/**
 * `runlens pull [--from URI] [--experiment E] [--filter Q] [--models] [--recheck] [--json]`:
 * brings a tracking server's runs into the workspace store under their
 * server ids, and afterwards only what is new (a second pull fetches
 * nothing); with --models also the registered models whose runs it has.
 */
import { parseArgs } from 'node:util';
import { credentialsFromEnv } from '../../mlflow/client/credentials';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import type { ModelPullSummary } from '../../tracking/pull/pullModels';
import { pullModels } from '../../tracking/pull/pullModels';
import { pullRuns } from '../../tracking/pull/pullRuns';
import type { PullSummary, RunProgress } from '../../tracking/pull/pullTypes';
import { CliError, type Command } from '../context';
import { serverUriOf } from './push';
import { plural } from '../../core/util/plural';


function progressLine(p: RunProgress): string {
  const what = p.outcome === 'failed'
    ? `failed: ${p.error ?? ''}`
    : p.outcome === 'unchanged' ? 'unchanged' : `${p.outcome} (${plural(p.points, 'point')}, ${plural(p.artifacts, 'artifact')})`;
  return `pull ${p.done}/${p.total}: ${p.experiment} · ${p.name || p.remoteRunId.slice(0, 8)}: ${what}\n`;
}

function describe(s: PullSummary, server: string): string {
  const runs = s.runsNew + s.runsUpdated + s.runsUnchanged;
  const parts = `${s.runsNew} new, ${s.runsUpdated} updated, ${s.runsUnchanged} unchanged`;
  const got = s.points + s.params + s.tags + s.artifacts + s.inputs === 0
    ? 'nothing new'
    : `${plural(s.params, 'param')}, ${plural(s.tags, 'tag')}, ${plural(s.points, 'metric point')}, ${plural(s.artifacts, 'artifact')} (${s.bytes} bytes), ${plural(s.inputs, 'dataset input')}`;
  return `pulled ${plural(runs, 'run')} from ${server} (${parts}): ${got} in ${plural(s.requests, 'request')}`;
}

function describeModels(m: ModelPullSummary): string {
  return `models: ${m.modelsNew} new, ${plural(m.versionsNew, 'version')} registered, ${m.versionsUnchanged} already here, ${m.aliasesSet} alias${m.aliasesSet === 1 ? '' : 'es'} set` +
    (m.skipped.length > 0 ? `, ${m.skipped.length} skipped` : '');
}

export const pullCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      filter: { type: 'string' },
      experiment: { type: 'string' },
      models: { type: 'boolean', default: false },
      recheck: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) {
    throw new CliError(`unexpected argument "${positionals[0]}"; usage: runlens pull [--from URI] [--experiment E] [--filter QUERY] [--models] [--recheck] [--json]`, 2);
  }
  const server = serverUriOf(values.from, ctx.env, '--from');
  const store = ctx.openStore();
  const client = new MlflowClient(server, { credentials: credentialsFromEnv(ctx.env) });
  const abort = new AbortController();
  const onSignal = (): void => abort.abort(new Error('pull interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let summary: PullSummary;
  let models: ModelPullSummary | undefined;
  try {
    summary = await pullRuns({
      store, client, experiment: values.experiment, filter: values.filter, recheck: values.recheck, signal: abort.signal,
      onRun: (p) => ctx.err(progressLine(p)),
    });
    if (values.models) models = await pullModels({ store, client, signal: abort.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (values.json) ctx.out(JSON.stringify({ server, ...summary, ...(models ? { models } : {}) }) + '\n');
  else {
    ctx.out(describe(summary, server) + '\n');
    if (models) ctx.out(describeModels(models) + '\n');
    for (const w of summary.warnings) ctx.err(`warning: ${w}\n`);
    for (const s of models?.skipped ?? []) ctx.err(`skipped: ${s}\n`);
    for (const f of summary.failures) ctx.err(`error: run ${f.remoteRunId.slice(0, 8)}: ${f.message}\n`);
    if (summary.failures.length > 0) ctx.err(`${plural(summary.failures.length, 'run')} not pulled; pull again to bring what was not\n`);
  }
  return summary.failures.length > 0 ? 1 : 0;
};
