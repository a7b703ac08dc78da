import * as vscode from 'vscode';
import { isAbsolute, join, resolve } from 'node:path';
import { Disposable, toDisposable } from '../../core/util/disposable';
import type { ContainerCliName } from '../../deploy/build/containerCli';
import type { DeploySection, DeployState, HostToPage, PageToHost, SmokeView } from '../../protocol/deploy';
import { assertNever } from '../../../webview/shared/assertNever';
import type { FolderStore, WorkspaceStores } from '../store/workspaceStores';
import type { ServeService } from './serveService';
import { BuildSession } from './buildSession';
import { DEPLOY_PAGE } from '../../views/deploy/deployHtml';
import { matchChoice, versionChoices, versionOfRef } from '../../views/deploy/deployState';
import { MonitorSession } from '../../views/deploy/monitorSession';
import { runSmokeTest } from '../../deploy/smoke/smokeTest';
import type { PageMessage, WebviewPanelSpec } from '../webview/webviewPanelHost';
import { WebviewPanelHost } from '../webview/webviewPanelHost';

const SPEC: WebviewPanelSpec = { viewType: 'runlens.deploy', title: 'Deploy Model', logName: 'deploy', shell: DEPLOY_PAGE };

export interface DeploySettings {
  readonly baseImage: string;
  readonly cli: ContainerCliName | 'auto';
  readonly extraArgs: readonly string[];
  readonly nodePath: string;
}

export interface DeployPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly stores: WorkspaceStores;
  readonly serve: ServeService;
  readonly settings: () => DeploySettings;
  readonly isTrusted: () => boolean;
  readonly log: (message: string) => void;
}

/** What the host holds and sent (integration tests assert the round trip with it). */
export interface DeployPanelSnapshot {
  readonly ready: boolean;
  readonly state: DeployState;
  readonly smokeRunning: boolean;
  /** The last error shown in the page, if any. */
  readonly lastError: string | null;
}

/** The store the panel works on: the first folder with models, else the first with a store. */
function folderOf(stores: WorkspaceStores): FolderStore | undefined {
  const withStore = stores.folders.filter((f) => f.store);
  return withStore.find((f) => f.store!.registry.listModels().length > 0) ?? withStore[0];
}

/**
 * The Deploy panel: choose a model version, build its image (live log,
 * cancel, the failing step highlighted), smoke-test the server from the
 * build context's files with rows of the model's data, serve it locally and
 * watch it (traffic, latency, input drift). One panel; `show` reuses it.
 */
export class DeployPanel extends Disposable implements vscode.Disposable {
  static readonly viewType = SPEC.viewType;
  private static active: DeployPanel | undefined;

  static get current(): DeployPanel | undefined {
    return DeployPanel.active;
  }

  private readonly host: WebviewPanelHost<HostToPage, PageToHost>;
  private selected: string | null;
  private smoke: SmokeView | null = null;
  private smokeRunning = false;
  private lastError: string | null = null;
  private readonly builds: BuildSession;
  private readonly monitor: MonitorSession;

  /** Opens (or reveals) the panel on a version (`churn:3`, `churn@production`, `churn`), scrolled to `section`. */
  static show(deps: DeployPanelDeps, ref?: string, section?: DeploySection): DeployPanel {
    let target = DeployPanel.active;
    if (target) {
      if (ref) target.select(ref);
      target.host.reveal();
    } else {
      target = new DeployPanel(deps, WebviewPanelHost.createPanel(SPEC, deps.extensionUri), ref ?? null);
    }
    if (section) void target.host.postWhenReady({ type: 'reveal', section });
    return target;
  }

  static registerSerializer(deps: DeployPanelDeps): vscode.Disposable {
    return WebviewPanelHost.registerSerializer(SPEC, deps.extensionUri, (panel, state) => {
      const selected = typeof state === 'object' && state !== null && typeof (state as { selected?: unknown }).selected === 'string' ? (state as { selected: string }).selected : null;
      new DeployPanel(deps, panel, selected);
    });
  }

