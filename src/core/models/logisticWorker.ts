/**
 * A worker thread computing chunks of the rows of a multinomial logistic
 * objective, evaluation after evaluation, for `ParallelMultinomial`
 * (`parallelMultinomial.ts`). It blocks in `Atomics.wait` between requests
 * and never posts a message: the request number, the chunk counters, the
 * parameters and the results all sit in shared memory
 * (`logisticWorkerProtocol.ts`). Built as `dist/logisticWorker.js`.
 */
import { workerData } from 'node:worker_threads';
import { logisticPartial, passScratch } from './logisticObjective';
import type { LogisticWorkerData } from './logisticWorkerProtocol';
import { CONTROL, STOP, chunkStart } from './logisticWorkerProtocol';

function serve(w: LogisticWorkerData): void {
  const { control, finished, data, labels, rows, p, k, fitIntercept, chunks, theta, out } = w;
  const scratch = passScratch(k);
  const stride = 1 + theta.length;
  let seen = 0;
  Atomics.store(control, CONTROL.ready, 1);
  Atomics.notify(control, CONTROL.ready);
  for (;;) {
    Atomics.wait(control, CONTROL.request, seen);
    const request = Atomics.load(control, CONTROL.request);
    if (request === STOP) return;
    if (request === seen) continue;
    seen = request;
    for (;;) {
      const c = Atomics.add(control, CONTROL.next, 1);
      if (c >= chunks) break;
      const start = chunkStart(c, rows, chunks);
      const slot = c * stride;
      const grad = out.subarray(slot + 1, slot + stride);
      out[slot] = logisticPartial(data, start, chunkStart(c + 1, rows, chunks) - start, p, labels, k, fitIntercept, theta, grad, scratch);
      // A chunk claimed after the fit's thread began the next evaluation is that evaluation's: it reads its theta.
      Atomics.store(finished, c, Atomics.load(control, CONTROL.request));
      if (Atomics.add(control, CONTROL.completed, 1) + 1 === chunks) Atomics.notify(control, CONTROL.completed);
    }
  }
}

serve(workerData as LogisticWorkerData);
