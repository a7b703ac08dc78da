import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { RUNLENS_VERSION } from '../../core/version';
import { DataError } from '../../core/data/dataError';
import type { Frame } from '../../core/data/frame';
import { HttpError, invalidInput } from '../../http/httpErrors';
import { readBody } from '../../http/readBody';
import { requestUrl } from '../../http/requestTarget';
import { hostGuard } from '../../http/hostCheck';
import { parseScoringRequest, scoringFormat } from './scoringRequest';
import { ServeMetrics } from './serveMetrics';
import type { RequestLog } from './requestLog';
import { columnNames } from '../../core/data/frame';
import { ColumnMismatchError, ignoredColumns, recordKeys } from './servingModel';
import type { ServingModel } from './servingModel';
import { serverLifecycle } from '../../http/serverLifecycle';

export interface ModelServerOptions {
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: exposing a model to the network is an explicit choice. */
  readonly host?: string;
  /** Largest accepted request body; default 10 MiB. */
  readonly maxBodyBytes?: number;
  /** How long `close()` waits for in-flight requests before cutting connections; default 10 s. */
  readonly shutdownGraceMs?: number;
  /** Called once per finished request (the entry prints it). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /** Regression only: upper bounds of the predicted-value histogram. */
  readonly predictionBuckets?: readonly number[];
  /** Logs sampled `/invocations` requests with their inputs and predictions; the caller closes it. */
  readonly requestLog?: RequestLog;
  /**
   * Columns a scored request sent that the model does not take, the first
   * time each is seen (the entry prints one line); later requests only get
   * the {@link IGNORED_COLUMNS_HEADER}.
   */
  readonly onIgnoredColumns?: (columns: readonly string[]) => void;
}

/**
 * The response header naming the columns a request sent that the model does
 * not take (excluded at training, the target, unknown): served without them
 * as MLflow does, and the body keeps MLflow's shape, so the header is where
 * a client sees them. Names are comma-separated, `%`-encoded outside
 * printable ASCII and for `,` and `%`.
 */
export const IGNORED_COLUMNS_HEADER = 'X-RunLens-Ignored-Columns';
/** The most names the header and the server's line list (a client may send thousands of keys). */
const MAX_LISTED = 32;
/** The most distinct ignored columns the server announces; past it, none (a client sending random keys cannot fill the log). */
const MAX_ANNOUNCED = 256;

