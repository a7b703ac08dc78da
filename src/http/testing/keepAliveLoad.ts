import http from 'node:http';

/** One request the load sends again and again. */
export interface KeepAliveRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface KeepAliveLoadOptions {
  /** `http://host:port` */
  readonly url: string;
  readonly request: KeepAliveRequest;
  /** Concurrent clients, each with its own requests in sequence over one pooled keep-alive agent. */
  readonly clients: number;
  /** Most requests a client sends; bounds the load when the server never stops. */
  readonly maxRequestsPerClient: number;
  /** Called once, when this many responses have arrived (e.g. to send SIGTERM). */
  readonly trigger?: { readonly afterResponses: number; readonly fire: () => void };
}

export interface KeepAliveLoadResult {
  /** Responses received, by status. */
  readonly statuses: Readonly<Record<number, number>>;
  /** Failed requests by error code (`ECONNRESET`, `ECONNREFUSED`, ...). */
  readonly errors: Readonly<Record<string, number>>;
  /** Responses that asked to close their connection. */
  readonly closeResponses: number;
}

/**
 * Test support: keep-alive clients that each send `request` in a loop, the
 * way a load generator or a busy MLflow client does, until the server refuses
 * a new connection (it stopped) or `maxRequestsPerClient` is reached.
 */
export async function keepAliveLoad(o: KeepAliveLoadOptions): Promise<KeepAliveLoadResult> {
  const { hostname, port } = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
  const statuses: Record<number, number> = {};
  const errors: Record<string, number> = {};
  let responses = 0;
  let closeResponses = 0;
  let fired = false;
  const one = () => new Promise<'ok' | string>((resolve) => {
    const req = http.request({ host: hostname, port: Number(port), path: o.request.path, method: o.request.method, headers: o.request.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        statuses[res.statusCode!] = (statuses[res.statusCode!] ?? 0) + 1;
        if (res.headers.connection === 'close') closeResponses++;
        if (++responses >= (o.trigger?.afterResponses ?? Infinity) && !fired) {
          fired = true;
          o.trigger!.fire();
        }
        resolve('ok');
      });
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end(o.request.body);
  });
  const client = async () => {
    for (let i = 0; i < o.maxRequestsPerClient; i++) {
      const r = await one();
      if (r === 'ok') continue;
      errors[r] = (errors[r] ?? 0) + 1;
      if (r === 'ECONNREFUSED') return;
    }
  };
  try {
    await Promise.all(Array.from({ length: o.clients }, client));
  } finally {
    agent.destroy();
  }
  return { statuses, errors, closeResponses };
}
