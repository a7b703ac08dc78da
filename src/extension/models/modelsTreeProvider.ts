import * as vscode from 'vscode';
import { CoalescedCall } from '../../core/util/coalescedCall';
import type { RunStore } from '../../store/runStore';
import type { DeploymentRecord, ModelBuildRecord } from '../../store/types';
import type { FolderStore, WorkspaceStores } from '../store/workspaceStores';
import {
  BUILD_ICONS, buildDescription, deploymentDescription, deploymentLabel, keyMetricText, modelDescription,
  versionContextValue, versionDescription, versionTooltip,
} from '../../views/models/modelPresentation';
import { MODELS_COMMANDS } from '../../views/commands/commandIds';

/** Elements of the Models tree. Plain data; a version is named, never held, so a refresh reads it fresh. */
export type ModelsNode =
  | { readonly kind: 'folder'; readonly id: string; readonly folderKey: string; readonly label: string }
  | { readonly kind: 'model'; readonly id: string; readonly folderKey: string; readonly name: string }
  | { readonly kind: 'version'; readonly id: string; readonly folderKey: string; readonly name: string; readonly version: number }
  | { readonly kind: 'build'; readonly id: string; readonly folderKey: string; readonly build: ModelBuildRecord }
  | { readonly kind: 'deployment'; readonly id: string; readonly folderKey: string; readonly deployment: DeploymentRecord }
  | { readonly kind: 'message'; readonly id: string; readonly text: string; readonly icon: string };

export type VersionNode = Extract<ModelsNode, { kind: 'version' }>;

export function isVersionNode(n: unknown): n is VersionNode {
  return typeof n === 'object' && n !== null && (n as ModelsNode).kind === 'version';
}

export interface ModelsTreeOptions {
  readonly stores: WorkspaceStores;
  readonly keyMetric: () => string;
  /** Whether this window's "Serve Locally" runs a server of the version. */
  readonly ownServer: (folderKey: string, name: string, version: number) => boolean;
  /** Fires when this window starts or stops a server. */
  readonly onDidChangeServers: vscode.Event<unknown>;
  readonly onDidChangeHasModels: (has: boolean) => void;
  readonly now?: () => number;
}

/** Registry writes come in bursts (a build logs, a deployment starts): list again at most this often. */
const REFRESH_THROTTLE_MS = 300;
/**
 * While a listed build is running the view looks again this often: a build
 * whose process was killed commits nothing (no store change to react to),
 * and listing it is what marks it failed.
 */
const RUNNING_BUILD_RECHECK_MS = 5000;
const C = vscode.TreeItemCollapsibleState;

