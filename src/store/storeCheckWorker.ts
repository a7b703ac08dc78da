/**
 * Worker thread entry (`dist/storeCheckWorker.js`): opens a store the way
 * the editor will (read-only when untrusted), which runs the file checks,
 * the shape check and quick_check, then closes it and posts the outcome
 * (`StoreCheckResult`, storeCheck.ts). Off the extension host's thread, so a
 * large or damaged file cannot freeze the editor while it is checked.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { RunStore } from './runStore';
import type { StoreCheckRequest, StoreCheckResult } from './storeCheck';

const request = workerData as StoreCheckRequest;
let result: StoreCheckResult;
try {
  const store = RunStore.open(request.dir, { readonly: request.readonly, staleAfterMs: request.staleAfterMs, createIfMissing: false });
  result = { ok: true, damage: store.damage, threadId };
  store.close();
} catch (e) {
  result = { ok: false, error: (e as Error).message, threadId };
}
parentPort?.postMessage(result);
