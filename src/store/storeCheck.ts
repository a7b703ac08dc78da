import { Worker } from 'node:worker_threads';
import { workerEntry } from '../core/util/workerEntry';

/** What the editor asks the check worker (storeCheckWorker.ts). */
export interface StoreCheckRequest {
  readonly dir: string;
  readonly readonly: boolean;
  readonly staleAfterMs: number;
}

/**
 * The check's outcome: the store opened (damaged or not: `damage` is
 * quick_check's first finding), or the one-line reason it was refused.
 * `threadId` is the worker's, so tests can see it did not run on theirs.
 */
export type StoreCheckResult =
  | { readonly ok: true; readonly damage: string | undefined; readonly threadId: number }
  | { readonly ok: false; readonly error: string; readonly threadId: number };

/**
 * Opens and checks a store on a worker thread: the file checks, the shape
 * check (before any other query) and quick_check when the file changed, so
 * none of them can block the caller's thread. Resolves with the outcome;
 * a worker that cannot start or dies resolves as a refusal saying so.
 */
export function checkStoreOffThread(request: StoreCheckRequest): Promise<StoreCheckResult> {
  const entry = workerEntry(__dirname, 'storeCheckWorker');
  if (!entry) return Promise.resolve({ ok: false, error: 'RunLens could not find its store check (storeCheckWorker.js)', threadId: -1 });
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(entry.script, { eval: entry.eval, workerData: request });
    } catch (e) {
      resolve({ ok: false, error: `RunLens could not start its store check: ${(e as Error).message}`, threadId: -1 });
      return;
    }
    let settled = false;
    worker.once('message', (m: StoreCheckResult) => {
      settled = true;
      resolve(m);
    });
    worker.once('error', (e) => {
      if (!settled) resolve({ ok: false, error: `the store check failed: ${e.message}`, threadId: -1 });
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) resolve({ ok: false, error: `the store check ended without an answer (exit ${code})`, threadId: -1 });
      settled = true;
    });
  });
}

