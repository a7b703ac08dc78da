import type { DisposableLike } from './disposable';

/**
 * Calls `fn` once, `delayMs` after the first `schedule()`; the calls in
 * between join that one. For views that re-list after store changes, which
 * come in bursts (a training run writes every few hundred milliseconds).
 */
export class CoalescedCall implements DisposableLike {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly fn: () => void,
    private readonly delayMs: number,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fn();
    }, this.delayMs);
  }

  /** Drops a pending call. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
