import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../../core/util/disposable';
import type { HostToPage, PageToHost } from '../../protocol/compare';
import { assertNever } from '../../../webview/shared/assertNever';
import { COMPARE_PAGE } from '../../views/compare/compareHtml';
import type { CompareSummary } from '../../views/compare/compareSession';
import { CompareSession } from '../../views/compare/compareSession';
import type { SourceForRun } from '../../views/compare/compareStore';
import { sanitizePageState } from '../../views/compare/pageState';
import { exportTableText, saveChartImage } from './compareExport';
import { collectDataChanges } from '../../views/datasetDiff/dataChanges';
import type { PageMessage, WebviewPanelSpec } from '../webview/webviewPanelHost';
import { WebviewPanelHost } from '../webview/webviewPanelHost';
import { DATASETS_COMMANDS, REPORT_COMMANDS } from '../../views/commands/commandIds';

export interface ComparePanelDeps {
  readonly extensionUri: vscode.Uri;
  /** Where a compared run (by key) is read: its folder's store or a tracking server. */
  readonly sourceForRun: SourceForRun;
  /** Fires whenever any store changes (any process wrote). */
  readonly onDidChangeStores: vscode.Event<unknown>;
  /** Fires when a tracking server's runs changed (its change token moved). */
  readonly onDidChangeRemote: vscode.Event<unknown>;
  /** "Add runs…": the runs to offer beside the compared ones (keys), or undefined when the user cancelled. */
  readonly pickMoreRuns: (compared: readonly string[]) => Promise<readonly string[]>;
  readonly pointsPerSeries: () => number;
  readonly log: (message: string) => void;
}

const SPEC: WebviewPanelSpec = { viewType: 'runlens.compare', title: 'Compare Runs', logName: 'compare', shell: COMPARE_PAGE };

/** Store changes are coalesced: a training run writes every few hundred ms. */
const LIVE_THROTTLE_MS = 400;

/**
 * The compare-runs webview panel: curves, params table, scatter, parallel
 * coordinates, confusion matrices. Data comes from a {@link CompareSession}
 * (pure, tested under Node); the panel and its ready handshake are a
 * {@link WebviewPanelHost}; this class keeps the page's messages, live
 * updates, exports and the run picker.
 */
export class ComparePanel extends Disposable implements vscode.Disposable {
  static readonly viewType = SPEC.viewType;
  private static active: ComparePanel | undefined;

  /** The open panel, if any (tests). */
  static get current(): ComparePanel | undefined {
    return ComparePanel.active;
  }

  private readonly host: WebviewPanelHost<HostToPage, PageToHost>;
  private readonly session: CompareSession;
  private liveTimer: NodeJS.Timeout | undefined;
  /** A live collect is running (a server can take a while); another change waits for it. */
  private liveRunning = false;
  private livePending = false;
  /** Counts sends, so an abandoned one stops (see sendInitial). */
  private generation = 0;

  /** Opens (or reveals and updates) the compare panel for these runs. */
  static show(deps: ComparePanelDeps, runIds: readonly string[]): ComparePanel {
    const existing = ComparePanel.active;
    if (existing) {
      existing.setRuns(runIds);
      existing.host.reveal();
      return existing;
    }
    return new ComparePanel(deps, WebviewPanelHost.createPanel(SPEC, deps.extensionUri), runIds);
  }

  /** Registers the serializer that restores panels after reload. */
  static registerSerializer(deps: ComparePanelDeps): vscode.Disposable {
    // The page saved its runs with setState; anything malformed restores an empty panel with the hint.
    return WebviewPanelHost.registerSerializer(SPEC, deps.extensionUri, (panel, state) => new ComparePanel(deps, panel, sanitizePageState(state).runIds));
  }

  private constructor(
    private readonly deps: ComparePanelDeps,
    panel: vscode.WebviewPanel,
    runIds: readonly string[],
  ) {
    super();
    this.session = new CompareSession({ sourceForRun: deps.sourceForRun, pointsPerSeries: deps.pointsPerSeries, log: deps.log });
    this.session.setRuns(runIds);
    // One panel is the norm (show() reuses it); after a reload that restores several, the newest is current.
    ComparePanel.active = this;
    this._register(toDisposable(() => {
      if (ComparePanel.active === this) ComparePanel.active = undefined;
      if (this.liveTimer) clearTimeout(this.liveTimer);
    }));
    this.host = this._register(new WebviewPanelHost<HostToPage, PageToHost>(panel, SPEC, deps.extensionUri, {
      onReady: () => this.sendInitial(),
      onMessage: (m) => this.onMessage(m),
    }, deps.log));
    this._register(this.host.onDidDispose(() => this.dispose()));
    // store changes come coalesced by the store's change hub (one event per tick, only those that move curves or statuses)
    this._register(deps.onDidChangeStores(() => void this.runLive()));
    this._register(deps.onDidChangeRemote(() => {
      if (!this.session.hasRemoteRuns) return;
      this.session.invalidateRemote();
      this.scheduleLive();
    }));
    this.updateTitle();
  }