  private constructor(
    private readonly deps: DeployPanelDeps,
    panel: vscode.WebviewPanel,
    ref: string | null,
  ) {
    super();
    DeployPanel.active = this;
    this.host = this._register(new WebviewPanelHost<HostToPage, PageToHost>(panel, SPEC, deps.extensionUri, {
      onReady: () => this.onReady(),
      onMessage: (m) => this.onMessage(m),
    }, deps.log));
    this._register(this.host.onDidDispose(() => this.dispose()));
    this.selected = null;
    this.builds = this._register(new BuildSession({
      post: (m) => void this.post([m]),
      log: deps.log,
      refreshStores: () => deps.stores.refresh(),
    }));
    this.monitor = this._register(new MonitorSession({
      folder: () => folderOf(deps.stores),
      selected: () => this.selected,
      active: () => this.host.ready && this.host.visible,
      post: (m) => void this.post([m]),
      log: deps.log,
    }));
    this._register(toDisposable(() => {
      if (DeployPanel.active === this) DeployPanel.active = undefined;
    }));
    // the registry (versions, aliases, builds, deployments) or a deleted source run: a metric batch changes nothing here
    this._register(deps.stores.onDidChange((e) => {
      if (!e.change || e.change.registryChanged || e.change.runsEdited) this.onStoresChanged();
    }));
    this._register(deps.serve.onDidChange(() => this.onStoresChanged()));
    this.select(ref);
  }

  /** Resolves when the page has posted `ready` and received its state (tests use it). */
  get whenReady(): Promise<void> {
    return this.host.whenReady;
  }

  snapshot(): DeployPanelSnapshot {
    return { ready: this.host.ready, state: this.state(), smokeRunning: this.smokeRunning, lastError: this.lastError };
  }

  /** Chooses a version; a reference that matches none leaves the first one chosen. */
  select(ref: string | null): void {
    const folder = folderOf(this.deps.stores);
    const choices = folder?.store ? versionChoices(folder.store) : [];
    this.selected = matchChoice(choices, ref) ?? (this.selected && matchChoice(choices, this.selected)) ?? choices[0]?.ref ?? null;
    this.host.title = this.selected ? `Deploy: ${this.selected.replace(/:(\d+)$/, ' v$1')}` : 'Deploy Model';
    this.monitor.reset();
    void this.post([{ type: 'state', state: this.state() }]);
  }

  private state(): DeployState {
    const folder = folderOf(this.deps.stores);
    const build = this.builds.view;
    return {
      versions: folder?.store ? versionChoices(folder.store) : [],
      selected: this.selected,
      baseImage: this.deps.settings().baseImage,
      trusted: this.deps.isTrusted(),
      build,
      log: this.builds.lines,
      smoke: this.smoke,
      monitor: this.monitor.view,
      monitorNote: this.monitor.note,
    };
  }

  private stateTimer: NodeJS.Timeout | undefined;

