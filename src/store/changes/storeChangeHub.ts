/**
 * One store-change hub per open store: the only code that polls a store and
 * decides when views hear about a change. Every commit by any process (the
 * worker, the CLI in a terminal, the Python helper, the editor's own
 * connection) moves the store's change token; the hub notices it at its next
 * tick, reads one snapshot, and emits one typed event for everything that
 * changed since the previous tick, so a burst of writes reaches each view
 * once. Views keep no timers of their own for store changes.
 */
import { Disposable, toDisposable, type DisposableLike } from '../../core/util/disposable';
import { realTimers, type Timers } from '../../core/util/timers';
import { isBusyError } from '../errors';
import { diffSnapshots, type StoreChange, type StoreSnapshot } from './storeSnapshot';

/** What the hub reads: a store's change token and snapshot (RunStore's `changes`). */
export interface ChangeProbe {
  /** Moves on every commit; cheap enough to read every tick. */
  token(): string;
  /** Read only when the token moved; `previous` lets it name what is new since. */
  snapshot(previous?: StoreSnapshot): StoreSnapshot;
}

export interface StoreChangeHubOptions {
  readonly timers?: Timers;
  /** Time between two looks at the token; every change within it joins one event. Default 250 ms. */
  readonly pollMs?: number;
  /**
   * A read failed with something other than SQLite's busy/locked (which is
   * retried at the next tick): the hub stops polling and hands the error over.
   */
  readonly onError?: (err: unknown) => void;
  /** A listener threw; the others still hear the event. */
  readonly onListenerError?: (err: unknown) => void;
}

export const DEFAULT_POLL_MS = 250;

export class StoreChangeHub extends Disposable {
  private readonly timers: Timers;
  private readonly pollMs: number;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private lastToken: string;
  private last: StoreSnapshot;
  private timer: unknown;
  /** A tick asked for by {@link pollNow} is pending. */
  private soon = false;
  private stopped = false;

  /** Reads the current state at once (the baseline the first event is measured from) and starts polling. */
  constructor(private readonly probe: ChangeProbe, private readonly options: StoreChangeHubOptions = {}) {
    super();
    this.timers = options.timers ?? realTimers;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.lastToken = probe.token();
    this.last = probe.snapshot();
    this._register(toDisposable(() => {
      this.stopped = true;
      this.timers.clearTimeout(this.timer);
      this.listeners.clear();
    }));
    this.arm(this.pollMs);
  }

  /** Calls `listener` with each change; dispose the result to stop. */
  onDidChange(listener: (change: StoreChange) => void): DisposableLike {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  /**
   * Looks at the token on the next turn instead of at the next tick (a
   * user's "Refresh"); calls in between join that one look.
   */
  pollNow(): void {
    if (this.stopped || this.soon) return;
    this.soon = true;
    this.arm(0);
  }

  private arm(ms: number): void {
    this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    this.soon = false;
    if (this.stopped) return;
    try {
      const token = this.probe.token();
      if (token !== this.lastToken) {
        const next = this.probe.snapshot(this.last);
        const change = diffSnapshots(this.last, next);
        this.lastToken = token;
        this.last = next;
        this.emit(change);
      }
    } catch (err) {
      if (!isBusyError(err)) {
        this.stopped = true;
        this.options.onError?.(err);
        return;
      }
      // busy or locked: another process holds the file for a moment; asked again at the next tick
    }
    if (!this.stopped) this.arm(this.pollMs);
  }

  private emit(change: StoreChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.options.onListenerError?.(err);
      }
    }
  }
}
