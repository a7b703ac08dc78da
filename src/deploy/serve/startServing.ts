import { readFileSync } from 'node:fs';
import { parseModelPackage } from '../../core/package/modelPackage';
import type { ModelPackage } from '../../core/package/modelPackage';
import { columnList, createServer, IGNORED_COLUMNS_HEADER } from './modelServer';
import type { ModelServer, ModelServerOptions, RequestLogEntry } from './modelServer';
import { DEFAULT_LOG_RATE, RequestLog } from './requestLog';
import { loadModelForServing } from './servingModel';

export interface StartServingOptions extends Omit<ModelServerOptions, 'onRequest'> {
  /** Where the request log and start/stop lines go; default stdout. */
  readonly log?: (line: string) => void;
  /** Install SIGTERM/SIGINT handlers that close gracefully; default true. */
  readonly handleSignals?: boolean;
  /** JSON Lines file of sampled requests with inputs and predictions (`runlens monitor` reads it); none by default. */
  readonly requestLogFile?: string;
  /** Fraction of requests written to the request log; default 1. */
  readonly logSampleRate?: number;
  /** Size at which the request log rotates to `<file>.1`; default 50 MiB. */
  readonly logMaxBytes?: number;
  /** Most requests written to the request log per second; default `DEFAULT_LOG_RATE` (200); 0 = every request. */
  readonly logRate?: number;
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  /** The request log's path, when one is written. */
  readonly requestLogFile?: string;
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
  const requestLog = options.requestLog ?? (options.requestLogFile === undefined ? undefined
    : new RequestLog({ path: options.requestLogFile, sampleRate: options.logSampleRate, maxPerSecond: options.logRate, maxBytes: options.logMaxBytes, onError: log }));
  const server: ModelServer = createServer(model, { ...options, requestLog, onRequest: (e) => log(formatRequest(e)),
    onIgnoredColumns: (c) => log(`ignoring column${c.length > 1 ? 's' : ''} the model does not take: ${columnList(c)} (said once; each response names ${c.length > 1 ? 'them' : 'it'} in ${IGNORED_COLUMNS_HEADER})`) });
  const { port, host } = await server.listen();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`serving run ${pkg.runId} (${model.info.task}, ${model.info.modelType}) at ${url}/invocations`);
  if (requestLog) log(`logging requests to ${requestLog.path} (${describeLogRate(options.logRate ?? DEFAULT_LOG_RATE)})`);

  let stopping: Promise<void> | undefined;
  const close = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await server.close();
      await requestLog?.close();
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
  return { port, host, url, ...(requestLog ? { requestLogFile: requestLog.path } : {}), close };
}

function describeLogRate(perSecond: number): string {
  return perSecond === 0 ? 'every request' : `at most ${perSecond} requests a second`;
}

function formatRequest(e: RequestLogEntry): string {
  const rows = e.rows !== undefined ? ` rows=${e.rows}` : '';
  return `${new Date().toISOString()} ${e.method} ${e.url} ${e.status} ${e.ms.toFixed(1)}ms${rows}`;
}
