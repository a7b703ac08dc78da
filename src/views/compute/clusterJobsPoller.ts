/**
 * When the editor asks Slurm about its jobs: once at start-up (a job that
 * ended while the editor was closed is caught up), then every `intervalMs`
 * while any cluster run is still queued or running, and at once after a
 * submit or a cancel. Idle (nothing live) it does not poll at all. One sync at
 * a time; a kick during a sync runs one more right after it. No vscode
 * import: the timers are injected, so tests fire them by hand.
 */
import type { Timers } from '../../core/util/timers';

export interface ClusterJobsPollerOptions {
  /** Polls Slurm, ingests the spools, reconciles; resolves to how many cluster runs are still live. */
  readonly sync: () => Promise<number>;
  readonly timers: Timers;
  /** Between syncs while a job is live. */
  readonly intervalMs: number;
  /** Longest wait between retries after failed syncs (each failure doubles the wait, from `intervalMs`). */
  readonly maxBackoffMs?: number;
  /** A failed sync (Slurm's commands gone, a store error); told once per distinct message in a row. */
  readonly onError: (error: Error) => void;
}

export class ClusterJobsPoller {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private lastError = '';
  private disposed = false;
  /** Live runs after the last successful sync; undefined before the first one. */
  private live: number | undefined;

  constructor(private readonly options: ClusterJobsPollerOptions) {}

  /** Live cluster runs as of the last sync (undefined before one succeeded). */
  get liveRuns(): number | undefined {
    return this.live;
  }

  /** Syncs now (or right after the sync under way), then keeps polling while jobs are live. */
  kick(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.cancelTimer();
    this.running = this.syncOnce().finally(() => {
      this.running = undefined;
      if (this.disposed) return;
      if (this.again) {
        this.again = false;
        this.kick();
      } else this.schedule();
    });
  }

  /** Resolves once no sync is under way (for tests and dispose). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async syncOnce(): Promise<void> {
    try {
      this.live = await this.options.sync();
      this.failures = 0;
      this.lastError = '';
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      this.failures++;
      if (error.message !== this.lastError) {
        this.lastError = error.message;
        this.options.onError(error);
      }
    }
  }

  private schedule(): void {
    // after a failure the live count is stale: keep trying (slower) as long as jobs were or may be live
    const live = this.live === undefined || this.live > 0;
    if (!live) return;
    const max = this.options.maxBackoffMs ?? 60_000;
    const delay = this.failures === 0 ? this.options.intervalMs : Math.min(max, this.options.intervalMs * 2 ** this.failures);
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
  }
}
