import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpErrors';

/**
 * The request's URL, parsed without throwing (`new URL` throws on a target
 * such as `//[`, which would end the server from inside its request
 * handler). A target starting with `/` is always a path on this server:
 * `//x/y` is the path `//x/y`, not the host `x`. A target that is no URL at
 * all is the client's 400.
 */
export function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  try {
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target);
  } catch {
    throw new HttpError(400, 'MALFORMED_REQUEST', `the request target ${JSON.stringify(target)} is not a valid URL path`);
  }
}
