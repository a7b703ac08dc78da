import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { QueryError } from '../core/query/ast';
import { UserError } from '../core/util/errors';
import { HttpError } from '../http/httpErrors';
import { hostGuard } from '../http/hostCheck';
import { readBody } from '../http/readBody';
import { requestUrl } from '../http/requestTarget';
import { serverLifecycle } from '../http/serverLifecycle';
import type { RunStore } from '../store/runStore';
import { MAX_BATCH_REQUEST_BYTES } from './mlflowFormat';
import type { Json } from './restShapes';
import { invalidParam, toProtoJson } from './restShapes';
import { ARTIFACTS_PREFIX, handleArtifacts } from './trackingArtifacts';
import { TrackingApi } from './trackingApi';

export interface TrackingServerOptions {
  /** Default 5000 (MLflow's); 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: a tracking server that writes your store is not for the network unless you say so. */
  readonly host?: string;
  /** Largest JSON request body; default 16 MiB (log-batch has MLflow's own 1 MB limit). */
  readonly maxBodyBytes?: number;
  /** How long `close()` lets in-flight requests finish; default 10 s. */
  readonly shutdownGraceMs?: number;
  /** One line per request. */
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

export interface TrackingServer {
  /** Starts listening; resolves with the bound address and the URL to put in MLFLOW_TRACKING_URI. */
  listen(): Promise<{ port: number; host: string; url: string }>;
  /** Stops accepting connections and lets in-flight requests finish. */
  close(): Promise<void>;
}

/** The API paths MLflow's Flask app registers for each endpoint. */
const API_PREFIXES = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/', '/api/2.0/preview/mlflow/'];

/** Query-string fields as MLflow's GET handlers read them: a repeated key is a list. */
function queryObject(params: URLSearchParams): Json {
  const out: Json = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

/** A JSON object from the body; MLflow also accepts a JSON string holding the object (older clients double-encode). */
function parseJsonBody(body: Buffer): Json {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (typeof value === 'string') value = JSON.parse(value);
  } catch (e) {
    throw new HttpError(400, 'MALFORMED_REQUEST', `Malformed JSON request body: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'MALFORMED_REQUEST', 'Malformed request body: expected a JSON object');
  }
  return value as Json;
}

/**
 * A `.` or `..` segment, literal or percent-encoded, between `/` or `\`
 * (URL parsing reads both as separators): URL parsing would resolve it and
 * route the request somewhere else than it names (an artifact upload to
 * another run's path, or to an API endpoint), so it is refused instead.
 */
const DOT_SEGMENT = /(?:^|[/\\])(?:\.|%2e){1,2}(?=[/\\?#]|$)/i;

/** The request target's path as sent, before URL parsing resolves anything in it. */
function rawPath(req: IncomingMessage): string {
  const target = req.url ?? '/';
  return target.slice(0, target.search(/[?#]|$/));
}

function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof QueryError || e instanceof UserError) return invalidParam(e.message);
  return new HttpError(500, 'INTERNAL_ERROR', `internal error: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * `runlens server`: MLflow's tracking REST API (the subset the `mlflow`
 * client's logging uses, see TrackingApi) and its artifact upload endpoints,
 * writing into a RunStore. Plain `node:http`: a dozen JSON routes with one
 * body reader need no framework, and the store calls are synchronous anyway.
 */
export function createTrackingServer(store: RunStore, options: TrackingServerOptions = {}): TrackingServer {
  const api = new TrackingApi(store, { now: options.now });
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const checkHost = hostGuard(options.host ?? '127.0.0.1', 'runlens server');

  async function route(req: IncomingMessage, res: ServerResponse): Promise<Json | string | undefined> {
    const method = req.method ?? '';
    checkHost(req);
    if (DOT_SEGMENT.test(rawPath(req))) {
      throw invalidParam(`request path "${rawPath(req)}" has a "." or ".." segment; name the endpoint (or artifact) without them`);
    }
    const url = requestUrl(req);
    if (url.pathname === '/health') return 'OK';
    if (url.pathname === ARTIFACTS_PREFIX || url.pathname.startsWith(`${ARTIFACTS_PREFIX}/`)) {
      return handleArtifacts(store, req, res, url, (id) => api.run(id));
    }
    const prefix = API_PREFIXES.find((p) => url.pathname.startsWith(p));
    const name = prefix ? url.pathname.slice(prefix.length) : '';
    const endpoint = Object.hasOwn(api.endpoints, name) ? api.endpoints[name] : undefined;
    if (!endpoint) throw new HttpError(404, 'ENDPOINT_NOT_FOUND', `no endpoint ${url.pathname} on runlens server (it serves the MLflow tracking API subset: ${Object.keys(api.endpoints).join(', ')})`);
    if (!endpoint.methods.includes(method)) {
      throw new HttpError(405, 'BAD_REQUEST', `${method} is not allowed on ${url.pathname}; use ${endpoint.methods.join(' or ')}`, {}, { Allow: endpoint.methods.join(', ') });
    }
    let request: Json;
    if (method === 'GET') request = queryObject(url.searchParams);
    else {
      // As MLflow's _validate_content_type: it also makes a browser preflight any cross-site POST, which this server never approves.
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') throw invalidParam(`Bad Request. Content-Type must be one of ['application/json'], got '${type}'.`);
      const body = await readBody(req, maxBody, 'REQUEST_LIMIT_EXCEEDED');
      // MLflow's documented LogBatch request limit; checked on the bytes received.
      if (name === 'runs/log-batch' && body.length > MAX_BATCH_REQUEST_BYTES) {
        throw invalidParam(`Batched logging API requests must be at most ${MAX_BATCH_REQUEST_BYTES} bytes, got a request of size ${body.length}.`);
      }
      request = parseJsonBody(body);
    }
    return endpoint.handle(request, method);
  }

  const server: Server = createServer((req, res) => {
    const start = process.hrtime.bigint();
    const pathname = rawPath(req);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      options.log?.(`${new Date().toISOString()} ${req.method} ${pathname} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    route(req, res)
      .then((body) => {
        if (body === undefined || res.headersSent) return;
        const text = typeof body === 'string' ? body : toProtoJson(body);
        res.writeHead(200, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      })
      .catch((e: unknown) => {
        const err = toHttpError(e);
        if (err.status === 500) options.log?.(`error on ${req.method} ${pathname}: ${err.message}`);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const text = JSON.stringify(err.body());
        res.writeHead(err.status, { ...err.headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...(err.status === 413 ? { Connection: 'close' } : {}) });
        res.end(text);
        if (!req.complete) req.resume();
      });
  });

  const lifecycle = serverLifecycle(server, { port: options.port ?? 5000, host: options.host ?? '127.0.0.1', graceMs });

  return {
    listen: async () => {
      const { port, host } = await lifecycle.listen();
      return { port, host, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
    },
    close: () => lifecycle.close(),
  };
}
