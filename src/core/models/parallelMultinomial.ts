/**
 * The logistic objective of a large fit on two threads (issue #17;
 * multinomial, or binary as k = 1): the rows are cut into 16 fixed chunks, this thread and a worker
 * thread (`logisticWorker.ts`, over a shared copy of the rows) each claim the
 * next chunk until none is left, and the chunks' losses and gradients are
 * added in chunk order. Whichever thread computes a chunk (the worker, or
 * this thread while the worker is still starting, is busy, or after it
 * died), the arithmetic is the same, so a fit gives the same result bit for
 * bit run after run and with or without the worker. On the bench's
 * 100k × 20, 5-class data an evaluation takes 11.6-12.2 ms of wall time
 * against 22 ms on one thread (load 4.6; about the same CPU time), and a
 * whole fit 0.70-0.75 s against 1.21-1.27 s.
 *
 * Synchronisation is shared memory only: the request number and the
 * parameters are stored and the worker woken with `Atomics.notify`; this
 * thread waits with `Atomics.waitAsync` for a chunk the worker is still computing. Measured
 * (an empty request, 2,000 round trips at load 6.7): 20-50 µs per round trip
 * against 18-25 µs with a `postMessage` answer, both noise beside the
 * ~20 ms of an evaluation on the bench data; waitAsync allocates no
 * message and costs nothing when the worker has already finished.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DenseMatrix } from '../data/frame';
import type { WorkerEntry } from '../util/workerEntry';
import { workerEntry } from '../util/workerEntry';
import type { PassScratch } from './logisticObjective';
import { logisticPartial, weightPenalty, passScratch } from './logisticObjective';
import type { LogisticWorkerData } from './logisticWorkerProtocol';
import { CONTROL, CONTROL_LENGTH, STOP, chunkStart } from './logisticWorkerProtocol';

/**
 * Rows × columns × classes from which a fit shares its rows with a worker
 * thread; below it one thread computes the whole pass. Measured with the
 * bundled worker (load 10-12): a split fit spends 70-100 ms more CPU than one
 * thread (starting the worker ~40 ms, its cold JIT on the first evaluation,
 * the hand-offs; warming the worker up on a few thousand rows before it
 * takes requests measured no cheaper), and saves half of each evaluation's
 * ~2 ns × work in wall time when a core is free: over a typical 50-90
 * evaluations, the wall time saved passes the CPU spent from about 2·10⁶.
 */
export const PARALLEL_MIN_WORK = 2_000_000;

/** `'auto'`: a worker thread takes chunks too; `'never'`: the same chunks, all on this thread (tests). */
export type ThreadPolicy = 'auto' | 'never';

/** How a fit's evaluations ran. */
export interface ParallelStats {
  readonly evaluations: number;
  /** Chunks of rows per evaluation. */
  readonly chunks: number;
  /** Chunks the worker computed, over all evaluations. */
  readonly chunksOnWorker: number;
}

let liveWorkers = 0;

/** Objective workers started and not yet ended in this process (tests check that a fit leaves none). */
export function liveLogisticWorkers(): number {
  return liveWorkers;
}

/**
 * Rows × columns from which a binary fit (k = 1) shares its rows. A binary
 * fit runs about 25 evaluations (a multinomial one 50-90), each 1/k of the
 * work: with the bundled worker at 100k × 20 (2·10⁶) the worker took ~90 of
 * 400 chunks and the fit's wall time went from 250-290 ms to 200-280 ms for
 * ~150 ms more CPU, while at 1,000,000 × 50 it went from 4.6 s to 2.5 s
 * (BENCHMARKS.md "Big fits"; load 1).
 */
export const BINARY_PARALLEL_MIN_WORK = 10_000_000;

/** True when a fit of this size (k weight vectors: 1 for the binary objective) shares its rows with a worker thread. */
export function splitsRows(rows: number, cols: number, k: number): boolean {
  return rows >= 2 && rows * cols * k >= (k === 1 ? BINARY_PARALLEL_MIN_WORK : PARALLEL_MIN_WORK);
}

/** `Atomics.waitAsync` (Node 16 on); TypeScript declares it only from lib es2024, which this project does not target. */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