/** Column names for a header or a log line: one line, printable ASCII, at most {@link MAX_LISTED} of them. */
export function columnList(columns: readonly string[]): string {
  const escape = (ch: string): string => Array.from(Buffer.from(ch, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  const shown = columns.slice(0, MAX_LISTED).map((c) => c.replace(/[^\x20-\x7e]|[%,]/gu, escape));
  const more = columns.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` (+${more} more)` : '');
}

export interface RequestLogEntry {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly ms: number;
  /** Rows scored (for `/invocations`). */
  readonly rows?: number;
}

/** A model server; create it with `createServer`. */
export interface ModelServer {
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<{ port: number; host: string }>;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

const KNOWN_PATHS: Readonly<Record<string, readonly string[]>> = {
  '/invocations': ['POST'],
  '/ping': ['GET', 'HEAD'],
  '/health': ['GET', 'HEAD'],
  '/metrics': ['GET', 'HEAD'],
  '/version': ['GET', 'HEAD'],
};

/**
 * An HTTP server for one model with MLflow's scoring protocol:
 * `POST /invocations`, `GET /ping`, `GET /version`, plus `GET /health` and Prometheus
 * `GET /metrics`. Plain `node:http`: five routes do not need a framework.
 */
export function createServer(model: ServingModel, options: ModelServerOptions = {}): ModelServer {
  const port = options.port ?? 8080;
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const metrics = new ServeMetrics(model.info, Date.now, options.predictionBuckets);
  const startedAt = Date.now();
  const checkHost = hostGuard(host, 'runlens serve');
  const announced = new Set<string>();
  const announce = (columns: readonly string[]): void => {
    const fresh = columns.filter((c) => !announced.has(c)).slice(0, MAX_ANNOUNCED - announced.size);
    for (const c of fresh) announced.add(c);
    if (fresh.length > 0) options.onIgnoredColumns?.(fresh);
  };

  const server: Server = createHttpServer((req, res) => {
    const start = process.hrtime.bigint();
    const pathname = (req.url ?? '/').split('?')[0]!;
    const path = Object.hasOwn(KNOWN_PATHS, pathname) ? pathname : 'other';
    let rows: number | undefined;
    const scored: Scored = {};
    let refused = false;
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.recordRequest(req.method ?? '', path, res.statusCode, seconds);
      options.onRequest?.({ method: req.method ?? '', url: req.url ?? '', status: res.statusCode, ms: seconds * 1000, ...(rows !== undefined ? { rows } : {}) });
      // A refused request (foreign Host, wrong method or content type) scored nothing: it stays out of the drift data.
      if (path === '/invocations' && !refused && options.requestLog?.sample()) {
        options.requestLog.write({ ms: seconds * 1000, status: res.statusCode, rows: rows ?? 0, ...scored });
      }
    });
    handle(req, path, scored)
      .then((r) => {
        rows = r.rows;
        for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
        send(res, r.status, r.body, r.contentType);
      })
      .catch((e: unknown) => {
        const err = toHttpError(e);
        scored.error = err.errorCode;
        refused = REFUSED_STATUSES.has(err.status);
        for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
        if (err.status === 413) {
          // The rest of the body is not read; close rather than drain an oversized upload.
          res.setHeader('Connection', 'close');
        }
        send(res, err.status, JSON.stringify(err.body()), 'application/json');
        if (!req.complete) req.resume();
      });
  });
  const lifecycle = serverLifecycle(server, { port, host, graceMs });

  async function handle(req: IncomingMessage, path: string, scored: Scored): Promise<Reply> {
    checkHost(req);
    const url = requestUrl(req);
    const allowed = KNOWN_PATHS[path];
    if (!allowed) throw new HttpError(404, 'ENDPOINT_NOT_FOUND', `no endpoint ${url.pathname}; the endpoints are: ${Object.keys(KNOWN_PATHS).join(', ')}`);
    const method = req.method ?? '';
    if (!allowed.includes(method)) {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(' or ')}`, {}, { Allow: allowed.join(', ') });
    }
    switch (path) {
      case '/ping':
        // 503 while shutting down, so a load balancer stops sending traffic.
        return lifecycle.closing ? { status: 503, body: '\n', contentType: 'text/plain' } : { status: 200, body: '\n', contentType: 'text/plain' };
      case '/health':
        return { status: 200, body: JSON.stringify(healthBody()), contentType: 'application/json' };
      case '/metrics':
        return { status: 200, body: metrics.render(), contentType: 'text/plain; version=0.0.4; charset=utf-8' };
      case '/version':
        // MLflow's scoring server answers its own version here; this server is RunLens's.
        return { status: 200, body: RUNLENS_VERSION, contentType: 'text/plain' };
      default:
        return invocations(req, url, scored);
    }
  }

  function healthBody(): Record<string, unknown> {
    const i = model.info;
    return {
      status: lifecycle.closing ? 'shutting_down' : 'ok',
      run_id: i.runId,
      task: i.task,
      model_type: i.modelType,
      target: i.target,
      inputs: i.inputColumns,
      ...(i.classes ? { classes: i.classes } : {}),
      runlens_version: i.runlensVersion,
      uptime_seconds: (Date.now() - startedAt) / 1000,
    };
  }

  async function invocations(req: IncomingMessage, url: URL, scored: Scored): Promise<Reply> {
    const format = scoringFormat(req.headers['content-type']);
    const body = await readBody(req, maxBodyBytes, 'REQUEST_TOO_LARGE');
    const request = parseScoringRequest(body, format, url.searchParams, model.info.inputColumns);
    const frame: Frame = request.kind === 'frame' ? request.frame : model.recordsFrame(request.records);
    const ignored = ignoredColumns(request.kind === 'frame' ? columnNames(request.frame) : recordKeys(request.records), model.info.inputColumns);
    rejectInfinite(frame, model.info.numericInputs);
    let result: Record<string, unknown>;
    if (request.probabilities) {
      if (!model.predictProbaFrame) {
        throw invalidInput(model.info.task === 'regression'
          ? 'probabilities are only available for classification models'
          : `the ${model.info.modelType} model does not give probabilities`);
      }
      const r = model.predictProbaFrame(frame);
      result = { predictions: r.predictions, probabilities: r.probabilities, classes: r.classes };
    } else {
      result = { predictions: model.predictFrame(frame) };
    }
    const predictions = result.predictions as Parameters<ServeMetrics['recordPredictions']>[0];
    metrics.recordPredictions(predictions);
    metrics.recordInputs(frame);
    scored.frame = frame;
    scored.predictions = predictions;
    if (ignored.length === 0) return { status: 200, body: JSON.stringify(result), contentType: 'application/json', rows: predictions.length };
    announce(ignored);
    return { status: 200, body: JSON.stringify(result), contentType: 'application/json', rows: predictions.length, headers: { [IGNORED_COLUMNS_HEADER]: columnList(ignored) } };
  }

  return { listen: () => lifecycle.listen(), close: () => lifecycle.close() };
}

/** What an `/invocations` request scored, kept for the request log. */
interface Scored { frame?: Frame; predictions?: readonly unknown[]; error?: string }

/** Answers that refuse a request before reading it (foreign Host, wrong method, wrong content type): not a client's scoring attempt. */
const REFUSED_STATUSES = new Set([403, 405, 415]);

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly rows?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

function send(res: ServerResponse, status: number, body: string, contentType: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * ±Infinity in a numeric input (1e400, "inf") has no meaning to the model and
 * would come back as a null prediction: a 400 naming the row and column.
 * NaN / null stay what they are at training: a missing value.
 */
function rejectInfinite(frame: Frame, numeric: readonly string[]): void {
  for (const col of frame.columns) {
    if (col.type === 'categorical' || !numeric.includes(col.name)) continue;
    const i = col.values.findIndex((v) => v === Infinity || v === -Infinity);
    if (i >= 0) throw invalidInput(`row ${i + 1}, column "${col.name}": ${col.values[i]} is not a finite number`);
  }
}

function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof ColumnMismatchError) return invalidInput(e.message, { missing_columns: e.missing, extra_columns: e.extra });
  if (e instanceof DataError) return invalidInput(e.message);
  return new HttpError(500, 'INTERNAL_ERROR', `internal error: ${e instanceof Error ? e.message : String(e)}`);
}
