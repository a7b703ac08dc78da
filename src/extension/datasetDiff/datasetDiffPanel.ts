import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { Disposable, MutableDisposable, toDisposable } from '../../core/util/disposable';
import type { DiffSummary, HostToPage, PageToHost } from '../../protocol/datasetDiff';
import { assertNever } from '../../../webview/shared/assertNever';
import { renderDatasetDiffHtml } from '../../views/datasetDiff/diffHtml';
import { exportDiff } from './diffExport';
import type { DiffContext, DiffResult } from '../../views/datasetDiff/diffSession';
import { SideUnreadableError, runDatasetDiff } from '../../views/datasetDiff/diffSession';
import { describeDiffError, shortRef } from '../../views/datasetDiff/diffMessages';
import { sanitizeDiffState } from '../../views/datasetDiff/pageState';
import { pickKeyColumns } from './refPickers';

/** What to diff: two dataset refs (text) and optional key columns. */
export interface DiffRequest {
  readonly refA: string;
  readonly refB: string;
  readonly key: readonly string[];
}

export interface DatasetDiffPanelDeps {
  readonly extensionUri: vscode.Uri;
  /** The folder and store a diff of these refs runs against (multi-root: the folder of a file ref, else the first). */
  readonly contextFor: (request: DiffRequest) => DiffContext | undefined;
  /** The header of a ref's data (for "Change key…"). */
  readonly columnsOf: (ref: string, ctx: DiffContext) => Promise<string[]>;
  readonly log: (message: string) => void;
}

/** What the host sent the page (integration tests assert the round trip with it). */
export interface DiffPanelSnapshot {
  readonly ready: boolean;
  readonly request: DiffRequest;
  readonly summary?: DiffSummary;
  readonly error?: string;
  /** Row windows sent so far, and the rows in them. */
  readonly rowMessages: number;
  readonly rowsSent: number;
}

/** Progress messages to the page at most this often (the engine reports per chunk). */
const PROGRESS_THROTTLE_MS = 150;

/**
 * The dataset-diff webview panel. The diff runs in the extension host (the
 * engine streams and yields, so the host stays responsive) with a
 * cancellable notification; the `FileDiff` stays here, and the page asks for
 * windows of changed rows as the user scrolls. One panel per diff.
 */
export class DatasetDiffPanel extends Disposable implements vscode.Disposable {
  static readonly viewType = 'runlens.datasetDiff';
  private static latest: DatasetDiffPanel | undefined;

  /** The most recently opened panel (tests). */
  static get current(): DatasetDiffPanel | undefined {
    return DatasetDiffPanel.latest;
  }

  readonly whenReady: Promise<void>;
  private resolveReady!: () => void;
  private readonly result = new MutableDisposable<DiffResult>();
  private abort: AbortController | undefined;
  private error: { readonly message: string; readonly changeKey: boolean } | undefined;
  /** Settles when the current run has its summary or its error. */
  private settled: Promise<void> = Promise.resolve();
  private pageReady = false;
  private generation = 0;
  private rowMessages = 0;
  private rowsSent = 0;
  private lastProgressAt = 0;

  static show(deps: DatasetDiffPanelDeps, request: DiffRequest): DatasetDiffPanel {
    const panel = vscode.window.createWebviewPanel(DatasetDiffPanel.viewType, 'Dataset Diff', vscode.ViewColumn.Active, {
      ...webviewOptions(deps.extensionUri),
      enableFindWidget: true,
    });
    return new DatasetDiffPanel(deps, panel, request);
  }