  /** Resolves when the page has posted `ready` and received its first data (tests use it). */
  get whenReady(): Promise<void> {
    return this.host.whenReady;
  }

  /** What the page was last sent (integration tests assert the round trip with it). */
  lastSentSummary(): CompareSummary & { readonly ready: boolean } {
    return { ...this.session.summary(), ready: this.host.ready };
  }

  /** The runs being compared, in column order. */
  get runIds(): readonly string[] {
    return this.session.runIds;
  }

  private setRuns(runIds: readonly string[]): void {
    this.session.setRuns(runIds);
    void this.sendInitial();
  }

  private updateTitle(): void {
    const data = this.session.lastData;
    const runs = data?.runs ?? [];
    this.host.title =
      runs.length === 2 ? `Compare: ${runs[0].name} vs ${runs[1].name}` : `Compare ${runs.length || this.session.runIds.length} Runs`;
  }

  /** Sends only to a page that said it is ready; everything else is recomputed on the next `ready`. */
  private post(messages: readonly HostToPage[]): Promise<void> {
    return this.host.post(messages);
  }

  /**
   * Sends everything afresh: the `data` message, then one chart's curves at
   * a time with a yield in between, so a 100-run comparison neither blocks
   * the extension host for long nor keeps the page waiting for the last chart.
   * A newer send (runs changed, page reloaded) abandons an older one.
   */
  private async sendInitial(): Promise<void> {
    const generation = ++this.generation;
    try {
      const first = await this.session.initialData();
      if (generation !== this.generation || this.isDisposed) return;
      this.updateTitle();
      await this.post([first, this.dataChangesMessage(), ...this.problemsMessage()]);
      for (const key of first.data.chartKeys) {
        await new Promise((resolve) => setImmediate(resolve));
        if (generation !== this.generation || !this.host.ready || this.isDisposed) return;
        const series = await this.session.initialSeries(key);
        if (generation !== this.generation) return;
        await this.post([series]);
      }
    } catch (e) {
      this.deps.log(`compare: collecting runs failed: ${(e as Error).stack ?? e}`);
      await this.post([{ type: 'error', message: `Could not read the runs: ${(e as Error).message}` }]);
    }
  }

  /** The roles whose data (fingerprint) differs between the compared runs. */
  private dataChangesMessage(): HostToPage {
    return { type: 'dataChanges', changes: collectDataChanges(this.session.comparedInputs) };
  }

  /** Runs that could not be read (a tracking server away): said in the page. */
  private problemsMessage(): HostToPage[] {
    const problems = this.session.readProblems;
    return problems.length ? [{ type: 'error', message: `Some runs could not be read: ${problems.join('; ')}` }] : [];
  }

  private scheduleLive(): void {
    if (this.liveTimer || this.isDisposed) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      void this.runLive();
    }, LIVE_THROTTLE_MS);
  }

  private async runLive(): Promise<void> {
    if (!this.host.ready || this.isDisposed) return;
    if (this.liveRunning) {
      this.livePending = true;
      return;
    }
    this.liveRunning = true;
    const generation = this.generation;
    try {
      const messages = await this.session.liveMessages();
      if (generation !== this.generation) return;
      if (messages.some((m) => m.type === 'data')) this.updateTitle();
      await this.post(messages.some((m) => m.type === 'data') ? [...messages, this.dataChangesMessage(), ...this.problemsMessage()] : messages);
    } catch (e) {
      this.deps.log(`compare: live update failed: ${(e as Error).message}`);
    } finally {
      this.liveRunning = false;
      if (this.livePending) {
        this.livePending = false;
        this.scheduleLive();
      }
    }
  }

  private async onMessage(m: PageMessage<PageToHost>): Promise<void> {
    try {
      switch (m.type) {
        case 'requestRange':
          await this.post([await this.session.rangeMessage(m.requestId, m.key, m.minStep, m.maxStep)]);
          return;
        case 'pickRuns':
          return await this.pickRuns();
        case 'removeRun':
          this.setRuns(this.session.runIds.filter((id) => id !== m.runId));
          return;
        case 'exportChart':
          await saveChartImage(m.name, m.dataUrl);
          return;
        case 'exportTable':
          await exportTableText(await this.session.tableText(m.format, m.onlyDiffers), m.format, m.destination);
          return;
        case 'exportReport':
          await vscode.commands.executeCommand(REPORT_COMMANDS.exportReport, [...this.session.runIds]);
          return;
        case 'viewDataDiff':
          await vscode.commands.executeCommand(DATASETS_COMMANDS.diff, `sha256:${m.fingerprintA}`, `sha256:${m.fingerprintB}`, []);
          return;
        default:
          assertNever(m);
      }
    } catch (e) {
      const message = (e as Error).message;
      this.deps.log(`compare: ${m.type} failed: ${message}`);
      void vscode.window.showErrorMessage(`RunLens compare: ${message}`);
    }
  }

  private async pickRuns(): Promise<void> {
    const picked = await this.deps.pickMoreRuns(this.session.runIds);
    if (picked.length > 0 && !this.isDisposed) {
      this.session.addRuns(picked);
      await this.sendInitial();
    }
  }
}
