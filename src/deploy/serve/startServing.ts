import { readFileSync } from 'node:fs';
import { parseModelPackage } from '../../core/package/modelPackage';
import type { ModelPackage } from '../../core/package/modelPackage';
import { createServer } from './modelServer';
import type { ModelServer, ModelServerOptions, RequestLogEntry } from './modelServer';
import { loadModelForServing } from './servingModel';

export interface StartServingOptions extends Omit<ModelServerOptions, 'onRequest'> {
  /** Where the request log and start/stop lines go; default stdout. */
  readonly log?: (line: string) => void;
  /** Install SIGTERM/SIGINT handlers that close gracefully; default true. */
  readonly handleSignals?: boolean;
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  /** Graceful stop; also what SIGTERM/SIGINT trigger. */
  close(): Promise<void>;
}

/** Reads and validates a `model.json` model package. */
export function readModelPackage(path: string): ModelPackage {
  return parseModelPackage(readFileSync(path, 'utf8'), path);
}

/**
 * Loads a model package, serves it and logs one line per request. With
 * `handleSignals`, SIGTERM / SIGINT stop accepting connections, let
 * in-flight requests finish and then leave the process to exit. This is
 * what `runlens serve <run>` calls once it has found the run's package.
 */
export async function startServing(pkg: ModelPackage, options: StartServingOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const model = loadModelForServing(pkg);
  const server: ModelServer = createServer(model, { ...options, onRequest: (e) => log(formatRequest(e)) });
  const { port, host } = await server.listen();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`serving run ${pkg.runId} (${model.info.task}, ${model.info.modelType}) at ${url}/invocations`);

  let stopping: Promise<void> | undefined;
  const close = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await server.close();
      log('server stopped');
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal} received: finishing in-flight requests`);
    void close();
  };
  if (options.handleSignals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { port, host, url, close };
}

function formatRequest(e: RequestLogEntry): string {
  const rows = e.rows !== undefined ? ` rows=${e.rows}` : '';
  return `${new Date().toISOString()} ${e.method} ${e.url} ${e.status} ${e.ms.toFixed(1)}ms${rows}`;
}
