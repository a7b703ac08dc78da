import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { Disposable, toDisposable } from '../../core/util/disposable';
import { PageChannel } from '../../views/webview/pageChannel';
import type { PageShell } from '../../views/webviewHtml';
import { renderWebviewHtml } from '../../views/webviewHtml';
import type { PageLifecycleMessage } from '../../../webview/shared/startPage';

/** A webview panel type: its view type (the serializer's key) and its page. */
export interface WebviewPanelSpec {
  /** `runlens.compare`; package.json's `onWebviewPanel:` activation names it too. */
  readonly viewType: string;
  /** The tab title until the panel sets its own. */
  readonly title: string;
  /** How the log names the panel: `compare` → `compare page: <the page's error>`. */
  readonly logName: string;
  readonly shell: PageShell;
}

/** What a panel does with its page; the host owns the rest. */
export interface PageHandlers<PageToHost> {
  /** The page (re)loaded and said `ready`: send everything it shows with `post`. */
  readonly onReady: () => Promise<void>;
  /** Every message of the page's protocol but `ready` and `pageError`, which the host handles. */
  readonly onMessage: (message: PageMessage<PageToHost>) => Promise<void>;
}

/** A page's own messages: its protocol without the lifecycle ones every page has (webview/shared/startPage.ts). */
export type PageMessage<PageToHost> = Exclude<PageToHost, PageLifecycleMessage>;

/**
 * One webview panel with a typed page protocol: it creates or restores the
 * panel, renders the page's HTML (one CSP, a fresh nonce per load), runs the
 * ready handshake ({@link PageChannel}: nothing is sent before the page says
 * `ready`; a page hidden and torn down says it again and gets a catch-up),
 * logs the page's own errors (`pageError`) and disposes with the panel. A
 * panel class (compare, dataset diff, deploy) holds one and keeps only its
 * own messages and state.
 */
export class WebviewPanelHost<HostToPage, PageToHost extends { readonly type: string }> extends Disposable implements vscode.Disposable {
  private readonly channel: PageChannel<HostToPage>;
  private readonly logName: string;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the panel closes or the host is disposed. */
  readonly onDidDispose = this.disposeEmitter.event;

  /** Opens a new panel of this type in the active column. */
  static createPanel(spec: WebviewPanelSpec, extensionUri: vscode.Uri): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(spec.viewType, spec.title, vscode.ViewColumn.Active, panelOptions(extensionUri));
  }

  /**
   * Restores this type's panels after a reload ("Developer: Reload Window"):
   * `restore` gets the panel and the state the page saved with `setState`
   * (unchecked: sanitise it).
   */
  static registerSerializer(spec: WebviewPanelSpec, extensionUri: vscode.Uri, restore: (panel: vscode.WebviewPanel, state: unknown) => void): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(spec.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        panel.webview.options = panelOptions(extensionUri);
        restore(panel, state);
      },
    });
  }

  constructor(
    private readonly panel: vscode.WebviewPanel,
    spec: WebviewPanelSpec,
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: PageHandlers<PageToHost>,
    private readonly log: (message: string) => void,
  ) {
    super();
    this.channel = new PageChannel<HostToPage>((m) => panel.webview.postMessage(m));
    this._register(toDisposable(() => {
      this.channel.close();
      this.disposeEmitter.fire();
      this.disposeEmitter.dispose();
    }));
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((m: PageToHost) => void this.receive(m)));
    // Without retainContextWhenHidden a hidden page is torn down; it posts `ready` again when shown.
    this._register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.channel.pageHidden();
    }));
    this._register(toDisposable(() => panel.dispose()));
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'runlens.svg');
    panel.webview.html = this.html(spec.shell);
    this.logName = spec.logName;
  }

  /** Settles once the page first said `ready` and got its catch-up (tests wait on it). */
  get whenReady(): Promise<void> {
    return this.channel.whenReady;
  }

  /** The page said `ready` and is not hidden since. */
  get ready(): boolean {
    return this.channel.isReady;
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  set title(title: string) {
    this.panel.title = title;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Sends to a ready page; dropped otherwise (the next catch-up carries the state). */
  post(messages: readonly HostToPage[]): Promise<void> {
    return this.channel.post(messages);
  }

  /** A one-off message (not part of the catch-up): sent now to a ready page, else after its next catch-up. */
  postWhenReady(message: HostToPage): Promise<void> {
    return this.channel.postWhenReady(message);
  }

  /** Handles a page message as the page would post it (integration tests drive panels through it). */
  async receive(m: PageToHost): Promise<void> {
    if (this.isDisposed) return;
    const lifecycle = m as PageToHost | PageLifecycleMessage;
    if (lifecycle.type === 'ready') {
      try {
        await this.channel.pageReady(() => this.handlers.onReady());
      } catch (e) {
        this.log(`${this.logName}: catching the page up failed: ${(e as Error).stack ?? e}`);
      }
      return;
    }
    if (lifecycle.type === 'pageError') {
      this.log(`${this.logName} page: ${(lifecycle as Extract<PageLifecycleMessage, { type: 'pageError' }>).message}`);
      return;
    }
    await this.handlers.onMessage(m as PageMessage<PageToHost>);
  }

  private html(shell: PageShell): string {
    const webview = this.panel.webview;
    const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('hex'),
      scriptUri: uri('dist', 'webview', shell.script),
      codiconsUri: uri('dist', 'codicons', 'codicon.css'),
      styleUris: (shell.styles ?? []).map((s) => uri('media', s)),
      title: shell.title,
      loadingText: shell.loadingText,
    });
  }
}

function panelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
