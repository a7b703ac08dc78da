/**
 * When a {@link RemoteServerModel} asks its server again: the server's change
 * token is polled at the shortest interval after a change, twice as long
 * after each poll that finds none (capped lower while a listed run is
 * running), and less and less often while the server does not answer. A new
 * token makes the model read again what it shows. No vscode import; the
 * timers come in, so tests fire the polls.
 */
import type { Timers } from '../../core/util/timers';
import type { ReadResult } from './remoteModelTypes';

export interface ChangePollerOptions {
  readonly minMs: number;
  readonly maxMs: number;
  readonly timers: Timers;
  /** Reads the server's change token (through the model: a failure turns it offline). */
  readonly readToken: () => Promise<ReadResult<string>>;
  /** Whether the server answered last time: undefined before any answer. */
  readonly online: () => boolean | undefined;
  /** Bumped by the model's reset and retry: a poll started before one is dropped. */
  readonly generation: () => number;
  /** Whether a run the view lists is running (polls stay frequent). */
  readonly anyRunning: () => boolean;
  /** The token moved: read again what is shown. */
  readonly changed: () => Promise<void>;
}

export class ChangePoller {
  private timer: unknown;
  private delay: number;
  private token: string | undefined;
  private polling = false;
  private disposed = false;

  constructor(private readonly options: ChangePollerOptions) {
    this.delay = options.minMs;
  }

  /**
   * The longest wait between polls: while a listed run is running, at most
   * eight times the shortest (a run left RUNNING by a client that died is
   * common on MLflow, so even then a silent server is asked less often).
   */
  private cap(): number {
    const { minMs, maxMs } = this.options;
    return this.options.anyRunning() ? Math.min(maxMs, minMs * 8) : maxMs;
  }

  /** Schedules the next poll unless one is pending or running; `keepDelay` keeps the offline backoff. */
  schedule(keepDelay = false): void {
    if (this.disposed || this.timer !== undefined || this.polling) return;
    if (!keepDelay) this.delay = Math.min(this.delay, this.cap());
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = undefined;
      void this.pollOnce();
    }, this.delay);
  }

  /** The server stopped answering: look for it again, less and less often. */
  backOff(): void {
    const { minMs, maxMs } = this.options;
    this.delay = Math.min(maxMs, Math.max(minMs, this.delay * 2));
    this.schedule(true);
  }

  /** Forgets the token and the pending poll (the model starts over). */
  reset(): void {
    this.token = undefined;
    this.stop();
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private stop(): void {
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async pollOnce(): Promise<void> {
    if (this.disposed) return;
    this.polling = true;
    const wasOffline = this.options.online() === false;
    const generation = this.options.generation();
    try {
      const r = await this.options.readToken();
      if (!r.ok || generation !== this.options.generation()) return;
      if (wasOffline) {
        // It answers again (the model said so): everything is read afresh, the offline row goes away.
        this.token = r.value;
        this.delay = this.options.minMs;
        return;
      }
      if (this.token === undefined || this.token === r.value) {
        this.token = r.value;
        this.delay = Math.min(this.cap(), this.delay * 2);
        return;
      }
      this.token = r.value;
      this.delay = this.options.minMs;
      await this.options.changed();
    } finally {
      this.polling = false;
      const online = this.options.online();
      if (online !== undefined) this.schedule(online === false);
    }
  }
}
