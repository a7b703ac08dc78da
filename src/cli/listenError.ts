import { CliError } from './context';

/**
 * A server that could not listen, as the one line a user can act on (the
 * same words for `serve` and `server`); other errors come back unchanged.
 */
export function listenError(e: unknown, port: number, host: string): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return new CliError(`port ${port} on ${host} is in use; pick another with --port`);
  if (code === 'EACCES') return new CliError(`no permission to listen on port ${port} on ${host}; pick a port above 1023 with --port`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new CliError(`cannot listen on host "${host}" (${code})`);
  return e;
}
