/** A metric point on its way to the store. */
export interface PendingPoint {
  readonly key: string;
  readonly value: number;
  readonly step?: number;
  readonly timestamp?: number;
}

/** Timer functions, injectable so tests control time. */
export interface BufferTimers {
  readonly setTimeout: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

const NODE_TIMERS: BufferTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Collects metric points and writes them in batches, so a fit that reports
 * every iteration costs one transaction per interval, not one per point.
 *
 * What a kill -9 can lose is bounded: a batch is written when `maxPoints`
 * are pending, when a point arrives `maxAgeMs` or more after the last
 * write, and `maxAgeMs` after the oldest pending point even if no other
 * arrives (when the event loop is free). So at most the points reported in
 * one `maxAgeMs` window (and fewer than `maxPoints`) are ever unwritten.
 * Callers `flush` at epoch ends and on SIGTERM, which loses nothing.
 */
export class MetricBuffer {
  private pending: PendingPoint[] = [];
  private lastFlush: number;
  private timer: unknown;

  constructor(
    private readonly write: (points: PendingPoint[]) => void,
    private readonly maxPoints = 500,
    private readonly maxAgeMs = 250,
    private readonly now: () => number = Date.now,
    private readonly timers: BufferTimers = NODE_TIMERS,
  ) {
    this.lastFlush = now();
  }

  add(points: readonly PendingPoint[]): void {
    for (const p of points) this.pending.push(p);
    if (this.pending.length >= this.maxPoints || this.now() - this.lastFlush >= this.maxAgeMs) {
      this.flush();
    } else if (this.pending.length > 0 && this.timer === undefined) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.maxAgeMs);
    }
  }

  flush(): void {
    this.cancelTimer();
    this.lastFlush = this.now();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.write(batch);
  }

  /** Stops the age timer (pending points stay pending: `flush` first to keep them). */
  dispose(): void {
    this.cancelTimer();
  }

  get size(): number {
    return this.pending.length;
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
