/**
 * The team's tracking servers the editor shows: `runlens.trackingServers`
 * (a list of `{ name, uri }`) plus the `MLFLOW_TRACKING_URI` of the editor's
 * environment, checked and de-duplicated. No vscode import: tested under Node.
 */
import { normalizeServerUri } from '../../mlflow/client/mlflowHttp';

/** One server the Runs view lists. */
export interface TrackingServer {
  /** The normalised URI: what identifies the server (the sync ledger, run keys, stored credentials). */
  readonly uri: string;
  readonly name: string;
  /** Where it was configured: the setting, or `MLFLOW_TRACKING_URI`. */
  readonly origin: 'settings' | 'env';
}

export interface ServerList {
  readonly servers: readonly TrackingServer[];
  /** One line per entry left out, for the Output channel. */
  readonly problems: readonly string[];
}

/** The name the environment's server gets when no entry of the setting has its URI. */
export const ENV_SERVER_NAME = 'MLFLOW_TRACKING_URI';

/**
 * The servers of the setting (in its order; an entry with no name, a URI
 * that is not http(s) or holds credentials, or a name or URI seen before, is
 * left out with a reason), then the environment's `MLFLOW_TRACKING_URI` when
 * it is an http(s) server not listed already. MLflow's other tracking URIs
 * (`file:…`, `databricks`, a database) are not servers RunLens reads.
 */
export function trackingServerList(setting: unknown, envUri: string | undefined): ServerList {
  const servers: TrackingServer[] = [];
  const problems: string[] = [];
  const entries = Array.isArray(setting) ? setting : setting === undefined || setting === null ? [] : [setting];
  if (!Array.isArray(setting) && entries.length > 0) problems.push('runlens.trackingServers should be a list of { "name", "uri" } entries');
  entries.forEach((raw: unknown, i) => {
    const where = `runlens.trackingServers[${i}]`;
    if (typeof raw !== 'object' || raw === null) return void problems.push(`${where} is not an object with "name" and "uri"`);
    const { name, uri } = raw as { name?: unknown; uri?: unknown };
    if (typeof uri !== 'string' || !uri.trim()) return void problems.push(`${where} has no "uri"`);
    let normalized: string;
    try {
      normalized = normalizeServerUri(uri);
    } catch (e) {
      return void problems.push(`${where}: ${(e as Error).message}`);
    }
    const label = typeof name === 'string' && name.trim() ? name.trim() : new URL(normalized).host;
    if (servers.some((s) => s.uri === normalized)) return void problems.push(`${where}: ${normalized} is listed twice; the first entry is used`);
    if (servers.some((s) => s.name === label)) return void problems.push(`${where}: the name "${label}" is taken; give each server its own name`);
    servers.push({ uri: normalized, name: label, origin: 'settings' });
  });
  const env = envUri?.trim();
  if (env) {
    if (!/^https?:\/\//i.test(env)) {
      problems.push(`MLFLOW_TRACKING_URI "${env}" is not an http(s) tracking server; the Runs view lists only servers`);
    } else {
      try {
        const normalized = normalizeServerUri(env);
        if (!servers.some((s) => s.uri === normalized)) {
          const name = servers.some((s) => s.name === ENV_SERVER_NAME) ? `${ENV_SERVER_NAME} (${new URL(normalized).host})` : ENV_SERVER_NAME;
          servers.push({ uri: normalized, name, origin: 'env' });
        }
      } catch (e) {
        problems.push(`MLFLOW_TRACKING_URI: ${(e as Error).message}`);
      }
    }
  }
  return { servers, problems };
}

/** A server named by the user: its name or its URI (normalised or as typed). */
export function findServer(servers: readonly TrackingServer[], ref: string): TrackingServer | undefined {
  const byName = servers.find((s) => s.name === ref);
  if (byName) return byName;
  try {
    const uri = normalizeServerUri(ref);
    return servers.find((s) => s.uri === uri);
  } catch {
    return undefined;
  }
}
