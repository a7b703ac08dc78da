// A reverse proxy on 127.0.0.1 in front of a real `mlflow server`, standing
// in for the auth layer a team puts in front of MLflow (MLflow 2.12's own
// `--app-name basic-auth` needs Flask-WTF, which the source install does not
// have): a request without `Authorization: Bearer <token>` or the basic-auth
// user's `Authorization: Basic …` gets MLflow's 401 body; the others go to
// MLflow unchanged. A test can hold chosen requests
// (to cut a push in the middle) and drop them unanswered.
import http from 'node:http';

/**
 * @param {string} target the MLflow server's URI (http://127.0.0.1:PORT)
 * @param {{ token: string, basic?: { username: string, password: string } }} opts
 */
export async function startAuthProxy(target, opts) {
  const upstream = new URL(target);
  /** @type {null | ((path: string, body: any) => boolean)} */
  let holdWhen = null;
  /** @type {{ path: string, req: http.IncomingMessage, res: http.ServerResponse }[]} */
  const held = [];
  // forwarded: 'METHOD /path' of each request sent on to MLflow
  // accepted: the scheme ('Bearer' or 'Basic') of each request let through
  const stats = { refused: 0, forwarded: /** @type {string[]} */ ([]), accepted: /** @type {string[]} */ ([]) };
  const accepted = new Map([[`Bearer ${opts.token}`, 'Bearer']]);
  if (opts.basic) accepted.set(`Basic ${Buffer.from(`${opts.basic.username}:${opts.basic.password}`).toString('base64')}`, 'Basic');
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const scheme = accepted.get(req.headers.authorization ?? '');
      if (!scheme) {
        stats.refused++;
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error_code: 'UNAUTHENTICATED', message: 'You are not authenticated. Please see the token your team gave you.' }));
        return;
      }
      stats.accepted.push(scheme);
      let json;
      try { json = JSON.parse(body.toString('utf8')); } catch { json = undefined; }
      if (holdWhen?.(path, json)) {
        held.push({ path, req, res });
        return;
      }
      stats.forwarded.push(`${req.method} ${path}`);
      const headers = { ...req.headers, host: upstream.host };
      delete headers.authorization; // MLflow itself runs without auth
      const up = http.request({ host: upstream.hostname, port: upstream.port, path, method: req.method, headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', (e) => {
        if (res.headersSent) return void res.destroy();
        res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end(`bad gateway: ${e.message}`);
      });
      up.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    uri: `http://127.0.0.1:${port}`,
    stats,
    /** Requests held now (not answered, not forwarded). */
    held,
    /** Holds every later request for which `fn(path, jsonBody)` is true; null: hold nothing. */
    hold(fn) {
      holdWhen = fn;
    },
    /** Drops the held requests unanswered: they never reach MLflow. */
    dropHeld() {
      for (const h of held.splice(0)) h.res.destroy();
    },
    close() {
      holdWhen = null;
      for (const h of held.splice(0)) h.res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
