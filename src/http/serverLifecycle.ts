import { maxHeaderSize } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** Listening and a graceful close for a `node:http` server (the model server, `runlens server`). */
export interface ServerLifecycle {
  /** True from the first close(): replies then carry `Connection: close`, health checks say so. */
  readonly closing: boolean;
  /** Starts listening; resolves with the bound address (the real port when asked for 0), rejects on a listen error. */
  listen(): Promise<{ port: number; host: string }>;
  /**
   * Stops accepting connections at once; answers the requests in flight, and
   * any that arrive on open keep-alive connections, with `Connection: close`;
   * closes the connections that stay idle for `idleLingerMs`; cuts what is
   * still open after `graceMs`. Resolves when no connection is left. Idempotent.
   */
  close(): Promise<void>;
}

export interface ServerLifecycleOptions {
  readonly port: number;
  readonly host: string;
  /** Longest a close waits for in-flight requests before it cuts their connections. */
  readonly graceMs: number;
  /** How long a keep-alive connection may stay idle after close() before it is closed; default 1000 ms (at most graceMs). */
  readonly idleLingerMs?: number;
}

/** Default of {@link ServerLifecycleOptions.idleLingerMs}. */
export const DEFAULT_IDLE_LINGER_MS = 1000;

/**
 * Why idle keep-alive connections are not closed at once on shutdown (what
 * node's `server.close()` does): a client may have written its next request
 * on one just before, and closing a socket with unread data resets it, so
 * the client sees ECONNRESET for a request the server never saw (20 of 20
 * busy keep-alive clients did, measured). A connection that carries a request
 * after close() instead gets its answer with `Connection: close` and the
 * client reconnects (and finds the port closed); one that stays idle for
 * `idleLingerMs` is closed then, the same race node's keepAliveTimeout runs
 * every day.
 */
export function serverLifecycle(server: Server, options: ServerLifecycleOptions): ServerLifecycle {
  let closing = false;
  let closed: Promise<void> | undefined;
  const inFlight = new Set<ServerResponse>();
  // First listener: every response written from now on can still be told to close its connection.
  server.prependListener('request', (_req, res) => {
    if (closing) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  server.on('clientError', answerClientError);
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
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        const linger = setTimeout(() => server.closeIdleConnections(), Math.min(options.idleLingerMs ?? DEFAULT_IDLE_LINGER_MS, options.graceMs));
        const force = setTimeout(() => server.closeAllConnections(), options.graceMs);
        // net's close, not http's: http's would first destroy the idle keep-alive connections (see above).
        NetServer.prototype.close.call(server, (err?: Error) => {
          clearTimeout(linger);
          clearTimeout(force);
          // Now http's close too, for what it tears down besides (its request-timeout timer); nothing is left to cut.
          server.close(() => undefined);
          if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(err);
          else resolve();
        });
      });
      return closed;
    },
  };
}

/**
 * A request node's parser refuses before any handler sees it (headers over
 * the limit, a malformed request line) answered in the servers' JSON error
 * shape instead of node's bare status line, then the connection is closed.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] = err.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'Request Header Fields Too Large', 'REQUEST_LIMIT_EXCEEDED', `the request headers exceed the limit of ${maxHeaderSize} bytes`]
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'the request was not received in time']
      : [400, 'Bad Request', 'MALFORMED_REQUEST', `malformed HTTP request (${err.code ?? err.message})`];
  const body = JSON.stringify({ error_code: code, message });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
