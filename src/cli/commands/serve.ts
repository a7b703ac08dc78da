import { parseArgs } from 'node:util';
import { CliError, type Command } from '../context';
import { readModelPackage, startServing } from '../../deploy/serve/startServing';

/**
 * `runlens serve <run>`: serves the run's model package over HTTP
 * (MLflow's scoring protocol on /invocations, /ping, /health, /metrics)
 * until SIGINT/SIGTERM, which finish in-flight requests first.
 */
export const serveCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'max-body-bytes': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new CliError('usage: runlens serve <run> [--port N] [--host H] [--max-body-bytes N]', 2);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port expects a port number, got "${values.port}"`, 2);
  const maxBodyBytes = values['max-body-bytes'] === undefined ? undefined : Number(values['max-body-bytes']);
  if (maxBodyBytes !== undefined && !(maxBodyBytes > 0)) throw new CliError(`--max-body-bytes expects a positive number`, 2);
  const store = ctx.openStore();
  const run = store.findRun(positionals[0]!);
  if (!run) throw new CliError(`no run "${positionals[0]}"`);
  const artifact = store.listArtifacts(run.id).find((a) => a.path === 'model/model.json');
  if (!artifact) throw new CliError(`run ${run.name} has no model package (model/model.json); only finished training runs have one`);
  const pkg = readModelPackage(store.artifactPath(artifact.sha256));
  const server = await startServing(pkg, { port, host: values.host, maxBodyBytes, handleSignals: false, log: (line) => ctx.out(`${line}\n`) });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ctx.out(`${signal} received: finishing in-flight requests\n`);
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
};
