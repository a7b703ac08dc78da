import type { IncomingMessage } from 'node:http';
import { HttpError } from './httpErrors';

/** Whether a Host header (or bind address) names this machine's loopback interface, with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']'))
    : host.includes(':') && host.indexOf(':') === host.lastIndexOf(':') ? host.slice(0, host.indexOf(':')) : host;
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * The DNS-rebinding guard of both servers (`runlens serve`, `runlens
 * server`): bound to a loopback address, a server answers only requests whose
 * Host names the loopback interface. A web page that rebinds its own DNS name
 * to 127.0.0.1 still sends that name as Host, so it is refused before it can
 * read predictions or write into the store. A server bound to another address
 * was exposed on purpose and takes any Host.
 */
export function hostGuard(boundHost: string, serverName: string): (req: IncomingMessage) => void {
  if (!isLoopbackHost(boundHost)) return () => undefined;
  return (req) => {
    if (!isLoopbackHost(req.headers.host)) {
      throw new HttpError(403, 'PERMISSION_DENIED', `Host "${req.headers.host ?? ''}" is not allowed; ${serverName} on a loopback address answers localhost, 127.0.0.1 and [::1]`);
    }
  };
}
