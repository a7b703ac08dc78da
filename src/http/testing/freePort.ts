import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listened on a moment ago (bound to
 * port 0, then released), for a child server that must be told its port
 * (Jupyter, PostgreSQL, `mlflow models serve`) or a port that refuses.
 * Another process may take it in between: a caller that starts a server on
 * it sees that as the server's own start-up failure.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
