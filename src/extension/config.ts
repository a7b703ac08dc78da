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
  readonly pointsPerSeries: number;
  readonly staleRunSeconds: number;
}

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
    pointsPerSeries: c.get('compare.pointsPerSeries', 1000),
    staleRunSeconds: c.get('staleRunSeconds', 60),
  };
}

/** Fires when any `runlens.*` setting changes. */
export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('runlens')) listener();
  });
}
