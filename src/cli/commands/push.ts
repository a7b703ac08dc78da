/**
 * `runlens push <run…> | --filter Q [--experiment E] | --model REF… [--to URI] [--to-experiment NAME] [--json]`:
 * ships runs to an MLflow tracking server, incrementally (a second push
 * sends nothing new) and idempotently (a run is created there once); with
 * `--model`, registered versions into its model registry.
 */
import { parseArgs } from 'node:util';
import { credentialsFromEnv } from '../../mlflow/client/credentials';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import { normalizeServerUri } from '../../mlflow/client/mlflowHttp';
import { pushRuns } from '../../tracking/push/pushRuns';
import type { PushSummary } from '../../tracking/push/pushTypes';
import type { RunStore } from '../../store/runStore';
import { pushModelVersions, versionsToPush } from '../../tracking/push/pushModels';
import { CliError, type CliContext, type Command } from '../context';

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

const USAGE = 'runlens push <run>... | --filter QUERY [--experiment E] | --model NAME[@ALIAS|:VERSION]... [--to URI] [--to-experiment NAME] [--json]';

/** `--model`: registered versions (their runs pushed along) into the server's model registry. */
async function pushModels(ctx: CliContext, store: RunStore, server: string, refs: readonly string[], json: boolean): Promise<number> {
  const versions = refs.flatMap((ref) => versionsToPush(store.registry, ref));
  const client = new MlflowClient(server, { credentials: credentialsFromEnv(ctx.env) });
  const s = await pushModelVersions(versions, store.registry, {
    source: store, ledger: store.sync, client,
    onRun: (done, total, run) => ctx.err(`push ${done}/${total}: ${run.experiment} · ${run.name}\n`),
  });
  if (json) ctx.out(JSON.stringify({ server, ...s }) + '\n');
  else {
    ctx.out(`${describe(s.runs, server)}\n`);
    ctx.out(`registry: ${s.versionsCreated} versions created, ${s.aliasesSet} aliases set (${Object.entries(s.versions).map(([k, v]) => `${k} → ${k.split(':')[0]}:${v}`).join(', ') || 'none'})\n`);
    for (const f of s.runs.failures) ctx.err(`error: run ${f.runId.slice(0, 8)}: ${f.message}\n`);
    for (const f of s.failures) ctx.err(`error: ${f.ref}: ${f.message}\n`);
  }
  return s.failures.length + s.runs.failures.length > 0 ? 1 : 0;
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
      model: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0 && values.filter === undefined && values.experiment === undefined && values.model.length === 0) {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
  if (values.model.length > 0 && (positionals.length > 0 || values.filter !== undefined || values.experiment !== undefined)) {
    throw new CliError('push either runs or --model versions, not both in one command', 2);
  }
  const server = serverUriOf(values.to, ctx.env, '--to');
  const store = ctx.openStore();
  if (values.model.length > 0) return pushModels(ctx, store, server, values.model, values.json);
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
