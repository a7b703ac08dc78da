/**
 * Run keys: how a view names a run whichever source holds it. A local run's
 * key is its id (as before, so saved panels and commands keep working); a run
 * on a tracking server is `mlflow:<run id>@<server URI>`, since a server's
 * run ids are only unique on that server. No vscode import.
 */

const PREFIX = 'mlflow:';

/** Where a keyed run lives: `server` undefined for the workspace store. */
export interface RunRef {
  readonly runId: string;
  readonly server?: string;
}

/** The key of a run on a server (normalised URI, as TrackingServer.uri). */
export function remoteRunKey(server: string, runId: string): string {
  return `${PREFIX}${runId}@${server}`;
}

/** The run a key names; a key without the prefix is a local run id. */
export function parseRunKey(key: string): RunRef {
  if (!key.startsWith(PREFIX)) return { runId: key };
  const rest = key.slice(PREFIX.length);
  const at = rest.indexOf('@');
  if (at <= 0 || at === rest.length - 1) return { runId: key };
  return { runId: rest.slice(0, at), server: rest.slice(at + 1) };
}

export function isRemoteRunKey(key: string): boolean {
  return parseRunKey(key).server !== undefined;
}
