import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { listenError } from '../listenError';
import { CliError, type Command } from '../context';
import { untilSignal } from '../signals';
import { serveImage } from './serveImage';
import { startServing } from '../../deploy/serve/startServing';
import { resolveModel } from '../../deploy/registry/resolveModel';
import { parseLogRate, parseMaxMb, parseSampleRate } from '../../deploy/serve/requestLog';

/**
 * `runlens serve <model>[@alias|:version] | <run>`: serves a registered
 * model version's package, or a run's, over HTTP (MLflow's scoring protocol
 * on /invocations, /ping, /health, /metrics) until SIGINT/SIGTERM, which
 * finish in-flight requests first. Serving a registered version records a
 * deployment (URL, pid) that is marked stopped on exit; one whose process
 * died without that is shown stopped by listDeployments.
 */
export const serveCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'max-body-bytes': { type: 'string' },
      'request-log': { type: 'string' },
      'no-request-log': { type: 'boolean' },
      'log-sample-rate': { type: 'string' },
      'log-rate': { type: 'string' },
      'log-max-mb': { type: 'string' },
      image: { type: 'boolean', default: false },
      'cli-arg': { type: 'string', multiple: true },
    },
  });
  if (positionals.length !== 1) throw new CliError(`usage: runlens serve <model>[@alias|:version] | <run> [--port N] [--host H] [--max-body-bytes N] [--request-log FILE | --no-request-log] [--image [--cli-arg=X ...]]`, 2);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port expects a port number, got "${values.port}"`, 2);
  const maxBodyBytes = values['max-body-bytes'] === undefined ? undefined : Number(values['max-body-bytes']);
  if (maxBodyBytes !== undefined && !(maxBodyBytes > 0)) throw new CliError(`--max-body-bytes expects a positive number`, 2);
  const logRate = values['log-rate'] === undefined ? undefined : flagValue(() => parseLogRate(values['log-rate']!, ''));
  const store = ctx.openStore();
  const model = resolveModel(store, positionals[0]!);
  if (values.image) {
    for (const flag of ['max-body-bytes', 'log-sample-rate', 'log-max-mb'] as const) {
      if (values[flag] !== undefined) throw new CliError(`--${flag} is not passed to an image (its server runs with its defaults); drop it or serve without --image`, 2);
    }
    return serveImage(ctx, store, model, { port, host: values.host, requestLog: values['no-request-log'] ? null : values['request-log'], logRate, cliArgs: values['cli-arg'] ?? [] });
  }
  ctx.out(`${model.label}${model.name !== null ? ` (run ${model.runName})` : ''}\n`);
  // Requests are logged by default (what `runlens monitor` and the Deploy panel read for input drift).
  const defaultLog = values['no-request-log'] ? undefined
    : join(ctx.storeDir, 'serving', `${model.name !== null ? `${model.name}-v${model.version}` : `run-${model.runId}`}.jsonl`);
  const logOptions = requestLogOptions(ctx.cwd, { ...values, 'request-log': values['no-request-log'] ? undefined : values['request-log'] ?? defaultLog });
  if (logOptions.requestLogFile) mkdirSync(dirname(logOptions.requestLogFile), { recursive: true });
  // Listening before anything is printed: a SIGTERM sent as soon as the deployment line shows (the editor's
  // Stop, a test) must find the handler, or Node's default action ends the process before it marks the deployment stopped.
  const signalled = untilSignal(ctx);
  const server = await startServing(model.pkg, { port, host: values.host, maxBodyBytes, handleSignals: false, log: (line) => ctx.out(`${line}\n`), ...logOptions, ...(logRate !== undefined ? { logRate } : {}) })
    .catch((e: unknown) => {
      throw listenError(e, port, values.host);
    });
  const deployment = model.name === null || model.version === null ? undefined
    : store.registry.addDeployment({ name: model.name, version: model.version, kind: 'local', url: server.url, pid: process.pid, requestLog: server.requestLogFile });
  if (deployment) ctx.out(`deployment #${deployment.id} of ${model.label} recorded\n`);
  await signalled;
  await server.close();
  if (deployment) store.registry.stopDeployment(deployment.id);
  return 0;
};

/** `--request-log FILE [--log-sample-rate R] [--log-max-mb N]` as startServing options. */
function requestLogOptions(cwd: string, v: { 'request-log'?: string; 'log-sample-rate'?: string; 'log-max-mb'?: string }): {
  requestLogFile?: string; logSampleRate?: number; logMaxBytes?: number;
} {
  const usage = 'usage: runlens serve <run> [--request-log FILE] [--log-sample-rate 0..1] [--log-rate 200] [--log-max-mb 50]';
  return flagValue(() => ({
    ...(v['request-log'] !== undefined ? { requestLogFile: resolve(cwd, v['request-log']) } : {}),
    ...(v['log-sample-rate'] !== undefined ? { logSampleRate: parseSampleRate(v['log-sample-rate'], usage) } : {}),
    ...(v['log-max-mb'] !== undefined ? { logMaxBytes: parseMaxMb(v['log-max-mb'], usage) } : {}),
  }));
}

/** A flag parser's error as the CLI's one-line usage error (exit code 2). */
function flagValue<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new CliError((e as Error).message.split('\n')[0]!, 2);
  }
}