/**
 * The Models view: (folders →) models → versions (alias badges, the source
 * run's key metric, age; lineage in the tooltip) → builds and deployments.
 * The registry is small (tens of versions), so a store change re-lists it.
 */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly refreshSoon = new CoalescedCall(() => this.refresh(), REFRESH_THROTTLE_MS);
  private readonly recheckBuilds = new CoalescedCall(() => this.refresh(), RUNNING_BUILD_RECHECK_MS);
  private hasModels: boolean | undefined;

  constructor(private readonly options: ModelsTreeOptions) {
    this.disposables.push(
      this.emitter,
      // the store's hub coalesced the burst already; versions show their source run, which a delete changes
      options.stores.onDidChange((e) => {
        if (!e.change || e.change.registryChanged || e.change.runsEdited) this.refresh();
      }),
      options.stores.onDidChangeFolders(() => this.refresh()),
      options.onDidChangeServers(() => this.refreshSoon.schedule()),
    );
    this.updateHasModels();
  }

  refresh(): void {
    this.updateHasModels();
    this.emitter.fire(undefined);
  }

  private updateHasModels(): void {
    const has = this.options.stores.folders.some((f) => {
      try {
        return (f.store?.registry.listModels().length ?? 0) > 0;
      } catch {
        return false;
      }
    });
    if (has !== this.hasModels) {
      this.hasModels = has;
      this.options.onDidChangeHasModels(has);
    }
  }

  storeOf(folderKey: string): RunStore | undefined {
    return this.options.stores.folders.find((f) => f.folder.uri.toString() === folderKey)?.store;
  }

  getChildren(element?: ModelsNode): ModelsNode[] {
    try {
      return this.children(element);
    } catch (e) {
      return [{ kind: 'message', id: `error|${element?.id ?? 'root'}`, text: (e as Error).message, icon: 'error' }];
    }
  }

  private children(element?: ModelsNode): ModelsNode[] {
    const folders = this.options.stores.folders;
    if (!element) {
      if (folders.length === 1) return this.models(folders[0]!);
      return folders.map((f) => ({ kind: 'folder', id: `${f.folder.uri.toString()}|folder`, folderKey: f.folder.uri.toString(), label: f.folder.name }));
    }
    const store = 'folderKey' in element ? this.storeOf(element.folderKey) : undefined;
    switch (element.kind) {
      case 'folder': {
        const f = folders.find((x) => x.folder.uri.toString() === element.folderKey);
        return f ? this.models(f) : [];
      }
      case 'model':
        return (store?.registry.listModelVersions(element.name) ?? []).map((v) => ({
          kind: 'version', id: `${element.folderKey}|v|${v.name}|${v.version}`, folderKey: element.folderKey, name: v.name, version: v.version,
        }));
      case 'version': {
        if (!store) return [];
        const listed = store.registry.listModelBuilds(element.name, element.version);
        if (listed.some((b) => b.status === 'running')) this.recheckBuilds.schedule();
        const builds = listed.map((b): ModelsNode => ({ kind: 'build', id: `${element.folderKey}|b|${b.id}`, folderKey: element.folderKey, build: b }));
        const deployments = store.registry.listDeployments(element.name, element.version).map((d): ModelsNode => ({ kind: 'deployment', id: `${element.folderKey}|d|${d.id}`, folderKey: element.folderKey, deployment: d }));
        return [...builds, ...deployments];
      }
      default:
        return [];
    }
  }

  private models(f: FolderStore): ModelsNode[] {
    const key = f.folder.uri.toString();
    if (f.error) return [{ kind: 'message', id: `${key}|error`, text: f.error, icon: 'error' }];
    return (f.store?.registry.listModels() ?? []).map((m) => ({ kind: 'model', id: `${key}|m|${m.name}`, folderKey: key, name: m.name }));
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    const now = (this.options.now ?? Date.now)();
    const store = 'folderKey' in node ? this.storeOf(node.folderKey) : undefined;
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.label, C.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('root-folder');
        return item;
      }
      case 'model': {
        const m = store?.registry.findModel(node.name);
        const item = new vscode.TreeItem(node.name, C.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('symbol-class');
        if (m) {
          item.description = modelDescription(m, store!.registry.listModelVersions(m.name).length, now);
          item.tooltip = m.description ?? undefined;
        }
        item.contextValue = 'model';
        return item;
      }
      case 'version':
        return this.versionItem(node, store, now);
      case 'build': {
        const b = node.build;
        const item = new vscode.TreeItem(b.tag, C.None);
        item.id = node.id;
        const icon = BUILD_ICONS[b.status];
        item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        item.description = buildDescription(b, now);
        item.tooltip = [`build #${b.id} of ${b.name} v${b.version}: ${b.status}`, `tag ${b.tag}`, b.imageId ? `image ${b.imageId}` : '', `base ${b.baseImage}`,
          b.cli ? `with ${b.cli}` : '', `context ${b.contextDir}`, b.error ? `error: ${b.error}` : ''].filter(Boolean).join('\n');
        item.contextValue = `modelBuild ${b.status}${b.logSha256 ? ' hasLog' : ''}`;
        item.command = { command: MODELS_COMMANDS.openBuildLog, title: 'Open Build Log', arguments: [node] };
        return item;
      }
      case 'deployment': {
        const d = node.deployment;
        const item = new vscode.TreeItem(deploymentLabel(d), C.None);
        item.id = node.id;
        const running = d.stoppedAt === null;
        item.iconPath = new vscode.ThemeIcon(running ? 'server-process' : 'debug-stop', running ? new vscode.ThemeColor('testing.iconPassed') : undefined);
        item.description = deploymentDescription(d, now);
        item.tooltip = `${d.kind} deployment #${d.id} of ${d.name} v${d.version}\n${d.url}${d.image ? `\nimage ${d.image}` : ''}${d.requestLog ? `\nrequest log ${d.requestLog}` : ''}`;
        item.contextValue = `deployment ${running ? 'running' : 'stopped'}`;
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, C.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
    }
  }

  private versionItem(node: VersionNode, store: RunStore | undefined, now: number): vscode.TreeItem {
    const v = store?.registry.listModelVersions(node.name).find((x) => x.version === node.version);
    if (!store || !v) return new vscode.TreeItem(`v${node.version} (deleted)`);
    const metric = v.runExists ? keyMetricText(store.getMetricSummaries(v.runId), this.options.keyMetric() || undefined) : '';
    const serving = store.registry.listDeployments(v.name, v.version).some((d) => d.stoppedAt === null);
    const builds = store.registry.listModelBuilds(v.name, v.version);
    const children = builds.length + store.registry.listDeployments(v.name, v.version).length;
    const item = new vscode.TreeItem(`v${v.version}`, children > 0 ? C.Collapsed : C.None);
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon(serving ? 'server-process' : 'package');
    item.description = versionDescription(v, metric, now);
    const tip = new vscode.MarkdownString(versionTooltip(v, metric));
    tip.isTrusted = false;
    tip.supportHtml = false;
    item.tooltip = tip;
    item.contextValue = versionContextValue(v, serving, this.options.ownServer(node.folderKey, v.name, v.version), builds.some((b) => b.status === 'succeeded' && b.imageId !== null));
    item.accessibilityInformation = { label: `${v.name} version ${v.version}, ${item.description}` };
    return item;
  }

  dispose(): void {
    this.refreshSoon.dispose();
    this.recheckBuilds.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
