/** A metric point on its way to the store. */
export interface PendingPoint {
  readonly key: string;
  readonly value: number;
  readonly step?: number;
  readonly timestamp?: number;
}

/**
 * Collects metric points and writes them in batches, so a fit that reports
 * every iteration costs one transaction per interval, not one per point.
 */
export class MetricBuffer {
  private pending: PendingPoint[] = [];
  private lastFlush: number;

  constructor(
    private readonly write: (points: PendingPoint[]) => void,
    private readonly maxPoints = 500,
    private readonly maxAgeMs = 250,
    private readonly now: () => number = Date.now,
  ) {
    this.lastFlush = now();
  }

  add(points: readonly PendingPoint[]): void {
    for (const p of points) this.pending.push(p);
    if (this.pending.length >= this.maxPoints || this.now() - this.lastFlush >= this.maxAgeMs) this.flush();
  }

  flush(): void {
    this.lastFlush = this.now();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.write(batch);
  }

  get size(): number {
    return this.pending.length;
  }
}
