import type { Timers } from './timers';

/**
 * Timers a test fires by hand instead of waiting: `fire()` runs the oldest
 * pending callback, `pendingDelays` says what is scheduled. For tests only.
 */
export class ManualTimers implements Timers {
  private pending: { fn: () => void; ms: number }[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    const t = { fn, ms };
    this.pending.push(t);
    return t;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t !== handle);
  }

  /** The delays of the callbacks waiting, oldest first. */
  get pendingDelays(): number[] {
    return this.pending.map((t) => t.ms);
  }

  /** Runs the oldest pending callback; throws when none is scheduled. */
  fire(): void {
    const t = this.pending.shift();
    if (!t) throw new Error('no timer is scheduled');
    t.fn();
  }
}
