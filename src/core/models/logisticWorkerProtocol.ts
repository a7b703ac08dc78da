/**
 * What a multinomial objective worker (`logisticWorker.ts`) shares with the
 * fit that started it (`parallelMultinomial.ts`). Everything travels once,
 * in `workerData`, as views over SharedArrayBuffers; each evaluation is then
 * a handshake on `control` with no message at all.
 *
 * An evaluation's rows are cut into `chunks` fixed chunks; the fit's thread
 * and the worker each claim the next unclaimed chunk until none is left, and
 * write its loss and gradient into the chunk's own slot of `out`. The fit's
 * thread adds the slots up in chunk order, so the result never depends on
 * which thread computed what.
 */

/** Indices into `control`. */
export const CONTROL = {
  /** The fit's thread stores the number of the evaluation to run (1, 2, …) here, or `STOP`. */
  request: 0,
  /** The next chunk to claim (`Atomics.add`); at or past `chunks`, none is left. */
  next: 1,
  /** Chunks of the current evaluation finished; the worker notifies when it finishes the last one. */
  completed: 2,
  /** The worker stores 1 here once its code has loaded and it waits for requests. */
  ready: 3,
} as const;

export const CONTROL_LENGTH = 4;

/** Stored in `control[request]`: the worker leaves its loop and ends. */
export const STOP = -1;

/** The first row of chunk `c` of `rows` rows cut into `chunks` (chunk c is [chunkStart(c), chunkStart(c + 1))). */
export function chunkStart(c: number, rows: number, chunks: number): number {
  return Math.floor((c * rows) / chunks);
}

/** The worker's `workerData`. */
export interface LogisticWorkerData {
  /** Int32Array over a SharedArrayBuffer, indexed by `CONTROL`. */
  readonly control: Int32Array;
  /** Per chunk, the number of the evaluation it was last finished for (so a worker's unfinished chunk can be found). */
  readonly finished: Int32Array;
  /** All rows, row-major rows × p (shared). */
  readonly data: Float64Array;
  /** Their class indices. */
  readonly labels: Int32Array;
  readonly rows: number;
  readonly p: number;
  readonly k: number;
  readonly fitIntercept: boolean;
  readonly chunks: number;
  /** The parameters to evaluate at, written by the fit's thread before each request. */
  readonly theta: Float64Array;
  /** Per chunk, [loss, gradient (theta.length)] of its rows, unpenalised. */
  readonly out: Float64Array;
}
