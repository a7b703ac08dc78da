import * as vscode from 'vscode';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';
import type { FolderStore } from '../store/workspaceStores';
import { imageRequestLog } from '../../deploy/container/deploymentImage';
import { LocalServeProcess } from '../../views/deploy/localServeProcess';
import { MODELS_COMMANDS } from '../../views/commands/commandIds';

export interface ServeServiceOptions {
  readonly logger: Logger;
  /** Setting `runlens.serve.port`: 0 = any free port. */
  readonly port: () => number;
  /** Setting `runlens.serve.requestLogRate`: most requests logged per second; 0 = every request. */
  readonly requestLogRate: () => number;
  /** Setting `runlens.trainer.nodePath` ('' = VS Code's own runtime). */
  readonly nodePath: () => string;
  readonly isTrusted: () => boolean;
  /** A store changed because a server started or stopped (the CLI wrote the deployment). */
  readonly refreshStores: () => void;
  /** Setting `runlens.container.extraArgs`: its storage flags find the image Serve Image runs. */
  readonly containerArgs: () => readonly string[];
}

/** One server this window started. */
export interface LocalServer {
  readonly folderKey: string;
  readonly name: string;
  readonly version: number;
  readonly url: string;
  readonly requestLog: string;
  readonly deploymentId: number | null;
  readonly process: LocalServeProcess;
  /** Served from the version's built image (Serve Image), not on local Node. */
  readonly image: boolean;
}

const key = (folderKey: string, name: string, version: number): string => `${folderKey}|${name}:${version}`;

/**
 * "Serve Locally": `runlens serve name:version` as a child process per
 * version (loopback, a free port unless `runlens.serve.port` says one), its
 * request log in the RunLens output channel, a status bar item that opens
 * the Deploy panel's monitor. Stop and deactivation send SIGTERM; the CLI
 * then finishes in-flight requests and marks its deployment stopped.
 */
export class ServeService implements vscode.Disposable {
  private readonly servers = new Map<string, LocalServer>();
  private readonly starting = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly status: vscode.StatusBarItem;

  constructor(private readonly options: ServeServiceOptions) {
    this.status = vscode.window.createStatusBarItem('runlens.modelServer', vscode.StatusBarAlignment.Left, 0);
    this.status.name = 'RunLens Model Server';
  }

  get running(): readonly LocalServer[] {
    return [...this.servers.values()];
  }

  find(folderKey: string, name: string, version: number): LocalServer | undefined {
    return this.servers.get(key(folderKey, name, version));
  }

  /**
   * Starts serving a version, on local Node or (`image`) from its newest
   * built image; resolves once it listens (its deployment is then in the store).
   */
  async start(folder: FolderStore, name: string, version: number, options: { readonly image?: boolean } = {}): Promise<LocalServer | undefined> {
    if (!this.options.isTrusted()) {
      void vscode.window.showWarningMessage('RunLens: serving runs the model server and writes deployments into the workspace store; trust this workspace to serve locally.');
      return undefined;
    }
    // settings.json accepts any number despite the schema; say which setting is wrong rather than pass the CLI a bad flag.
    const requestLogRate = this.options.requestLogRate();
    if (!Number.isSafeInteger(requestLogRate) || requestLogRate < 0) {
      throw new Error(`setting runlens.serve.requestLogRate must be a whole number of requests per second (0 logs every request), got ${JSON.stringify(requestLogRate)}`);
    }
    const folderKey = folder.folder.uri.toString();
    const k = key(folderKey, name, version);
    const existing = this.servers.get(k);
    if (existing) return existing;
    if (this.starting.has(k)) throw new Error(`${name} v${version} is already starting`);
    this.starting.add(k);
    const { logger } = this.options;
    const image = options.image === true;
    const label = `${name} v${version}${image ? ' (image)' : ''}`;
    const logDir = join(folder.dir, 'serving');
    mkdirSync(logDir, { recursive: true });
    // the image's server writes into a folder mounted into its container: one of its own (as `runlens serve --image` picks)
    const requestLog = image ? imageRequestLog(folder.dir, name, version) : join(logDir, `${name}-v${version}.jsonl`);
    const port = this.options.port();
    const proc = new LocalServeProcess({
      storeDir: folder.dir,
      ref: `${name}:${version}`,
      port,
      requestLog,
      requestLogRate,
      cwd: folder.folder.uri.fsPath,
      execPath: this.options.nodePath() || undefined,
      ...(image ? { image: { cliArgs: this.options.containerArgs() } } : {}),
      onLine: (line) => logger.output(`serve ${label}`, line),
      onExit: (code, signal) => {
        this.servers.delete(k);
        this.changed();
        logger.warn(`model server ${label} exited (${signal ?? `code ${code}`})`);
        void vscode.window.showWarningMessage(`RunLens: the model server of ${label} stopped unexpectedly.`, 'Show Logs').then((c) => c && logger.show());
      },
    });
    try {
      const { url, deploymentId } = await proc.started;
      const server: LocalServer = { folderKey, name, version, url, requestLog, deploymentId, process: proc, image };
      this.servers.set(k, server);
      logger.info(`model server ${label} (pid ${proc.pid}) at ${url}, request log ${requestLog}`);
      this.changed();
      return server;
    } catch (e) {
      const message = (e as Error).message;
      throw new Error(/EADDRINUSE|in use/i.test(message) && port !== 0
        ? `port ${port} is in use (setting runlens.serve.port); set it to 0 for any free port`
        : `could not serve ${label}: ${message}`);
    } finally {
      this.starting.delete(k);
    }
  }

  /** SIGTERM; resolves when the process is gone and has marked its deployment stopped. */
  async stop(folderKey: string, name: string, version: number): Promise<boolean> {
    const k = key(folderKey, name, version);
    const server = this.servers.get(k);
    if (!server) return false;
    this.servers.delete(k);
    await server.process.stop();
    this.options.logger.info(`model server ${name} v${version} stopped`);
    this.changed();
    return true;
  }

  private changed(): void {
    this.options.refreshStores();
    this.updateStatus();
    this.emitter.fire();
  }

  private updateStatus(): void {
    const all = this.running;
    const last = all[all.length - 1];
    if (!last) {
      this.status.hide();
      return;
    }
    const port = new URL(last.url).port;
    this.status.text = `$(server-process) ${last.name} v${last.version} :${port}${all.length > 1 ? ` +${all.length - 1}` : ''}`;
    this.status.tooltip = `${all.map((s) => `${s.name} v${s.version}${s.image ? ' (its image)' : ''} at ${s.url}`).join('\n')}\nClick to open the Deploy panel's monitor.`;
    this.status.command = { command: MODELS_COMMANDS.openMonitor, title: 'Open Monitor', arguments: [`${last.name}:${last.version}`] };
    this.status.show();
  }

  dispose(): void {
    for (const s of this.servers.values()) void s.process.stop();
    this.servers.clear();
    this.status.dispose();
    this.emitter.dispose();
  }
}
