import * as vscode from 'vscode';
import { Disposable, MutableDisposable, toDisposable } from '../../core/util/disposable';
import type { DiffSummary, HostToPage, PageToHost } from '../../protocol/datasetDiff';
import { assertNever } from '../../../webview/shared/assertNever';
import { DATASET_DIFF_PAGE } from '../../views/datasetDiff/diffHtml';
import { exportDiff } from './diffExport';
import type { DiffContext, DiffResult } from '../../views/datasetDiff/diffSession';
import { SideUnreadableError, runDatasetDiff } from '../../views/datasetDiff/diffSession';
import { describeDiffError, shortRef } from '../../views/datasetDiff/diffMessages';
import { sanitizeDiffState } from '../../views/datasetDiff/pageState';
import { pickKeyColumns } from './refPickers';
import type { PageMessage, WebviewPanelSpec } from '../webview/webviewPanelHost';
import { WebviewPanelHost } from '../webview/webviewPanelHost';

const SPEC: WebviewPanelSpec = { viewType: 'runlens.datasetDiff', title: 'Dataset Diff', logName: 'dataset diff', shell: DATASET_DIFF_PAGE };

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
  static readonly viewType = SPEC.viewType;
  private static latest: DatasetDiffPanel | undefined;

  /** The most recently opened panel (tests). */
  static get current(): DatasetDiffPanel | undefined {
    return DatasetDiffPanel.latest;
  }

  private readonly host: WebviewPanelHost<HostToPage, PageToHost>;
  private readonly result = new MutableDisposable<DiffResult>();
  private abort: AbortController | undefined;
  private error: { readonly message: string; readonly changeKey: boolean } | undefined;
  /** Settles when the current run has its summary or its error. */
  private settled: Promise<void> = Promise.resolve();
  private generation = 0;
  private rowMessages = 0;
  private rowsSent = 0;
  private lastProgressAt = 0;

  static show(deps: DatasetDiffPanelDeps, request: DiffRequest): DatasetDiffPanel {
    return new DatasetDiffPanel(deps, WebviewPanelHost.createPanel(SPEC, deps.extensionUri), request);
  }

  /** Restores panels after a reload: the page saved its refs; the diff runs again. */
  static registerSerializer(deps: DatasetDiffPanelDeps): vscode.Disposable {
    return WebviewPanelHost.registerSerializer(SPEC, deps.extensionUri, (panel, state) => {
      const s = sanitizeDiffState(state);
      new DatasetDiffPanel(deps, panel, { refA: s?.refA ?? '', refB: s?.refB ?? '', key: s?.key ?? [] });
    });
  }

  private constructor(
    private readonly deps: DatasetDiffPanelDeps,
    panel: vscode.WebviewPanel,
    private request: DiffRequest,
  ) {
    super();
    DatasetDiffPanel.latest = this;
    this.host = this._register(new WebviewPanelHost<HostToPage, PageToHost>(panel, SPEC, deps.extensionUri, {
      // Tests wait for the diff's summary or error, not just the page.
      onReady: async () => {
        await this.post(this.stateMessages());
        await this.settled;
      },
      onMessage: (m) => this.onMessage(m),
    }, deps.log));
    this._register(this.host.onDidDispose(() => this.dispose()));
    this._register(this.result);
    this._register(toDisposable(() => {
      this.abort?.abort();
      if (DatasetDiffPanel.latest === this) DatasetDiffPanel.latest = undefined;
    }));
    this.updateTitle();
    void this.run();
  }

  /** Resolves when the page has posted `ready` and the diff has its summary or its error (tests use it). */
  get whenReady(): Promise<void> {
    return this.host.whenReady;
  }

  snapshot(): DiffPanelSnapshot {
    return { ready: this.host.ready, request: this.request, summary: this.result.value?.summary, error: this.error?.message, rowMessages: this.rowMessages, rowsSent: this.rowsSent };
  }

  private updateTitle(): void {
    const name = (ref: string, label?: string) => (label ?? shortRef(ref)).split(/[\\/]/).pop() || ref;
    const s = this.result.value?.summary;
    this.host.title = this.request.refA ? `Diff: ${name(this.request.refA, s?.a.label)} ↔ ${name(this.request.refB, s?.b.label)}` : 'Dataset Diff';
  }

  private post(messages: readonly HostToPage[]): Promise<void> {
    return this.host.post(messages);
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

  private async onMessage(m: PageMessage<PageToHost>): Promise<void> {
    try {
      switch (m.type) {
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
