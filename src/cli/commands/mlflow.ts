import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportMlflow } from '../../mlflow/exporter';
import { importMlflow, openMlflowSource } from '../../mlflow/importer';
import { createTrackingServer } from '../../mlflow/trackingServer';
import { CliError, type CliContext, type Command } from '../context';
import { plural } from '../../core/util/plural';

/** At most one progress line per this interval when stderr is not a terminal (CI logs). */
const PROGRESS_EVERY_MS = 2000;

function progress(ctx: CliContext): { update: (line: string, last: boolean) => void } {
  let lastPrint = 0;
  return {
    update(line, last) {
      if (ctx.interactive) {
        ctx.raw.err('\r\x1b[2K'); // the redraw is raw; the line (experiment names) is escaped by ctx.err
        ctx.err(`${line}${last ? '\n' : ''}`);
        return;
      }
      const now = Date.now();
      if (last || now - lastPrint >= PROGRESS_EVERY_MS) {
        lastPrint = now;
        ctx.err(`${line}\n`);
      }
    },
  };
}

/** `runlens import mlflow <mlruns-dir | mlflow.db> [--include-deleted] [--json]` */
export const importCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'include-deleted': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'mlflow' || positionals.length !== 2) {
    throw new CliError('usage: runlens import mlflow <mlruns-dir | mlflow.db> [--include-deleted] [--json]', 2);
  }
  const source = openMlflowSource(path.resolve(ctx.cwd, positionals[1]!));
  const store = ctx.openStore();
  const bar = progress(ctx);
  let summary;
  try {
    summary = importMlflow(store, source, {
      includeDeleted: values['include-deleted'],
      onProgress: (p) => bar.update(`importing ${p.done}/${p.total}: ${p.experiment} · ${p.runId.slice(0, 8)} ${p.outcome}`, p.done === p.total),
    });
  } finally {
    source.close();
  }
  for (const w of summary.warnings) ctx.err(`warning: ${w}\n`);
  if (values.json) {
    ctx.out(JSON.stringify(summary) + '\n');
    return 0;
  }
  const deleted = summary.deletedSkipped ? `, ${summary.deletedSkipped} deleted (use --include-deleted)` : '';
  ctx.out(
    `imported ${plural(summary.imported, 'run')} from ${summary.source} (${plural(summary.metricPoints, 'metric point')}, ${plural(summary.artifacts, 'artifact')}); ` +
      `${summary.updated ? `updated ${plural(summary.updated, 'run')} MLflow had carried on with; ` : ''}skipped ${summary.skipped} already in the store${deleted}\n`,
  );
  return 0;
};

/** `runlens export mlflow <dir> [--experiment E] [--filter QUERY] [--json]` */
export const exportCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { experiment: { type: 'string' }, filter: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'mlflow' || positionals.length !== 2) {
    throw new CliError('usage: runlens export mlflow <dir> [--experiment E] [--filter QUERY] [--json]', 2);
  }
  const store = ctx.openStore();
  const bar = progress(ctx);
  const summary = exportMlflow(store, path.resolve(ctx.cwd, positionals[1]!), {
    experiment: values.experiment,
    filter: values.filter,
    onProgress: (p) => bar.update(`exporting ${p.done}/${p.total}: ${p.run}`, p.done === p.total),
  });
  for (const w of summary.warnings) ctx.err(`warning: ${w}\n`);
  if (values.json) ctx.out(JSON.stringify(summary) + '\n');
  else {
    ctx.out(
      `exported ${plural(summary.runs, 'run')} in ${plural(summary.experiments, 'experiment')} (${plural(summary.metricPoints, 'metric point')}, ${plural(summary.artifacts, 'artifact')}) to ${summary.dir}\n` +
        `open it with: mlflow ui --backend-store-uri ${summary.dir}\n`,
    );
  }
  return 0;
};

/**
 * `runlens server [--port 5000] [--host 127.0.0.1]`: the MLflow tracking
 * REST API over this store until SIGINT/SIGTERM. The first stdout line is
 * `listening on <url>` (the editor's server command waits for it).
 */
export const serverCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { port: { type: 'string', default: '5000' }, host: { type: 'string', default: '127.0.0.1' }, quiet: { type: 'boolean', default: false } },
  });
  if (positionals.length > 0) throw new CliError('usage: runlens server [--port 5000] [--host 127.0.0.1] [--quiet]', 2);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port expects a port number, got "${values.port}"`, 2);
  const store = ctx.openStore();
  const server = createTrackingServer(store, { port, host: values.host, log: values.quiet ? undefined : (line) => ctx.out(`${line}\n`) });
  let address;
  try {
    address = await server.listen();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${values.host} is in use; pick another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new CliError(`cannot listen on host "${values.host}" (${code})`);
    throw e;
  }
  ctx.out(`listening on ${address.url}\n`);
  ctx.out(`MLflow-compatible tracking server over ${store.dir}; in your script's environment: MLFLOW_TRACKING_URI=${address.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (reason: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('disconnect', onDisconnect);
      ctx.out(`${reason} received: finishing in-flight requests\n`);
      void server.close().then(resolve);
    };
    // Started by the editor (forked with an IPC channel): stop when it goes away, even if it could not send SIGTERM.
    const onDisconnect = () => stop('disconnect');
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (process.connected) process.once('disconnect', onDisconnect);
  });
  // The IPC channel would keep the event loop alive after the server closed.
  if (process.connected) process.disconnect();
  ctx.out('server stopped\n');
  return 0;
};