function sharedFloats(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/**
 * Chunks per evaluation. Either thread claims the next chunk when it is free,
 * so a worker that the machine's load slows down computes fewer of them and
 * the fit's thread waits at most for one chunk; with two fixed halves it
 * waited for the slower half (at load 5, under tsx, split fits took up to 1.7× the
 * wall time of one thread). Sixteen chunks of the bench data are ~1.3 ms of
 * CPU each.
 */
const CHUNKS = 16;

/** The chunked objective (k classes, or k = 1: the binary one); `close()` it when the fit ends, however it ends. */
export class ParallelMultinomial {
  private readonly data: Float64Array;
  private readonly rows: number;
  private readonly p: number;
  private readonly labels: Int32Array;
  private readonly invC: number;
  private readonly nTheta: number;
  private readonly scratch: PassScratch;
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_LENGTH * Int32Array.BYTES_PER_ELEMENT));
  private readonly finished = new Int32Array(new SharedArrayBuffer(CHUNKS * Int32Array.BYTES_PER_ELEMENT));
  private readonly sharedTheta: Float64Array;
  /** Per chunk: [loss, gradient]. */
  private readonly out: Float64Array;
  private worker: Worker | undefined;
  private workerGone = false;
  private exited: Promise<void> = Promise.resolve();
  private request = 0;
  private evaluations = 0;
  private chunksOnWorker = 0;

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
    this.labels = Int32Array.from(y);
    this.invC = 1 / C;
    this.scratch = passScratch(k);
    this.nTheta = k * X.cols + (fitIntercept ? k : 0);
    this.sharedTheta = sharedFloats(this.nTheta);
    this.out = sharedFloats(CHUNKS * (1 + this.nTheta));
    Atomics.store(this.control, CONTROL.next, CHUNKS);
    // On one core a worker would only compete with this thread: every chunk then runs here (same result).
    if (threads === 'auto' && entry && availableParallelism() > 1) this.startWorker(entry);
  }

  private startWorker(entry: WorkerEntry): void {
    const { p, rows } = this;
    // The worker reads the rows from shared memory: X itself when it already is shared, else one copy per fit.
    const data = this.data.buffer instanceof SharedArrayBuffer ? this.data : sharedFloats(rows * p);
    if (data !== this.data) data.set(this.data.subarray(0, rows * p));
    const labels = new Int32Array(new SharedArrayBuffer(rows * Int32Array.BYTES_PER_ELEMENT));
    labels.set(this.labels);
    const workerData: LogisticWorkerData = {
      control: this.control, finished: this.finished, data, labels, rows, p, k: this.k, fitIntercept: this.fitIntercept,
      chunks: CHUNKS, theta: this.sharedTheta, out: this.out,
    };
    let worker: Worker;
    try {
      worker = new Worker(entry.script, { eval: entry.eval, workerData });
    } catch {
      return; // this thread computes every chunk
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
    // A worker that fails to load or dies: this thread computes what it left (same result), and 'exit' follows.
    worker.on('error', () => this.markGone());
  }

  /** Notes that the worker is gone and wakes whatever waits for it (`evaluate`, `ready`), which then sees so. */
  private markGone(): void {
    this.workerGone = true;
    Atomics.notify(this.control, CONTROL.completed);
    Atomics.notify(this.control, CONTROL.ready);
  }

  /** Writes the gradient into `grad` and returns the objective at `theta`. */
  readonly evaluate = async (theta: Float64Array, grad: Float64Array): Promise<number> => {
    this.evaluations++;
    const { control, finished } = this;
    const request = ++this.request;
    const shared = this.worker !== undefined && !this.workerGone;
    let mine = 0;
    if (shared) {
      // The order matters: a worker that claims a chunk once `next` is reset finds this evaluation's theta.
      this.sharedTheta.set(theta);
      Atomics.store(control, CONTROL.completed, 0);
      Atomics.store(control, CONTROL.next, 0);
      Atomics.store(control, CONTROL.request, request);
      Atomics.notify(control, CONTROL.request);
      for (let c = Atomics.add(control, CONTROL.next, 1); c < CHUNKS; c = Atomics.add(control, CONTROL.next, 1)) {
        this.computeChunk(c, theta, request);
        mine++;
        Atomics.add(control, CONTROL.completed, 1);
      }
      // Wait for the chunk the worker may still be computing (notified when it finishes the last one).
      for (let done = Atomics.load(control, CONTROL.completed); done < CHUNKS && !this.workerGone; done = Atomics.load(control, CONTROL.completed)) {
        const wait = waitAsync(control, CONTROL.completed, done);
        if (wait.async) await wait.value;
      }
      this.chunksOnWorker += CHUNKS - mine;
    }
    // No worker, or one that died: compute whatever it did not finish.
    for (let c = 0; c < CHUNKS; c++) {
      if (!shared || Atomics.load(finished, c) !== request) {
        this.computeChunk(c, theta, request);
        if (shared) this.chunksOnWorker--;
      }
    }
    const { out, nTheta } = this;
    const stride = 1 + nTheta;
    let loss = 0;
    grad.fill(0);
    for (let c = 0; c < CHUNKS; c++) {
      const slot = c * stride;
      loss += out[slot];
      for (let q = 0; q < nTheta; q++) grad[q] += out[slot + 1 + q];
    }
    return loss + weightPenalty(this.k * this.p, this.invC, theta, grad);
  };

  private computeChunk(c: number, theta: Float64Array, request: number): void {
    const { rows, out, nTheta } = this;
    const start = chunkStart(c, rows, CHUNKS);
    const slot = c * (1 + nTheta);
    const grad = out.subarray(slot + 1, slot + 1 + nTheta);
    out[slot] = logisticPartial(this.data, start, chunkStart(c + 1, rows, CHUNKS) - start, this.p, this.labels, this.k, this.fitIntercept, theta, grad, this.scratch);
    Atomics.store(this.finished, c, request);
  }

  /**
   * Resolves true once the worker waits for requests, false when there is
   * none or it ended before. Evaluations do not wait for it (this thread
   * computes every chunk meanwhile); tests do.
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
    return { evaluations: this.evaluations, chunks: CHUNKS, chunksOnWorker: this.chunksOnWorker };
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
