/**
 * HTTP to an MLflow tracking server: JSON in protobuf's spelling, the
 * credentials MLflow's client sends, and retries with backoff on the answers
 * MLflow's own client treats as transient (network errors, 429, 500, 502,
 * 503, 504). Every failure is one {@link MlflowRestError} line naming the
 * server, the endpoint and MLflow's error code.
 */
import type { MlflowCredentials } from './credentials';
import { authorizationHeader } from './credentials';

/** How often and how patiently a transient failure is retried. */
export interface RetryPolicy {
  /** Attempts in all (1 = no retry). Default 5. */
  readonly attempts: number;
  /** First backoff; doubles each time up to maxDelayMs, with ±50% jitter. Default 500 ms. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 };
/** Status codes MLflow's Python client retries (mlflow/utils/rest_utils.py). */
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

export interface MlflowHttpOptions {
  readonly credentials?: MlflowCredentials;
  readonly retry?: RetryPolicy;
  /** Per-request time limit. Default 30 s. */
  readonly timeoutMs?: number;
  /** Waits between retries; tests pass one that resolves at once or on their clock. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** A failed call: `status` 0 when no HTTP answer came (refused, reset, timed out). */
export class MlflowRestError extends Error {
  constructor(
    message: string,
    readonly server: string,
    readonly endpoint: string,
    readonly status: number,
    readonly errorCode: string,
  ) {
    super(message);
    this.name = 'MlflowRestError';
  }

  /** Worth retrying later: the server was away or overloaded, not a refusal of the request. */
  get transient(): boolean {
    return this.status === 0 || TRANSIENT_STATUS.has(this.status);
  }

  get notFound(): boolean {
    return this.status === 404 || this.errorCode === 'RESOURCE_DOES_NOT_EXIST';
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(t);
      reject(signal!.reason as Error);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * JSON text with protobuf's spelling of non-finite doubles ("NaN",
 * "Infinity", "-Infinity"): JSON.stringify would write null, which MLflow
 * cannot parse into a double.
 */
export function protoJson(body: unknown): string {
  return JSON.stringify(body, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return v;
  });
}

/** The server's base URL without a trailing slash; refuses anything but http(s). */
export function normalizeServerUri(uri: string): string {
  let u: URL;
  try {
    u = new URL(uri.trim());
  } catch {
    throw new Error(`"${uri}" is not a tracking server URI (expected http://host:port or https://…)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`"${uri}" is not an http(s) tracking server URI`);
  if (u.username || u.password) throw new Error(`put credentials in MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN, not in the URI "${u.host}"`);
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/+$/, '');
}

export class MlflowHttp {
  readonly server: string;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly auth: string | undefined;

  constructor(uri: string, opts: MlflowHttpOptions = {}) {
    this.server = normalizeServerUri(uri);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    this.auth = opts.credentials ? authorizationHeader(opts.credentials) : undefined;
  }

  /** `path` relative to the server, e.g. `api/2.0/mlflow/runs/get`. */
  url(path: string, query?: Readonly<Record<string, QueryValue>>): string {
    const u = new URL(`${this.server}/${path.replace(/^\/+/, '')}`);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, item);
      else u.searchParams.set(k, String(v));
    }
    return u.toString();
  }

  getJson<T>(path: string, query?: Readonly<Record<string, QueryValue>>, signal?: AbortSignal): Promise<T> {
    return this.json<T>('GET', path, this.url(path, query), undefined, signal);
  }

  postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>('POST', path, this.url(path), protoJson(body), signal);
  }

  /** Bytes of a GET (artifact downloads); 404 is an MlflowRestError with notFound. */
  async getBytes(path: string, signal?: AbortSignal): Promise<Buffer> {
    const res = await this.send('GET', path, this.url(path), undefined, undefined, signal);
    return Buffer.from(await res.arrayBuffer());
  }

  /** PUT of bytes (artifact uploads through the server's proxy). */
  async putBytes(path: string, body: Buffer, signal?: AbortSignal): Promise<void> {
    const res = await this.send('PUT', path, this.url(path), body, 'application/octet-stream', signal);
    await res.arrayBuffer();
  }

  private async json<T>(method: string, endpoint: string, url: string, body: string | undefined, signal?: AbortSignal): Promise<T> {
    const res = await this.send(method, endpoint, url, body, body === undefined ? undefined : 'application/json', signal);
    const text = await res.text();
    try {
      return (text.length ? JSON.parse(text) : {}) as T;
    } catch {
      throw new MlflowRestError(`${this.server}: ${endpoint} answered ${res.status} with a body that is not JSON`, this.server, endpoint, res.status, 'BAD_RESPONSE');
    }
  }

  private async send(method: string, endpoint: string, url: string, body: string | Buffer | undefined, contentType: string | undefined, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { 'User-Agent': 'runlens' };
    if (contentType) headers['Content-Type'] = contentType;
    if (this.auth) headers.Authorization = this.auth;
    for (let attempt = 1; ; attempt++) {
      let error: MlflowRestError;
      try {
        const limit = AbortSignal.timeout(this.timeoutMs);
        const res = await fetch(url, { method, headers, body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body), signal: signal ? AbortSignal.any([signal, limit]) : limit });
        if (res.ok) return res;
        error = await this.errorOf(endpoint, res);
      } catch (e) {
        if (signal?.aborted) throw e;
        error = e instanceof MlflowRestError ? e : this.networkError(endpoint, e);
      }
      if (!error.transient || attempt >= this.retry.attempts) throw error;
      const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + this.random());
      await this.sleep(delay, signal);
    }
  }

  private async errorOf(endpoint: string, res: Response): Promise<MlflowRestError> {
    const text = await res.text().catch(() => '');
    let code = `HTTP_${res.status}`;
    let message = text.trim().split('\n')[0]?.slice(0, 300) ?? '';
    try {
      const j = JSON.parse(text) as { error_code?: unknown; message?: unknown };
      if (typeof j.error_code === 'string') code = j.error_code;
      if (typeof j.message === 'string') message = j.message.split('\n')[0]!.slice(0, 300);
    } catch {
      // not MLflow's JSON error body (a proxy's HTML page): keep the first line
    }
    const what = res.status === 401 || res.status === 403 ? ' (check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD)' : '';
    return new MlflowRestError(`${this.server}: ${endpoint} answered ${res.status} ${code}${message ? `: ${message}` : ''}${what}`, this.server, endpoint, res.status, code);
  }

  private networkError(endpoint: string, e: unknown): MlflowRestError {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const reason = err.name === 'TimeoutError' ? `no answer in ${this.timeoutMs / 1000} s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return new MlflowRestError(`${this.server} is not reachable (${endpoint}): ${reason}`, this.server, endpoint, 0, 'UNREACHABLE');
  }
}
