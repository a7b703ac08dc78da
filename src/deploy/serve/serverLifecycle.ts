import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listening and a graceful close for a `node:http` server (the model server, `runlens server`). */
export interface ServerLifecycle {
  /** True from the first close(): replies then ask for `Connection: close`, health checks say so. */
  readonly closing: boolean;
  /** Starts listening; resolves with the bound address (the real port when asked for 0), rejects on a listen error. */
  listen(): Promise<{ port: number; host: string }>;
  /**
   * Stops accepting connections, lets in-flight requests finish and cuts the
   * connections still open after the grace period. Idempotent.
   */
  close(): Promise<void>;
}

export function serverLifecycle(server: Server, options: { readonly port: number; readonly host: string; readonly graceMs: number }): ServerLifecycle {
  let closing = false;
  let closed: Promise<void> | undefined;
  return {
    get closing() {
      return closing;
    },
    listen: () => new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        const addr = server.address() as AddressInfo;
        resolve({ port: addr.port, host: addr.address });
      });
    }),
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        closing = true;
        const force = setTimeout(() => server.closeAllConnections(), options.graceMs);
        force.unref();
        server.close((err) => {
          clearTimeout(force);
          if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(err);
          else resolve();
        });
        // Idle keep-alive sockets have no request to finish; busy ones close after their response.
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}
