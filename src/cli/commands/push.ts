/**
 * `runlens push <run…> | --filter Q [--experiment E] [--to URI] [--to-experiment NAME] [--json]`:
 * ships runs to an MLflow tracking server, incrementally (a second push
 * sends nothing new) and idempotently (a run is created there once).
 */
import { parseArgs } from 'node:util';
import { credentialsFromEnv } from '../../mlflow/client/credentials';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import { normalizeServerUri } from '../../mlflow/client/mlflowHttp';
import { pushRuns } from '../../tracking/push/pushRuns';
import type { PushSummary } from '../../tracking/push/pushTypes';
import { CliError, type Command } from '../context';

/** The server a push or pull talks to: `--to URI`, else $MLFLOW_TRACKING_URI. */
export function serverUriOf(given: string | undefined, env: NodeJS.ProcessEnv, flag: string): string {
  const uri = given?.trim() || env.MLFLOW_TRACKING_URI?.trim();
  if (!uri) throw new CliError(`no tracking server: give ${flag} http://host:port, or set MLFLOW_TRACKING_URI`, 2);
  try {
    return normalizeServerUri(uri);
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
}

function describe(s: PushSummary, server: string): string {
  const runs = s.runsCreated + s.runsUpdated + s.runsUnchanged;
  const parts = [`${s.runsCreated} created`, `${s.runsUpdated} updated`, `${s.runsUnchanged} unchanged`];
  const sent = s.points + s.params + s.tags + s.artifacts === 0
    ? 'nothing new to send'
    : `sent ${s.params} params, ${s.tags} tags, ${s.points} metric points, ${s.artifacts} artifacts (${s.bytes} bytes)`;
  return `pushed ${runs} run${runs === 1 ? '' : 's'} to ${server} (${parts.join(', ')}): ${sent} in ${s.requests} requests`;
}

export const pushCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      filter: { type: 'string' },
      experiment: { type: 'string' },
      'to-experiment': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0 && values.filter === undefined && values.experiment === undefined) {
    throw new CliError('usage: runlens push <run>... | --filter QUERY [--experiment E] [--to URI] [--to-experiment NAME] [--json]', 2);
  }
  const server = serverUriOf(values.to, ctx.env, '--to');
  const store = ctx.openStore();
  const ids = positionals.map((ref) => store.getRun(ref).id);
  if (values.filter !== undefined || values.experiment !== undefined) {
    for (const r of store.listRuns({ filter: values.filter, experiment: values.experiment })) ids.push(r.id);
  }
  if (ids.length === 0) {
    ctx.out('no runs match: nothing to push\n');
    return 0;
  }
  const client = new MlflowClient(server, { credentials: credentialsFromEnv(ctx.env) });
  const abort = new AbortController();
  const onSignal = (): void => abort.abort(new Error('push interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let summary: PushSummary;
  try {
    summary = await pushRuns([...new Set(ids)], {
      source: store, ledger: store.sync, client, experiment: values['to-experiment'], signal: abort.signal,
      onRun: (done, total, run) => ctx.err(`push ${done}/${total}: ${run.experiment} · ${run.name}\n`),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (values.json) ctx.out(JSON.stringify({ server, ...summary }) + '\n');
  else {
    ctx.out(describe(summary, server) + '\n');
    for (const f of summary.failures) ctx.err(`error: run ${f.runId.slice(0, 8)}: ${f.message}\n`);
  }
  if (summary.failures.length > 0) {
    if (!values.json) ctx.err(`${summary.failures.length} run${summary.failures.length === 1 ? '' : 's'} not pushed; what was not sent is sent by the next push\n`);
    return 1;
  }
  return 0;
};
