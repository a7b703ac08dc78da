/** Helpers so that long fits stay cancellable and keep the event loop alive. */

/** The error a fit throws when its `AbortSignal` fires. */
export function abortError(): Error {
  const err = new Error('The fit was aborted');
  err.name = 'AbortError';
  return err;
}

/** Throws an `AbortError` if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/**
 * Lets pending events (an abort message, a timer) run during a synchronous
 * solver loop. Cheap to call often: it only yields once `intervalMs` has
 * passed since the last yield.
 */
export class EventLoopYielder {
  private last = Date.now();

  constructor(private readonly intervalMs = 50) {}

  async maybeYield(): Promise<void> {
    const now = Date.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}
