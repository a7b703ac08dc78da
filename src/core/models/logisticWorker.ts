/**
 * A worker thread computing its share of the rows of a multinomial logistic
 * objective, evaluation after evaluation, for `ParallelMultinomial`
 * (`parallelMultinomial.ts`). It blocks in `Atomics.wait` between requests
 * and never posts a message: the request number, the parameters and the
 * result all sit in shared memory (`logisticWorkerProtocol.ts`).
 * Built as `dist/logisticWorker.js`.
 */
import { workerData } from 'node:worker_threads';
import { multinomialPartial, multinomialScratch } from './logisticObjective';
import type { LogisticWorkerData } from './logisticWorkerProtocol';
import { CONTROL, STOP } from './logisticWorkerProtocol';

function serve(w: LogisticWorkerData): void {
  const { control, data, labels, rows, p, k, fitIntercept, theta, out } = w;
  const scratch = multinomialScratch(k);
  const grad = out.subarray(1);
  let seen = 0;
  Atomics.store(control, CONTROL.ready, 1);
  Atomics.notify(control, CONTROL.ready);
  for (;;) {
    Atomics.wait(control, CONTROL.request, seen);
    const request = Atomics.load(control, CONTROL.request);
    if (request === STOP) return;
    if (request === seen) continue;
    seen = request;
    out[0] = multinomialPartial(data, 0, rows, p, labels, k, fitIntercept, theta, grad, scratch);
    Atomics.store(control, CONTROL.done, request);
    Atomics.notify(control, CONTROL.done);
  }
}

serve(workerData as LogisticWorkerData);