  /** Versions, aliases and servers changed somewhere: resend the state (coalesced). */
  private onStoresChanged(): void {
    if (this.stateTimer || this.isDisposed) return;
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined;
      if (this.isDisposed) return;
      const folder = folderOf(this.deps.stores);
      const choices = folder?.store ? versionChoices(folder.store) : [];
      // The chosen version was deleted (or the first model registered): choose again.
      if (!choices.some((c) => c.ref === this.selected)) this.select(this.selected);
      else void this.post([{ type: 'state', state: this.state() }]);
    }, 300);
  }

  private post(messages: readonly HostToPage[]): Promise<void> {
    return this.host.post(messages);
  }

  private requireFolder(): FolderStore & { readonly store: NonNullable<FolderStore['store']> } {
    const folder = folderOf(this.deps.stores);
    if (!folder?.store) throw new Error('no RunLens store in this workspace yet: train a run and register its model first');
    return folder as FolderStore & { readonly store: NonNullable<FolderStore['store']> };
  }

  private refuseUntrusted(what: string): boolean {
    if (this.deps.isTrusted()) return false;
    this.lastError = `${what} runs code from the workspace; trust this workspace first (Manage Workspace Trust).`;
    void this.post([{ type: 'error', message: this.lastError }]);
    return true;
  }

  /** Handles a page message; the integration tests drive the panel through it as the page would. */
  receive(m: PageToHost): Promise<void> {
    return this.host.receive(m);
  }

  /** The page (re)loaded: everything it shows; the monitor starts sampling. */
  private async onReady(): Promise<void> {
    await this.post([{ type: 'state', state: this.state() }]);
    void this.monitor.kick();
  }

  private async onMessage(m: PageMessage<PageToHost>): Promise<void> {
    try {
      switch (m.type) {
        case 'select':
          this.select(m.ref);
          return;
        case 'build': {
          if (this.refuseUntrusted('Building an image')) return;
          const folder = this.requireFolder();
          const s = this.deps.settings();
          await this.builds.run(folder, m.ref, { tag: m.tag, baseImage: m.baseImage || s.baseImage, contextOnly: m.contextOnly, cli: s.cli, extraArgs: s.extraArgs });
          return;
        }
        case 'cancelBuild':
          this.builds.cancel();
          return;
        case 'smokeTest':
          if (this.refuseUntrusted('The smoke test')) return;
          await this.runSmoke(m.ref);
          return;
        case 'serve': {
          if (this.refuseUntrusted('Serving')) return;
          const [name, version] = versionOfRef(m.ref);
          await this.deps.serve.start(this.requireFolder(), name, version, { image: m.image === true });
          this.monitor.reset();
          void this.monitor.kick();
          return;
        }
        case 'stopServing': {
          const [name, version] = versionOfRef(m.ref);
          const folder = this.requireFolder();
          if (!(await this.deps.serve.stop(folder.folder.uri.toString(), name, version))) {
            void this.post([{ type: 'error', message: `${name} v${version} is not served from this window; stop it where it was started.` }]);
          }
          return;
        }
        case 'retrain':
          await this.openConfig(m.ref);
          return;
        case 'copy':
          await vscode.env.clipboard.writeText(m.text);
          void vscode.window.setStatusBarMessage('RunLens: copied to the clipboard', 3000);
          return;
        case 'revealContext': {
          const uri = vscode.Uri.file(m.dir);
          // The Explorer shows only workspace folders; a store kept elsewhere (absolute runlens.storePath) opens in the OS.
          await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS', uri);
          return;
        }
        default:
          assertNever(m);
      }
    } catch (e) {
      const message = (e as Error).message.split('\n')[0]!;
      this.lastError = message;
      this.deps.log(`deploy: ${m.type} failed: ${(e as Error).stack ?? message}`);
      await this.post([{ type: 'error', message }]);
    }
  }

  private async runSmoke(ref: string): Promise<void> {
    if (this.smokeRunning) throw new Error('a smoke test is already running');
    if (this.builds.running) throw new Error('wait for the build to finish: the smoke test writes the same build context');
    const folder = this.requireFolder();
    this.smokeRunning = true;
    await this.post([{ type: 'smokeRunning', ref }]);
    try {
      this.smoke = await runSmokeTest({
        store: folder.store,
        root: folder.folder.uri.fsPath,
        ref,
        buildsDir: join(folder.dir, 'builds'),
        execPath: this.deps.settings().nodePath || process.execPath,
        // the build's storage flags (buildah's --storage-driver) find the image it made
        cliArgs: this.deps.settings().extraArgs,
      });
      this.deps.log(`smoke test of ${ref}: ${this.smoke.matches}/${this.smoke.rows.length} predictions match in ${this.smoke.ms} ms`);
      await this.post([{ type: 'smoke', smoke: this.smoke }]);
    } finally {
      this.smokeRunning = false;
    }
  }

  /** "Retrain with Current Data": the source run's config, to train again on today's data. */
  private async openConfig(ref: string): Promise<void> {
    const folder = this.requireFolder();
    const [name, version] = versionOfRef(ref);
    const v = folder.store.registry.getModelVersion(name, version);
    if (!v.configPath) throw new Error(`${name} v${version}'s run ${v.runName} recorded no config file`);
    const file = isAbsolute(v.configPath) ? v.configPath : resolve(folder.folder.uri.fsPath, v.configPath);
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    void vscode.window.showInformationMessage(`RunLens: ${name} v${version} was trained from this config. Train it again (the "Train this" lens above) to fit the current data, then register the new run.`);
  }

  override dispose(): void {
    if (this.stateTimer) clearTimeout(this.stateTimer);
    super.dispose();
  }
}
