/** An error caused by the user's input, shown as one clear line (no stack). */
export class UserError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = 'UserError';
  }
}

/** Thrown when an `AbortSignal` stops long work. */
export class AbortError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}
