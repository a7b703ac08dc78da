import * as vscode from 'vscode';

/** Every `runlens.*` setting, mirroring `contributes.configuration`. */
export interface RunLensSettings {
  readonly configFiles: string;
  readonly storePath: string;
  readonly keyMetric: string;
  readonly pageSize: number;
  readonly starredFirst: boolean;
  readonly killGraceSeconds: number;
  readonly nodePath: string;
  /** `runlens.trainer.pythonPath`: the Python of command runs (`{{python}}`); empty: python3 on the PATH. */
  readonly pythonPath: string;
  /** `runlens.systemMetrics.interval`: seconds between samples of a run's system metrics; 0 = off. */
  readonly systemMetricsInterval: number;
  /** `runlens.datasets.snapshotMaxMB`: data files up to this size are copied into the store when a run reads them. */
  readonly datasetSnapshotMB: number;
  readonly pointsPerSeries: number;
  readonly staleRunSeconds: number;
  /** `runlens.container.cli`: which container CLI builds images. */
  readonly containerCli: 'auto' | 'docker' | 'podman' | 'buildah';
  /** `runlens.container.extraArgs`: inserted after `build`. */
  readonly containerExtraArgs: readonly string[];
  /** `runlens.container.baseImage`. */
  readonly containerBaseImage: string;
  /** `runlens.serve.port`: 0 = any free port. */
  readonly servePort: number;
  /** `runlens.serve.requestLogRate`: most requests written to the request log per second; 0 = every request. */
  readonly serveRequestLogRate: number;
  /**
   * `runlens.trackingServers`: the team's MLflow servers, as written (checked by
   * trackingServerList). In an untrusted workspace only the user's own value
   * counts: a cloned repository must not make the editor send requests.
   */
  readonly trackingServers: unknown;
  /** `runlens.logTo`: the name of a tracking server every run trained from the editor is shipped to; empty: none. Same trust rule. */
  readonly logTo: string;
  /** `runlens.compute`: personal compute profiles (name → profile), as written; checked by loadComputeProfiles. Same trust rule. */
  readonly compute: unknown;
}

/**
 * A setting whose workspace value is ignored until the workspace is trusted
 * (also listed in `capabilities.untrustedWorkspaces.restrictedConfigurations`;
 * read this way too so the rule holds whatever the host does).
 */
function userOnlyUntilTrusted<T>(c: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  if (vscode.workspace.isTrusted) return c.get<T>(key, fallback);
  const i = c.inspect<T>(key);
  return i?.globalValue ?? i?.defaultValue ?? fallback;
}

const CONTAINER_CLIS = ['auto', 'docker', 'podman', 'buildah'] as const;

/** The only reader of RunLens settings. */
export function readSettings(scope?: vscode.ConfigurationScope): RunLensSettings {
  const c = vscode.workspace.getConfiguration('runlens', scope);
  return {
    configFiles: c.get('configFiles', '**/*.train.{yaml,yml,json}'),
    storePath: c.get('storePath', '.runlens'),
    keyMetric: c.get('explorer.keyMetric', ''),
    pageSize: c.get('explorer.pageSize', 200),
    starredFirst: c.get('explorer.starredFirst', true),
    killGraceSeconds: c.get('trainer.killGraceSeconds', 5),
    nodePath: c.get('trainer.nodePath', ''),
    pythonPath: c.get('trainer.pythonPath', ''),
    systemMetricsInterval: c.get('systemMetrics.interval', 5),
    datasetSnapshotMB: c.get('datasets.snapshotMaxMB', 100),
    pointsPerSeries: c.get('compare.pointsPerSeries', 1000),
    staleRunSeconds: c.get('staleRunSeconds', 60),
    containerCli: CONTAINER_CLIS.find((x) => x === c.get('container.cli', 'auto')) ?? 'auto',
    containerExtraArgs: c.get<unknown[]>('container.extraArgs', []).filter((x): x is string => typeof x === 'string'),
    containerBaseImage: c.get('container.baseImage', 'node:20-bookworm-slim') || 'node:20-bookworm-slim',
    servePort: c.get('serve.port', 0),
    serveRequestLogRate: c.get('serve.requestLogRate', 200),
    trackingServers: userOnlyUntilTrusted<unknown>(c, 'trackingServers', []),
    logTo: String(userOnlyUntilTrusted<unknown>(c, 'logTo', '') ?? '').trim(),
    compute: userOnlyUntilTrusted<unknown>(c, 'compute', {}),
  };
}

/** Fires when any `runlens.*` setting changes. */
export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('runlens')) listener();
  });
}
