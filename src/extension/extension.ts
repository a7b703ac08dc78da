/**
 * The composition root: builds every service, hands each its dependencies,
 * and is the only code that touches `context.subscriptions`. Heavy modules
 * (the SQLite store, the config parser, the trainer) load on first use.
 */
import * as vscode from 'vscode';
import { readSettings, onDidChangeSettings } from './config';
import { Logger } from './logger';
import { WorkspaceStores } from './store/workspaceStores';
import { RunsViewState } from './runs/runsViewState';
import { RunsTreeProvider } from './runs/runsTreeProvider';
import type { RunsNode } from './runs/runsNodes';
import { TrainingService } from './training/trainingService';
import { TrainCodeLensProvider } from './codelens/trainCodeLensProvider';
import { ConfigDiagnostics } from './diagnostics/configDiagnostics';
import { RunDocumentsProvider, RUN_SCHEME, ARTIFACT_SCHEME, runDetailsUri } from './documents';
import { runCommands } from './commands/runCommands';
import { viewCommands } from './commands/viewCommands';
import type { Services } from './services';
import type * as CompareModule from './compare/comparePanel';

function loadComparePanel(): typeof CompareModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./compare/comparePanel') as typeof CompareModule;
}

/** Set by the bundle's first line (esbuild banner): when loading the extension code began. */
declare const __runlensLoadStart: number | undefined;
const loadedAt = performance.now();

/** What `activate` returns: used by the integration tests. */
export interface RunLensApi {
  readonly services: Services;
  readonly activationMs: number;
  /** Time to evaluate the extension bundle before `activate` ran. */
  readonly loadMs: number;
  /** The open compare panel, if any: its ready handshake and what it was sent. */
  readonly comparePanel: () => { readonly whenReady: Promise<void>; lastSentSummary(): { runs: number; charts: readonly string[]; ready: boolean } } | undefined;
}

export function activate(context: vscode.ExtensionContext): RunLensApi {
  const started = performance.now();
  const sub = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const settings = () => readSettings();
  const logger = sub(new Logger());

  const stores = sub(new WorkspaceStores({
    logger,
    storePath: () => settings().storePath,
    staleRunSeconds: () => settings().staleRunSeconds,
    isTrusted: () => vscode.workspace.isTrusted,
  }));
  const viewState = sub(new RunsViewState(context.workspaceState));
  const tree = sub(new RunsTreeProvider({
    stores,
    state: viewState,
    pageSize: () => settings().pageSize,
    starredFirst: () => settings().starredFirst,
    keyMetric: () => settings().keyMetric,
    onDidChangeHasRuns: (has) => void vscode.commands.executeCommand('setContext', 'runlens.hasRuns', has),
  }));
  const treeView = sub(vscode.window.createTreeView<RunsNode>('runlens.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true }));
  const documents = sub(new RunDocumentsProvider(stores));
  sub(vscode.workspace.registerTextDocumentContentProvider(RUN_SCHEME, documents));
  sub(vscode.workspace.registerTextDocumentContentProvider(ARTIFACT_SCHEME, documents));
  sub(vscode.workspace.onDidCloseTextDocument((d) => documents.forget(d.uri)));

  const compareDeps = {
    extensionUri: context.extensionUri,
    storeForRun: (runId: string) => stores.findRun(runId)?.store,
    onDidChangeStores: stores.onDidChange,
    pointsPerSeries: () => settings().pointsPerSeries,
    log: (m: string) => logger.info(m),
  };
  const compare = (runIds: readonly string[]) => {
    if (runIds.length === 0) {
      void vscode.window.showInformationMessage('RunLens: select runs to compare (Ctrl/Cmd-click in the Runs view).');
      return;
    }
    loadComparePanel().ComparePanel.show(compareDeps, runIds);
  };
  const showRun = async (runId: string) => {
    const run = stores.findRun(runId)?.store?.findRun(runId);
    if (!run) {
      void vscode.window.showWarningMessage(`RunLens: run ${runId.slice(0, 8)} no longer exists.`);
      return;
    }
    await vscode.commands.executeCommand('markdown.showPreview', runDetailsUri(runId, run.name));
  };

  const training = sub(new TrainingService({
    stores,
    logger,
    killGraceSeconds: () => settings().killGraceSeconds,
    nodePath: () => settings().nodePath,
    keyMetric: () => settings().keyMetric,
    compare: (ids) => compare(ids),
    showRun: (id) => void showRun(id),
  }));

  const services: Services = { extensionUri: context.extensionUri, stores, tree, treeView, viewState, training, logger, settings, compare, showRun };

  const configSelector = (): vscode.DocumentSelector => [{ scheme: 'file', pattern: settings().configFiles }];
  const isConfig = (d: vscode.TextDocument) => vscode.languages.match(configSelector(), d) > 0;
  const codeLens = sub(new TrainCodeLensProvider({ training, stores, keyMetric: () => settings().keyMetric }));
  let codeLensRegistration = vscode.languages.registerCodeLensProvider(configSelector(), codeLens);
  sub({ dispose: () => codeLensRegistration.dispose() });
  const diagnostics = sub(new ConfigDiagnostics(isConfig));
  sub(onDidChangeSettings(() => {
    codeLensRegistration.dispose();
    codeLensRegistration = vscode.languages.registerCodeLensProvider(configSelector(), codeLens);
    diagnostics.recheckAll();
    tree.reload();
  }));

  for (const [id, handler] of Object.entries({ ...runCommands(services), ...viewCommands(services) })) {
    sub(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        logger.error(`command ${id} failed`, e);
        void vscode.window.showErrorMessage(`RunLens: ${(e as Error).message}`, 'Show Logs').then((c) => c && logger.show());
        return undefined;
      }
    }));
  }
  sub(loadComparePanel().ComparePanel.registerSerializer(compareDeps));

  void vscode.commands.executeCommand('setContext', 'runlens.storeError', stores.folders.some((f) => f.error));
  void vscode.commands.executeCommand('setContext', 'runlens.ready', true);
  const activationMs = performance.now() - started;
  const loadMs = typeof __runlensLoadStart === 'number' ? loadedAt - __runlensLoadStart : 0;
  logger.info(`RunLens activated in ${activationMs.toFixed(1)} ms, bundle loaded in ${loadMs.toFixed(1)} ms (${stores.folders.length} folder store${stores.folders.length === 1 ? '' : 's'}${vscode.workspace.isTrusted ? '' : ', untrusted: read-only'})`);
  return { services, activationMs, loadMs, comparePanel: () => loadComparePanel().ComparePanel.current };
}

export function deactivate(): void {
  // Everything is in context.subscriptions and disposed by VS Code.
}
