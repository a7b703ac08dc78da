import http from 'node:http';
import net from 'node:net';

/** An answer as a test reads it. */
export interface RawReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  readonly json: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Test support: one request sent exactly as given over a fresh connection
 * (no URL normalization, any Host), the way an attacker's client would.
 */
export function rawHttp(port: number, method: string, path: string, headers: Readonly<Record<string, string>> = {}, body?: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Test support: bytes written as they are on a socket (a Content-Length the
 * body never reaches, a header block node's client would not send); resolves
 * with the answer once the server closes the connection.
 */
export function rawSocket(port: number, request: string): Promise<{ status: number; text: string; json: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      const cut = answer.indexOf('\r\n\r\n');
      const text = cut < 0 ? '' : answer.slice(cut + 4);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), text, json: parseJson(text) });
    });
    socket.end(request);
  });
}
