/**
 * What a multinomial objective worker (`logisticWorker.ts`) shares with the
 * fit that started it (`parallelMultinomial.ts`). Everything travels once,
 * in `workerData`, as views over SharedArrayBuffers; each evaluation is then
 * a handshake on `control` with no message at all.
 */

/** Indices into `control`. */
export const CONTROL = {
  /** The main thread stores the number of the evaluation to run (1, 2, …) here, or `STOP`. */
  request: 0,
  /** The worker stores the number of the evaluation it has finished here. */
  done: 1,
  /** The worker stores 1 here once its code has loaded and it waits for requests. */
  ready: 2,
} as const;

export const CONTROL_LENGTH = 3;

/** Stored in `control[request]`: the worker leaves its loop and ends. */
export const STOP = -1;

/** The worker's `workerData`. */
export interface LogisticWorkerData {
  /** Int32Array over a SharedArrayBuffer, indexed by `CONTROL`. */
  readonly control: Int32Array;
  /** The worker's rows, row-major rows × p (a shared copy). */
  readonly data: Float64Array;
  /** Their class indices. */
  readonly labels: Int32Array;
  readonly rows: number;
  readonly p: number;
  readonly k: number;
  readonly fitIntercept: boolean;
  /** The parameters to evaluate at, written by the main thread before each request. */
  readonly theta: Float64Array;
  /** [loss, gradient (theta.length)] of the worker's rows, unpenalised, written before `done`. */
  readonly out: Float64Array;
}
