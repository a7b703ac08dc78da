/**
 * Reads from a tracking server with a time limit, and which failures mean
 * "the server does not answer" (shown as an offline row) rather than "it
 * refused this request" (shown where the request was made). No vscode import.
 */
import { MlflowRestError } from '../../mlflow/client/mlflowHttp';

/** The time limit ran out: the server is as good as away. */
export class RemoteTimeoutError extends Error {
  constructor(server: string, ms: number) {
    super(`${server} did not answer within ${Math.round(ms / 100) / 10} s`);
    this.name = 'RemoteTimeoutError';
  }
}

/**
 * Runs `fn` with a signal that aborts after `ms` or when `outer` aborts;
 * rejects with {@link RemoteTimeoutError} when the time ran out, whatever the
 * call itself rejected with once aborted.
 */
export async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number, outer: AbortSignal | undefined, server: string): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new RemoteTimeoutError(server, ms));
  }, ms);
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  outer?.addEventListener('abort', onOuter, { once: true });
  try {
    return await fn(controller.signal);
  } catch (e) {
    if (timedOut) throw new RemoteTimeoutError(server, ms);
    throw e;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  }
}

/**
 * No answer (refused, reset, DNS, timed out), the server failing (5xx, 429)
 * or refusing who asks (401, 403: no request of the view can succeed until
 * the credentials change): offline, not a refusal of this one request.
 */
export function isOfflineError(e: unknown): boolean {
  if (e instanceof RemoteTimeoutError) return true;
  if (e instanceof MlflowRestError) return e.transient || isAuthError(e);
  return false;
}

/** The server refused the credentials (or their absence). */
export function isAuthError(e: unknown): boolean {
  return e instanceof MlflowRestError && (e.status === 401 || e.status === 403);
}

/** The reason an offline server shows: for a refusal of the credentials, how to set them in the editor. */
export function offlineReason(e: unknown): string {
  const message = (e as Error).message;
  if (!isAuthError(e)) return message;
  const { status, errorCode } = e as MlflowRestError;
  return `${status} ${errorCode}: the server wants credentials; set them with "Set Tracking Server Credentials…" (or MLflow's MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME/PASSWORD)`;
}
