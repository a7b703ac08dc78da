/**
 * The multinomial logistic objective of a large fit on two threads (issue
 * #17): the rows split in two fixed halves, this thread computes the first
 * half's loss and gradient while a worker thread (`logisticWorker.ts`)
 * computes the second's over a shared copy of its rows, and the halves are
 * added in a fixed order. Whichever thread computes the second half (the
 * worker, or this thread while the worker is still starting, or after it
 * died), the arithmetic is the same, so a fit gives the same result bit for
 * bit run after run and with or without the worker. On the bench's
 * 100k × 20, 5-class data an evaluation takes 10.5 ms of wall time split
 * against 20.5 ms on one thread when the other core is free (load 4; the
 * same CPU time, 20-21 ms); on a machine whose cores are all busy the split
 * gains little.
 *
 * Synchronisation is shared memory only: the request number and the
 * parameters are stored and the worker woken with `Atomics.notify`; this
 * thread waits for the worker's answer with `Atomics.waitAsync`. Measured
 * (an empty request, 2,000 round trips at load 6.7): 20-50 µs per round trip
 * against 18-25 µs with a `postMessage` answer, both noise beside the
 * ~20 ms of a half evaluation on the bench data; waitAsync allocates no
 * message and costs nothing when the worker has already finished.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DenseMatrix } from '../data/frame';
import type { WorkerEntry } from '../util/workerEntry';
import { workerEntry } from '../util/workerEntry';
import type { MultinomialScratch } from './logisticObjective';
import { multinomialPartial, multinomialPenalty, multinomialScratch } from './logisticObjective';
import type { LogisticWorkerData } from './logisticWorkerProtocol';
import { CONTROL, CONTROL_LENGTH, STOP } from './logisticWorkerProtocol';

/**
 * Rows × columns × classes from which a fit splits its rows over two
 * threads; below it one thread computes the whole pass. Measured with the
 * bundled worker (load 10-12): a split fit spends 70-100 ms more CPU than one
 * thread (starting the worker ~40 ms, its cold JIT on the first evaluation,
 * the hand-offs; warming the worker up on a few thousand rows before it
 * takes requests measured no cheaper), and saves half of each evaluation's
 * ~2 ns × work in wall time when a core is free: over a typical 50-90
 * evaluations, the wall time saved passes the CPU spent from about 2·10⁶.
 */
export const PARALLEL_MIN_WORK = 2_000_000;

/** `'auto'`: split from `PARALLEL_MIN_WORK` and use a worker thread; `'never'`: the same halves, both on this thread (tests). */
export type ThreadPolicy = 'auto' | 'never';

/** How a fit's evaluations ran. */
export interface ParallelStats {
  readonly evaluations: number;
  /** Evaluations whose second half the worker computed. */
  readonly onWorker: number;
}

let liveWorkers = 0;

/** Objective workers started and not yet ended in this process (tests check that a fit leaves none). */
export function liveLogisticWorkers(): number {
  return liveWorkers;
}

/** True when a multinomial fit of this size splits its rows (`PARALLEL_MIN_WORK`). */
export function splitsRows(rows: number, cols: number, k: number): boolean {
  return rows >= 2 && rows * cols * k >= PARALLEL_MIN_WORK;
}

/** `Atomics.waitAsync` (Node 16 on); TypeScript declares it only from lib es2024, which this project does not target. */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

