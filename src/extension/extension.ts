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
import type { RunsNode } from '../views/runs/runsNodes';
import { TrainingService } from './training/trainingService';
import { TrainCodeLensProvider } from './codelens/trainCodeLensProvider';
import { ConfigDiagnostics } from './diagnostics/configDiagnostics';
import { RunDocumentsProvider, RUN_SCHEME, ARTIFACT_SCHEME, runDetailsUri } from './documents';
import { runCommands } from './commands/runCommands';
import { notebookCommands } from './runs/notebookCommands';
import { reportCommands } from './report/exportReport';
import { viewCommands } from './commands/viewCommands';
import { trainingCommands } from './training/trainingCommands';
import { DatabasePasswords, datasourceCommands } from './datasources/databasePasswords';
import type { AllCommandHandlers } from '../views/commands/commandIds';
import type { Services } from './services';
import type * as CompareModule from './compare/comparePanel';
import { DatasetsTreeProvider } from './datasets/datasetsTreeProvider';
import type { DatasetsNode } from '../views/datasets/datasetsNodes';
import { columnsOf, datasetsCommands, diffContextFor } from './datasets/datasetsCommands';
import type * as DatasetDiffModule from './datasetDiff/datasetDiffPanel';
import type { DiffPanelSnapshot, DiffRequest } from './datasetDiff/datasetDiffPanel';
import { TrackingServerController } from './mlflow/trackingServerController';
import { ModelsTreeProvider } from './models/modelsTreeProvider';
import type { ModelsNode } from './models/modelsTreeProvider';
import { modelsCommands } from './models/modelsCommands';
import { ServeService } from './deploy/serveService';
import type * as DeployModule from './deploy/deployPanel';
import type { DeployPanelDeps, DeployPanelSnapshot } from './deploy/deployPanel';
import type { DeploySection } from '../protocol/deploy';
import { TeamServers } from './teamServers/teamServers';
import { RemoteRunsTree } from './runs/remoteRunsTree';
import { teamServerCommands } from './teamServers/teamServerCommands';
import { REMOTE_SCHEME, RemoteDocumentsProvider } from './teamServers/remoteDocuments';
import { LogToShipper } from './teamServers/logToShipper';
import { BacklogShipper } from './teamServers/backlogShipper';
import { parseRunKey, remoteRunKey } from '../views/teamServers/runKey';
import type { PickSource } from './compare/compareRunPicker';
import { pickMoreRuns } from './compare/compareRunPicker';
import { pathCommands } from './install/pathCommands';
import { ComputeProfiles } from './compute/computeProfiles';
import { ClusterJobsService } from './compute/clusterJobsService';
import { computeCommands } from './compute/computeCommands';

function loadDeployPanel(): typeof DeployModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./deploy/deployPanel') as typeof DeployModule;
}

