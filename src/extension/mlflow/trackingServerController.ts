import * as vscode from 'vscode';
import { MutableDisposable } from '../../core/util/disposable';
import { TrackingServerProcess } from '../../mlflow/trackingServerProcess';
import type { Logger } from '../logger';
import type { WorkspaceStores } from '../store/workspaceStores';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { MLFLOW_SERVER_COMMANDS } from '../../views/commands/commandIds';

export interface TrackingServerControllerOptions {
  readonly stores: WorkspaceStores;
  readonly logger: Logger;
  /** `runlens.trainer.nodePath`: the Node.js that runs RunLens child processes ('' = VS Code's own). */
  readonly nodePath: () => string;
  readonly isTrusted: () => boolean;
}

/** MLflow's own default port; a free port is taken when it is busy (e.g. a real `mlflow server`). */
const PREFERRED_PORT = 5000;

/**
 * "Start / Stop MLflow-Compatible Tracking Server": `runlens server` as a
 * child process over a workspace folder's store, so a script using the
 * `mlflow` client logs into RunLens with MLFLOW_TRACKING_URI set. Its request
 * log goes to the RunLens output channel; it stops with the extension.
 */
export class TrackingServerController implements vscode.Disposable {
  private readonly server = new MutableDisposable<TrackingServerProcess>();
  private readonly status: vscode.StatusBarItem;
  private url: string | undefined;

  constructor(private readonly options: TrackingServerControllerOptions) {
    this.status = vscode.window.createStatusBarItem('runlens.mlflowServer', vscode.StatusBarAlignment.Left, 0);
    this.status.name = 'RunLens MLflow Tracking Server';
    this.status.command = MLFLOW_SERVER_COMMANDS.copyTrackingUri;
  }

  /** Command id → handler, registered by the composition root. */
  commands(): CommandHandlers<typeof MLFLOW_SERVER_COMMANDS> {
    return {
      [MLFLOW_SERVER_COMMANDS.startServer]: () => this.start(),
      [MLFLOW_SERVER_COMMANDS.stopServer]: () => this.stop(),
      [MLFLOW_SERVER_COMMANDS.copyTrackingUri]: () => this.copyUri(),
    };
  }

  async start(): Promise<void> {
    if (!this.options.isTrusted()) {
      void vscode.window.showWarningMessage('RunLens: the tracking server writes runs into the workspace store; trust this workspace to start it.');
      return;
    }
    if (this.server.value?.running && this.url) {
      await this.announce(this.url, 'is already running');
      return;
    }
    const folder = await this.pickFolder();
    if (!folder) return;
    const dir = this.options.stores.folders.find((f) => f.folder.uri.toString() === folder.uri.toString())?.dir;
    if (!dir) throw new Error(`no RunLens store location for ${folder.name}`);
    let url: string;
    try {
      url = await this.spawn(dir, PREFERRED_PORT);
    } catch (e) {
      if (!/is in use/.test((e as Error).message)) throw e;
      this.options.logger.info(`MLflow tracking server: port ${PREFERRED_PORT} is busy; using a free port`);
      url = await this.spawn(dir, 0);
    }
    this.url = url;
    this.status.text = `$(radio-tower) MLflow ${new URL(url).port}`;
    this.status.tooltip = `RunLens MLflow-compatible tracking server at ${url} over ${dir}. Click to copy MLFLOW_TRACKING_URI.`;
    this.status.show();
    // The server may have just created the store: let the explorer pick it up.
    this.options.stores.refresh();
    await this.announce(url, `is running over ${folder.name}`);
  }

  private async spawn(storeDir: string, port: number): Promise<string> {
    const { logger } = this.options;
    const server = new TrackingServerProcess({
      storeDir,
      port,
      execPath: this.options.nodePath() || undefined,
      onLine: (line) => logger.output('mlflow-server', line),
      onExit: (code, signal) => {
        this.clear();
        logger.warn(`MLflow tracking server exited (${signal ?? `code ${code}`})`);
        void vscode.window.showWarningMessage('RunLens: the MLflow-compatible tracking server stopped unexpectedly.', 'Show Logs').then((c) => c && logger.show());
      },
    });
    this.server.value = server;
    try {
      const url = await server.url;
      logger.info(`MLflow tracking server (pid ${server.pid}) at ${url} over ${storeDir}`);
      return url;
    } catch (e) {
      this.server.value = undefined;
      throw e;
    }
  }

  private async pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = this.options.stores.folders.map((f) => f.folder);
    if (folders.length === 0) {
      void vscode.window.showWarningMessage('RunLens: open a folder first; the tracking server writes into its .runlens store.');
      return undefined;
    }
    if (folders.length === 1) return folders[0];
    return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder whose RunLens store the MLflow clients write to' });
  }

  private async announce(url: string, state: string): Promise<void> {
    const choice = await vscode.window.showInformationMessage(`RunLens: MLflow-compatible tracking server ${state} at ${url}`, 'Copy MLFLOW_TRACKING_URI', 'Stop');
    if (choice === 'Copy MLFLOW_TRACKING_URI') await this.copyUri();
    else if (choice === 'Stop') await this.stop();
  }

  private async copyUri(): Promise<void> {
    if (!this.url || !this.server.value?.running) {
      void vscode.window.showInformationMessage('RunLens: the MLflow-compatible tracking server is not running.');
      return;
    }
    await vscode.env.clipboard.writeText(this.url);
    void vscode.window.showInformationMessage(`RunLens: copied ${this.url}; set MLFLOW_TRACKING_URI to it in your script's environment.`);
  }

  async stop(): Promise<void> {
    const server = this.server.value;
    if (!server) {
      void vscode.window.showInformationMessage('RunLens: the MLflow-compatible tracking server is not running.');
      return;
    }
    this.clear();
    await server.stop();
    this.server.value = undefined;
    this.options.logger.info('MLflow tracking server stopped');
  }

  private clear(): void {
    this.url = undefined;
    this.status.hide();
  }

  dispose(): void {
    this.server.dispose();
    this.status.dispose();
  }
}
