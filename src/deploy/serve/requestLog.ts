import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Frame } from '../../core/data/frame';

/** One line of the request log (JSON Lines): a scored request, or a failed one without inputs. */
export interface RequestLogLine {
  /** Epoch milliseconds when the response finished. */
  readonly ts: number;
  readonly ms: number;
  readonly status: number;
  /** Rows in the request (0 when it could not be parsed). */
  readonly rows: number;
  /** Column → values of the first `maxRowsPerRequest` rows; missing values as null. */
  readonly inputs?: Record<string, (number | string | boolean | null)[]>;
  /** The predictions of the same rows. */
  readonly predictions?: unknown[];
  /** True when `inputs` holds fewer rows than `rows`. */
  readonly truncated?: boolean;
  /** For failed requests: the error code of the JSON error body. */
  readonly error?: string;
}

export interface RequestLogOptions {
  readonly path: string;
  /** Fraction of requests logged, 0..1; default 1. */
  readonly sampleRate?: number;
  /**
   * Most requests logged per second whatever the sample rate, so a load
   * spike cannot flood the disk; default `DEFAULT_LOG_RATE`; 0 logs every
   * sampled request (`--log-rate 0`).
   */
  readonly maxPerSecond?: number;
  /** Size at which the file is rotated to `<path>.1` (one old file kept); default 50 MiB. */
  readonly maxBytes?: number;
  /** Rows of inputs and predictions kept per request; default 100. */
  readonly maxRowsPerRequest?: number;
  /** How often buffered lines are appended; default 200 ms. */
  readonly flushMs?: number;
  /** Told once when the log cannot be written; logging then stops and serving carries on. */
  readonly onError?: (message: string) => void;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** Requests logged per second at most unless `--log-rate` says otherwise. */
export const DEFAULT_LOG_RATE = 200;

/** What the server hands the log for one finished `/invocations` request. */
export interface LoggedRequest {
  readonly ms: number;
  readonly status: number;
  readonly rows: number;
  readonly frame?: Frame;
  readonly predictions?: readonly unknown[];
  readonly error?: string;
}

/**
 * A sampled, size-bounded JSON Lines log of scored requests. Lines are
 * buffered and appended off the request path (a timer, one write at a time),
 * so a slow or full disk never delays a response; `close()` flushes.
 */
export class RequestLog {
  private buffer: string[] = [];
  private bytes = -1;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failed = false;
  private closed = false;
  private windowStart = 0;
  private inWindow = 0;
  private readonly sampleRate: number;
  private readonly maxPerSecond: number;
  private readonly maxBytes: number;
  private readonly maxRows: number;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: RequestLogOptions) {
    const rate = options.sampleRate ?? 1;
    if (!(rate >= 0 && rate <= 1)) throw new Error(`the log sample rate must be between 0 and 1, got ${rate}`);
    this.sampleRate = rate;
    const perSecond = options.maxPerSecond ?? DEFAULT_LOG_RATE;
    if (!Number.isSafeInteger(perSecond) || perSecond < 0) throw new Error(`the log rate must be a whole number of requests per second (0 = no limit), got ${perSecond}`);
    this.maxPerSecond = perSecond;
    this.maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    this.maxRows = options.maxRowsPerRequest ?? 100;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  get path(): string {
    return this.options.path;
  }

  /** Decides whether this request is logged (sample rate, then the per-second cap). Call once per request. */
  sample(): boolean {
    if (this.failed || this.closed) return false;
    if (this.sampleRate < 1 && this.random() >= this.sampleRate) return false;
    if (this.maxPerSecond === 0) return true;
    const second = Math.floor(this.now() / 1000);
    if (second !== this.windowStart) {
      this.windowStart = second;
      this.inWindow = 0;
    }
    if (this.inWindow >= this.maxPerSecond) return false;
    this.inWindow++;
    return true;
  }

  /** Queues one request's line; call only after `sample()` said yes. */
  write(r: LoggedRequest): void {
    if (this.failed || this.closed) return;
    const line: RequestLogLine = {
      ts: this.now(),
      ms: Math.round(r.ms * 1000) / 1000,
      status: r.status,
      rows: r.rows,
      ...(r.frame ? { inputs: frameInputs(r.frame, this.maxRows) } : {}),
      ...(r.predictions ? { predictions: r.predictions.slice(0, this.maxRows) } : {}),
      ...(r.frame && r.frame.rows > this.maxRows ? { truncated: true } : {}),
      ...(r.error ? { error: r.error } : {}),
    };
    this.buffer.push(`${JSON.stringify(line)}\n`);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.flushMs ?? 200);
    this.timer.unref();
  }

  /** Appends what is buffered; resolves when it is on disk (or dropped after a failure). */
  flush(): Promise<void> {
    if (this.buffer.length === 0) return this.writing;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.writing = this.writing.then(() => this.append(chunk));
    return this.writing;
  }

  /** Flushes and stops logging. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    this.closed = true;
  }

  private async append(chunk: string): Promise<void> {
    if (this.failed) return;
    const path = this.options.path;
    try {
      if (this.bytes < 0) {
        await mkdir(dirname(path), { recursive: true });
        this.bytes = await stat(path).then((s) => s.size, () => 0);
      }
      const size = Buffer.byteLength(chunk);
      if (this.bytes > 0 && this.bytes + size > this.maxBytes) {
        await rename(path, `${path}.1`);
        this.bytes = 0;
      }
      await appendFile(path, chunk);
      this.bytes += size;
    } catch (e) {
      this.failed = true;
      this.buffer = [];
      this.options.onError?.(`request log ${path} cannot be written (${(e as Error).message}); serving continues without it`);
    }
  }
}

/** The first `maxRows` rows of each column, JSON-ready (NaN → null, booleans as true/false). */
export function frameInputs(frame: Frame, maxRows: number): Record<string, (number | string | boolean | null)[]> {
  const n = Math.min(frame.rows, maxRows);
  const out: Record<string, (number | string | boolean | null)[]> = {};
  for (const col of frame.columns) {
    const values = new Array<number | string | boolean | null>(n);
    for (let r = 0; r < n; r++) {
      const v = col.values[r];
      if (col.type === 'categorical') values[r] = v as string | null;
      else if (Number.isNaN(v as number)) values[r] = null;
      else values[r] = col.type === 'boolean' ? v === 1 : (v as number);
    }
    out[col.name] = values;
  }
  return out;
}

/** `--log-sample-rate`: a fraction in [0, 1]. */
export function parseSampleRate(v: string, usage: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw new Error(`--log-sample-rate expects a fraction between 0 and 1, got "${v}"\n${usage}`);
  return n;
}

/** `--log-rate`: most requests logged per second, a whole number; 0 = every request. */
export function parseLogRate(v: string, usage: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n)) throw new Error(`--log-rate expects a whole number of requests per second (0 logs every request), got "${v}"\n${usage}`);
  return n;
}

/** `--log-max-mb`: a positive size in MiB, returned in bytes. */
export function parseMaxMb(v: string, usage: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new Error(`--log-max-mb expects a positive number of MiB, got "${v}"\n${usage}`);
  return Math.round(n * 1024 * 1024);
}