function sharedFloats(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/** The two-half multinomial objective; `close()` it when the fit ends, however it ends. */
export class ParallelMultinomial {
  private readonly data: Float64Array;
  private readonly rows: number;
  private readonly p: number;
  private readonly half: number;
  private readonly labels: Int32Array;
  private readonly invC: number;
  private readonly scratch: MultinomialScratch;
  /** The second half's gradient when this thread computes it. */
  private readonly secondGrad: Float64Array;
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_LENGTH * Int32Array.BYTES_PER_ELEMENT));
  private readonly sharedTheta: Float64Array;
  private readonly out: Float64Array;
  private worker: Worker | undefined;
  private workerGone = false;
  private exited: Promise<void> = Promise.resolve();
  private request = 0;
  private evaluations = 0;
  private onWorker = 0;

  constructor(
    X: DenseMatrix,
    y: Float64Array,
    private readonly k: number,
    C: number,
    private readonly fitIntercept: boolean,
    threads: ThreadPolicy,
    /** The worker to start instead of `logisticWorker` (tests: one that dies). */
    entry: WorkerEntry | undefined = workerEntry(__dirname, 'logisticWorker'),
  ) {
    this.data = X.data;
    this.rows = X.rows;
    this.p = X.cols;
    this.half = Math.ceil(X.rows / 2);
    this.labels = Int32Array.from(y);
    this.invC = 1 / C;
    this.scratch = multinomialScratch(k);
    const nTheta = k * X.cols + (fitIntercept ? k : 0);
    this.secondGrad = new Float64Array(nTheta);
    this.sharedTheta = sharedFloats(nTheta);
    this.out = sharedFloats(1 + nTheta);
    // On one core a worker would only compete with this thread: the halves then both run here (same result).
    if (threads === 'auto' && entry && availableParallelism() > 1) this.startWorker(entry);
  }

  private startWorker(entry: WorkerEntry): void {
    const { p, half, rows } = this;
    // The worker reads its rows from shared memory: a view when X already is shared, else one copy per fit.
    const data = this.data.buffer instanceof SharedArrayBuffer ? this.data.subarray(half * p, rows * p) : sharedFloats((rows - half) * p);
    if (data.buffer !== this.data.buffer) data.set(this.data.subarray(half * p, rows * p));
    const labels = new Int32Array(new SharedArrayBuffer((rows - half) * Int32Array.BYTES_PER_ELEMENT));
    labels.set(this.labels.subarray(half));
    const workerData: LogisticWorkerData = {
      control: this.control, data, labels, rows: rows - half, p, k: this.k, fitIntercept: this.fitIntercept,
      theta: this.sharedTheta, out: this.out,
    };
    let worker: Worker;
    try {
      worker = new Worker(entry.script, { eval: entry.eval, workerData });
    } catch {
      return; // this thread computes both halves
    }
    liveWorkers++;
    this.worker = worker;
    this.exited = new Promise((resolve) => {
      worker.once('exit', () => {
        liveWorkers--;
        this.markGone();
        resolve();
      });
    });
    // A worker that fails to load or dies: this thread takes its half over (same result), and 'exit' follows.
    worker.on('error', () => this.markGone());
  }

  /** Notes that the worker is gone and wakes whatever waits for it (`answer`, `ready`), which then sees so. */
  private markGone(): void {
    this.workerGone = true;
    Atomics.notify(this.control, CONTROL.done);
    Atomics.notify(this.control, CONTROL.ready);
  }

  /** Writes the gradient into `grad` and returns the objective at `theta`. */
  readonly evaluate = async (theta: Float64Array, grad: Float64Array): Promise<number> => {
    this.evaluations++;
    const { data, p, half, rows, labels, k, fitIntercept, scratch, control } = this;
    const request = this.worker && !this.workerGone && Atomics.load(control, CONTROL.ready) === 1 ? ++this.request : 0;
    if (request) {
      this.sharedTheta.set(theta);
      Atomics.store(control, CONTROL.request, request);
      Atomics.notify(control, CONTROL.request);
    }
    const first = multinomialPartial(data, 0, half, p, labels, k, fitIntercept, theta, grad, scratch);
    let second: number;
    let secondGrad: Float64Array;
    if (request && (await this.answer(request))) {
      this.onWorker++;
      second = this.out[0];
      secondGrad = this.out.subarray(1);
    } else {
      second = multinomialPartial(data, half, rows - half, p, labels, k, fitIntercept, theta, this.secondGrad, scratch);
      secondGrad = this.secondGrad;
    }
    for (let q = 0; q < grad.length; q++) grad[q] += secondGrad[q];
    return first + second + multinomialPenalty(k * p, this.invC, theta, grad);
  };

  /** Waits for the worker to finish `request`: true when it did, false when it ended first. */
  private async answer(request: number): Promise<boolean> {
    const { control } = this;
    for (;;) {
      const done = Atomics.load(control, CONTROL.done);
      if (done === request) return true;
      if (this.workerGone) return false;
      const wait = waitAsync(control, CONTROL.done, done);
      if (wait.async) await wait.value;
    }
  }

  /**
   * Resolves true once the worker waits for requests, false when there is
   * none or it ended before. Evaluations do not wait for it (this thread
   * computes both halves meanwhile); tests do.
   */
  async ready(): Promise<boolean> {
    const { control } = this;
    for (;;) {
      if (!this.worker || this.workerGone) return false;
      if (Atomics.load(control, CONTROL.ready) === 1) return true;
      const wait = waitAsync(control, CONTROL.ready, 0);
      if (wait.async) await wait.value;
    }
  }

  stats(): ParallelStats {
    return { evaluations: this.evaluations, onWorker: this.onWorker };
  }

  /** Ends the worker thread; resolves once it has ended. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    Atomics.store(this.control, CONTROL.request, STOP);
    Atomics.notify(this.control, CONTROL.request);
    await worker.terminate();
    await this.exited;
  }
}