  /** Restores panels after a reload: the page saved its refs; the diff runs again. */
  static registerSerializer(deps: DatasetDiffPanelDeps): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(DatasetDiffPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        panel.webview.options = webviewOptions(deps.extensionUri);
        const s = sanitizeDiffState(state);
        new DatasetDiffPanel(deps, panel, { refA: s?.refA ?? '', refB: s?.refB ?? '', key: s?.key ?? [] });
      },
    });
  }

  private constructor(
    private readonly deps: DatasetDiffPanelDeps,
    private readonly panel: vscode.WebviewPanel,
    private request: DiffRequest,
  ) {
    super();
    this.whenReady = new Promise((resolve) => (this.resolveReady = resolve));
    DatasetDiffPanel.latest = this;
    this._register(this.result);
    this._register(toDisposable(() => {
      this.abort?.abort();
      if (DatasetDiffPanel.latest === this) DatasetDiffPanel.latest = undefined;
    }));
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((m: PageToHost) => void this.onMessage(m)));
    this._register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.pageReady = false;
    }));
    this._register(toDisposable(() => panel.dispose()));
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'runlens.svg');
    panel.webview.html = this.html();
    this.updateTitle();
    void this.run();
  }

  snapshot(): DiffPanelSnapshot {
    return { ready: this.pageReady, request: this.request, summary: this.result.value?.summary, error: this.error?.message, rowMessages: this.rowMessages, rowsSent: this.rowsSent };
  }

  private html(): string {
    const webview = this.panel.webview;
    const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.deps.extensionUri, ...p)).toString();
    return renderDatasetDiffHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('hex'),
      scriptUri: uri('dist', 'webview', 'datasetDiff.js'),
      codiconsUri: uri('dist', 'codicons', 'codicon.css'),
    });
  }

  private updateTitle(): void {
    const name = (ref: string, label?: string) => (label ?? shortRef(ref)).split(/[\\/]/).pop() || ref;
    const s = this.result.value?.summary;
    this.panel.title = this.request.refA ? `Diff: ${name(this.request.refA, s?.a.label)} ↔ ${name(this.request.refB, s?.b.label)}` : 'Dataset Diff';
  }

  private async post(messages: readonly HostToPage[]): Promise<void> {
    for (const m of messages) {
      if (!this.pageReady || this.isDisposed) return;
      await this.panel.webview.postMessage(m);
    }
  }

  /** What a page that just became ready needs to catch up. */
  private stateMessages(): HostToPage[] {
    const start: HostToPage = { type: 'start', refA: this.request.refA, refB: this.request.refB, key: this.request.key };
    if (this.result.value) return [start, { type: 'summary', summary: this.result.value.summary }];
    if (this.error !== undefined) return [start, { type: 'error', message: this.error.message, changeKey: this.error.changeKey }];
    return [start, { type: 'progress', message: 'Starting' }];
  }

  /** Runs (or re-runs) the diff; a newer run cancels an older one. */
  private async run(): Promise<void> {
    const generation = ++this.generation;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.result.clear();
    this.error = undefined;
    let settle!: () => void;
    this.settled = new Promise((resolve) => (settle = resolve));
    const current = () => generation === this.generation && !this.isDisposed;
    await this.post(this.stateMessages());
    try {
      if (!this.request.refA || !this.request.refB) throw new Error('This diff panel has nothing to compare. Open one with "RunLens: Diff Datasets…".');
      const ctx = this.deps.contextFor(this.request);
      if (!ctx) throw new Error('Open a workspace folder to diff datasets.');
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `RunLens: diffing ${shortRef(this.request.refA)} ↔ ${shortRef(this.request.refB)}`, cancellable: true },
        async (progress, token) => {
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            return await runDatasetDiff(this.request.refA, this.request.refB, this.request.key, ctx, {
              signal: abort.signal,
              onProgress: (message, fraction) => {
                const text = fraction === undefined ? message : `${message} ${Math.round(fraction * 100)}%`;
                progress.report({ message: text });
                const now = Date.now();
                if (now - this.lastProgressAt < PROGRESS_THROTTLE_MS || !current()) return;
                this.lastProgressAt = now;
                void this.post([{ type: 'progress', message, fraction }]);
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
      if (!current()) {
        result.dispose();
        return;
      }
      this.result.value = result;
      this.deps.log(`dataset diff ${this.request.refA} ↔ ${this.request.refB}: ${result.summary.counts.added} added, ${result.summary.counts.removed} removed, ${result.summary.counts.modified} modified in ${result.summary.elapsedMs} ms${result.summary.scannedOnWorkers ? ' (files scanned on worker threads)' : ''}`);
      this.updateTitle();
      await this.post([{ type: 'summary', summary: result.summary }]);
    } catch (e) {
      if (!current()) return;
      const { message, unexpected } = describeDiffError(e);
      // Another key can fix duplicate keys or a missing key column, not a side that cannot be read.
      const changeKey = !(e instanceof SideUnreadableError);
      this.error = { message, changeKey };
      this.deps.log(`dataset diff ${this.request.refA} ↔ ${this.request.refB} failed: ${unexpected ? ((e as Error).stack ?? e) : message}`);
      await this.post([{ type: 'error', message, changeKey }]);
    } finally {
      settle();
    }
  }

  private async onMessage(m: PageToHost): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          this.pageReady = true;
          await this.post(this.stateMessages());
          void this.settled.then(() => this.resolveReady());
          return;
        case 'requestRows': {
          const result = this.result.value;
          if (!result) return;
          const page = await result.page(m.offset, m.limit, m.filter);
          if (result !== this.result.value) return;
          this.rowMessages++;
          this.rowsSent += page.rows.length;
          await this.post([{ type: 'rows', requestId: m.requestId, total: page.total, offset: page.offset, rows: page.rows }]);
          return;
        }
        case 'export': {
          const result = this.result.value;
          if (result) await exportDiff(result, m.format, m.destination);
          return;
        }
        case 'rerun':
          await this.run();
          return;
        case 'changeKey':
          return await this.changeKey();
        case 'pageError':
          this.deps.log(`dataset diff page: ${m.message}`);
          return;
        default:
          assertNever(m);
      }
    } catch (e) {
      const { message } = describeDiffError(e);
      this.deps.log(`dataset diff: ${m.type} failed: ${(e as Error).stack ?? message}`);
      void vscode.window.showErrorMessage(`RunLens dataset diff: ${message}`);
    }
  }

  private async changeKey(): Promise<void> {
    const ctx = this.deps.contextFor(this.request);
    if (!ctx) return;
    const columns = this.result.value?.fileDiff.columns ?? (await this.deps.columnsOf(this.request.refA, ctx));
    const key = await pickKeyColumns(columns, this.request.key);
    if (key === undefined || this.isDisposed) return;
    this.request = { ...this.request, key };
    await this.run();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
