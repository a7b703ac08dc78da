import type http from 'node:http';
import type { TestContext } from 'node:test';
import { rawHttp } from '../../http/testing/rawHttp';
import type { RunStore } from '../../store/runStore';
import type { FakeClock } from '../../store/testing/tempStore';
import { tempStore } from '../../store/testing/tempStore';
import type { TrackingServerOptions } from '../trackingServer';
import { createTrackingServer } from '../trackingServer';

/** The MLflow REST prefix. */
export const API = '/api/2.0/mlflow';

/** A reply as a test reads it: status, parsed JSON body (or `{}` when empty), the raw text. */
export interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface ServedStore {
  readonly store: RunStore;
  readonly dir: string;
  readonly clock: FakeClock;
  readonly url: string;
  readonly port: number;
  /** A JSON call (a string body is sent as it is). */
  call(method: string, path: string, body?: unknown): Promise<Reply>;
  /** A request sent exactly as given (no URL normalization, any headers), for the abuse cases fetch() would clean up. */
  raw(method: string, path: string, headers?: Readonly<Record<string, string>>, body?: string | Buffer): Promise<Reply>;
  /** Creates a run in experiment 0 over REST; returns its id and the artifacts URL path of the run. */
  createRun(): Promise<{ runId: string; artifacts: string }>;
}

/**
 * A real `runlens server` (createTrackingServer on port 0) over a temp store,
 * both on the store's FakeClock unless `now` says otherwise; closed after the test.
 */
export async function serveStore(t: TestContext, options: Omit<TrackingServerOptions, 'port'> & { readonly realClock?: boolean } = {}): Promise<ServedStore> {
  const { realClock, ...serverOptions } = options;
  const { store, dir, clock } = tempStore(t, realClock ? { now: Date.now } : {});
  const server = createTrackingServer(store, { now: realClock ? Date.now : clock.now, ...serverOptions, port: 0 });
  const { url } = await server.listen();
  t.after(() => server.close());
  const port = Number(new URL(url).port);
  const raw = async (method: string, path: string, headers: Readonly<Record<string, string>> = {}, body?: string | Buffer): Promise<Reply> => {
    const r = await rawHttp(port, method, path, headers, body);
    return { status: r.status, body: (r.json ?? {}) as Record<string, unknown>, text: r.text, headers: r.headers };
  };
  const call = (method: string, path: string, body?: unknown) => raw(method, path,
    body === undefined ? {} : { 'Content-Type': 'application/json' },
    body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  const createRun = async () => {
    const r = await call('POST', `${API}/runs/create`, { experiment_id: '0' });
    if (r.status !== 200) throw new Error(`runs/create answered ${r.status}: ${r.text}`);
    const info = (r.body.run as { info: { run_id: string; artifact_uri: string } }).info;
    return { runId: info.run_id, artifacts: `/api/2.0/mlflow-artifacts/artifacts/${info.artifact_uri.slice('mlflow-artifacts:/'.length)}` };
  };
  return { store, dir, clock, url, port, call, raw, createRun };
}