function loadDatasetDiffPanel(): typeof DatasetDiffModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./datasetDiff/datasetDiffPanel') as typeof DatasetDiffModule;
}

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
  /** The team's tracking servers (the Runs view's server roots). */
  readonly teamServers: TeamServers;
  /** Time to evaluate the extension bundle before `activate` ran. */
  readonly loadMs: number;
  /** The open compare panel, if any: its ready handshake and what it was sent. */
  readonly comparePanel: () => { readonly whenReady: Promise<void>; lastSentSummary(): { runs: number; charts: readonly string[]; ready: boolean } } | undefined;
  /** The most recently opened dataset-diff panel, if any: its ready handshake and what it was sent. */
  readonly datasetDiffPanel: () => { readonly whenReady: Promise<void>; snapshot(): DiffPanelSnapshot } | undefined;
  /** The Models view, the local model servers, and the open Deploy panel (its handshake, state, and a way to act as its page). */
  readonly models: {
    readonly tree: ModelsTreeProvider;
    readonly serve: ServeService;
    readonly deployPanel: () => { readonly whenReady: Promise<void>; snapshot(): DeployPanelSnapshot; receive: DeployModule.DeployPanel['receive'] } | undefined;
  };
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
  const viewQuery = () => ({ filter: viewState.filter.trim(), sort: viewState.sort || 'attributes.start_time DESC' });
  // The team's tracking servers: read in the background, never during activation.
  const teamServers = sub(new TeamServers({
    logger,
    secrets: context.secrets,
    serversSetting: () => settings().trackingServers,
    env: process.env,
    pageSize: () => settings().pageSize,
    query: viewQuery,
  }));
  // runs runlens.logTo meant for a server that was away: sent when it answers again
  const backlog = sub(new BacklogShipper({
    servers: teamServers,
    stores: () => stores.folders.flatMap((f) => (f.store && !f.store.readonly ? [f.store] : [])),
    logger,
  }));
  const treeRef: { tree?: RunsTreeProvider } = {};
  const remoteTree = new RemoteRunsTree({
    servers: teamServers,
    keyMetric: () => settings().keyMetric,
    filtered: () => Boolean(viewState.filter.trim()) || viewState.starredOnly,
    starredOnly: () => viewState.starredOnly,
    fire: (node) => treeRef.tree?.fire(node),
  });
  const tree = sub(new RunsTreeProvider({
    remote: remoteTree,
    stores,
    state: viewState,
    pageSize: () => settings().pageSize,
    starredFirst: () => settings().starredFirst,
    keyMetric: () => settings().keyMetric,
    onDidChangeHasRuns: (has) => void vscode.commands.executeCommand('setContext', 'runlens.hasRuns', has),
  }));
  treeRef.tree = tree;
  sub(teamServers.onDidChangeServers(() => {
    remoteTree.clear();
    tree.reload();
  }));
  sub(teamServers.onDidChangeModel((e) => remoteTree.onModelChange(e.server, e.change)));
  sub(viewState.onDidChange(() => teamServers.resetRuns()));
  const treeView = sub(vscode.window.createTreeView<RunsNode>('runlens.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true }));
  sub(treeView.onDidExpandElement((e) => tree.setExpanded(e.element, true)));
  sub(treeView.onDidCollapseElement((e) => tree.setExpanded(e.element, false)));
  const documents = sub(new RunDocumentsProvider(stores));
  sub(vscode.workspace.registerTextDocumentContentProvider(RUN_SCHEME, documents));
  sub(vscode.workspace.registerTextDocumentContentProvider(ARTIFACT_SCHEME, documents));
  sub(vscode.workspace.onDidCloseTextDocument((d) => documents.forget(d.uri)));
  sub(vscode.workspace.registerTextDocumentContentProvider(REMOTE_SCHEME, new RemoteDocumentsProvider(teamServers)));

  // Each open store's LocalRunSource (made by WorkspaceStores, shared by every view), so the compare panel reads local and remote runs alike.
  const sourceForRun = (key: string) => {
    const ref = parseRunKey(key);
    if (ref.server !== undefined) {
      const source = teamServers.source(ref.server);
      return source ? { source, runId: ref.runId } : undefined;
    }
    const source = stores.findRun(ref.runId)?.source;
    return source ? { source, runId: ref.runId } : undefined;
  };
  const pickSources = (): PickSource[] => [
    ...stores.folders.flatMap((f) => (f.source ? [{ label: f.folder.name, source: f.source, keyOf: (id: string) => id }] : [])),
    ...teamServers.servers.filter((e) => e.model.online !== false).map((e) => ({
      label: `${e.server.name} (${e.server.uri})`, source: e.source, keyOf: (id: string) => remoteRunKey(e.server.uri, id), signal: () => AbortSignal.timeout(15_000),
    })),
  ];
  const compareDeps = {
    extensionUri: context.extensionUri,
    sourceForRun,
    // curves and statuses: a change to the registry or the datasets alone leaves the panel as it is
    onDidChangeStores: (listener: (e: unknown) => unknown) => stores.onDidChange((e) => {
      const c = e.change;
      if (!c || c.metricsAppended.length > 0 || c.runStatusChanged.length > 0 || c.runsEdited || c.runsCreated.length > 0) listener(e);
    }),
    onDidChangeRemote: teamServers.onDidChangeData,
    pickMoreRuns: (compared: readonly string[]) => pickMoreRuns(pickSources(), compared),
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

  // Database passwords (RunLens: Set Database Password…) reach a trainer only through its environment.
  const databasePasswords = new DatabasePasswords(context.secrets, context.globalState);
  const training = sub(new TrainingService({
    stores,
    logger,
    killGraceSeconds: () => settings().killGraceSeconds,
    nodePath: () => settings().nodePath,
    pythonPath: () => settings().pythonPath,
    systemMetricsInterval: () => settings().systemMetricsInterval,
    datasetSnapshotMB: () => settings().datasetSnapshotMB,
    trainerEnv: (configPath) => databasePasswords.envFor(configPath),
    keyMetric: () => settings().keyMetric,
    compare: (ids) => compare(ids),
    showRun: (id) => void showRun(id),
    startShipping: (store) => LogToShipper.start(settings().logTo, store, teamServers, logger, backlog),
  }));

  // Slurm: the workspace's compute profiles (runlens.yaml + runlens.compute) and the cluster runs' sync
  const computeProfiles = sub(new ComputeProfiles({ logger, personal: () => settings().compute }));
  const clusterJobs = sub(new ClusterJobsService({
    stores,
    profiles: computeProfiles,
    logger,
    extensionPath: context.extensionPath,
    nodePath: () => settings().nodePath,
    isTrusted: () => vscode.workspace.isTrusted,
    showRun: (id) => void showRun(id),
  }));

  const mlflowServer = sub(new TrackingServerController({
    stores,
    logger,
    nodePath: () => settings().nodePath,
    isTrusted: () => vscode.workspace.isTrusted,
  }));

  const datasetsTree = sub(new DatasetsTreeProvider({ stores, log: (m) => logger.info(m) }));
  const datasetsView = sub(vscode.window.createTreeView<DatasetsNode>('runlens.datasets', { treeDataProvider: datasetsTree, canSelectMany: true, showCollapseAll: true }));
  const datasetDiffDeps = {
    extensionUri: context.extensionUri,
    contextFor: (request: DiffRequest) => diffContextFor(stores, request),
    columnsOf,
    log: (m: string) => logger.info(m),
  };
  const openDatasetDiff = (request: DiffRequest) => void loadDatasetDiffPanel().DatasetDiffPanel.show(datasetDiffDeps, request);

  const services: Services = { extensionUri: context.extensionUri, stores, tree, treeView, viewState, training, clusterJobs, logger, settings, compare, showRun };

  const serve = sub(new ServeService({
    logger,
    port: () => settings().servePort,
    requestLogRate: () => settings().serveRequestLogRate,
    nodePath: () => settings().nodePath,
    isTrusted: () => vscode.workspace.isTrusted,
    refreshStores: () => stores.refresh(),
    containerArgs: () => settings().containerExtraArgs,
  }));
  const modelsTree = sub(new ModelsTreeProvider({
    stores,
    keyMetric: () => settings().keyMetric,
    ownServer: (folderKey, name, version) => serve.find(folderKey, name, version) !== undefined,
    onDidChangeServers: serve.onDidChange,
    onDidChangeHasModels: (has) => void vscode.commands.executeCommand('setContext', 'runlens.hasModels', has),
  }));
  sub(vscode.window.createTreeView<ModelsNode>('runlens.models', { treeDataProvider: modelsTree, showCollapseAll: true }));
  const deployDeps: DeployPanelDeps = {
    extensionUri: context.extensionUri,
    stores,
    serve,
    settings: () => {
      const s = settings();
      return { baseImage: s.containerBaseImage, cli: s.containerCli, extraArgs: s.containerExtraArgs, nodePath: s.nodePath };
    },
    isTrusted: () => vscode.workspace.isTrusted,
    log: (m) => logger.info(m),
  };
  const openDeploy = (ref?: string, section?: DeploySection) => void loadDeployPanel().DeployPanel.show(deployDeps, ref, section);

  const configSelector = (): vscode.DocumentSelector => [{ scheme: 'file', pattern: settings().configFiles }];
  const isConfig = (d: vscode.TextDocument) => vscode.languages.match(configSelector(), d) > 0;
  const codeLens = sub(new TrainCodeLensProvider({ training, stores, keyMetric: () => settings().keyMetric, computeProfiles }));
  let codeLensRegistration = vscode.languages.registerCodeLensProvider(configSelector(), codeLens);
  sub({ dispose: () => codeLensRegistration.dispose() });
  const diagnostics = sub(new ConfigDiagnostics(isConfig, { profilesFor: (uri) => computeProfiles.forUri(uri), onDidChangeProfiles: computeProfiles.onDidChange }));
  sub(onDidChangeSettings(() => {
    codeLensRegistration.dispose();
    codeLensRegistration = vscode.languages.registerCodeLensProvider(configSelector(), codeLens);
    diagnostics.recheckAll();
    tree.reload();
  }));
  sub(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('runlens.trackingServers')) teamServers.reload();
  }));
  // trust granted: the workspace's own servers count now
  sub(vscode.workspace.onDidGrantWorkspaceTrust(() => teamServers.reload()));

  const handlers: AllCommandHandlers = { ...runCommands(services), ...notebookCommands(services), ...viewCommands(services), ...trainingCommands(services), ...datasetsCommands({ stores, tree: datasetsTree, treeView: datasetsView, openDiff: openDatasetDiff, showRun }), ...mlflowServer.commands(), ...modelsCommands({ services, tree: modelsTree, serve, openDeploy }), ...teamServerCommands({ services, servers: teamServers }), ...pathCommands({ extensionPath: context.extensionPath, log: (m) => logger.info(m) }), ...computeCommands({ jobs: clusterJobs, profiles: computeProfiles }), ...datasourceCommands(databasePasswords), ...reportCommands({ services, sourceForRun }) };
  for (const [id, handler] of Object.entries(handlers)) {
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
  sub(loadDatasetDiffPanel().DatasetDiffPanel.registerSerializer(datasetDiffDeps));
  sub(loadDeployPanel().DeployPanel.registerSerializer(deployDeps));

  void vscode.commands.executeCommand('setContext', 'runlens.storeError', stores.folders.some((f) => f.error));
  void vscode.commands.executeCommand('setContext', 'runlens.ready', true);
  const activationMs = performance.now() - started;
  const loadMs = typeof __runlensLoadStart === 'number' ? loadedAt - __runlensLoadStart : 0;
  logger.info(`RunLens activated in ${activationMs.toFixed(1)} ms, bundle loaded in ${loadMs.toFixed(1)} ms (${stores.folders.length} folder store${stores.folders.length === 1 ? '' : 's'}${vscode.workspace.isTrusted ? '' : ', untrusted: read-only'})`);
  return { services, activationMs, loadMs, teamServers, comparePanel: () => loadComparePanel().ComparePanel.current, datasetDiffPanel: () => loadDatasetDiffPanel().DatasetDiffPanel.current,
    models: { tree: modelsTree, serve, deployPanel: () => loadDeployPanel().DeployPanel.current } };
}

export function deactivate(): void {
  // Everything is in context.subscriptions and disposed by VS Code.
}
