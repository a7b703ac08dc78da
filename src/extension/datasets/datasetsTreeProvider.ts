import * as vscode from 'vscode';
import { CoalescedCall } from '../../core/util/coalescedCall';
import type { DatasetFileInfo } from '../../datasets/datasetCatalog';
import type * as CatalogModule from '../../datasets/datasetCatalog';
import type { FolderStore, WorkspaceStores } from '../store/workspaceStores';
import type { DatasetsNode } from '../../views/datasets/datasetsNodes';
import { fileText, useText, versionText } from '../../views/datasets/datasetsNodes';
import { DATASETS_COMMANDS } from '../../views/commands/commandIds';

export interface DatasetsTreeOptions {
  readonly stores: WorkspaceStores;
  readonly log: (message: string) => void;
  readonly now?: () => number;
}

/** Store writes come in bursts (a training run logs every few hundred ms): list again at most this often. */
const REFRESH_THROTTLE_MS = 500;

function loadCatalog(): typeof CatalogModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../datasets/datasetCatalog') as typeof CatalogModule;
}

/**
 * The Datasets view: (folders →) data files → versions (newest first) →
 * the runs that used each. A file whose current content matches no
 * recorded version is flagged. Listing hashes the current files (the
 * catalog caches hashes by size and mtime), so it reloads only when a store
 * changes, a known data file is saved, or the user refreshes.
 */
export class DatasetsTreeProvider implements vscode.TreeDataProvider<DatasetsNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<DatasetsNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly listings = new Map<string, Promise<DatasetFileInfo[]>>();
  /** Absolute paths of the data files last listed: saving one of them refreshes the view. */
  private knownFiles = new Set<string>();
  private readonly refreshSoon = new CoalescedCall(() => this.refresh(), REFRESH_THROTTLE_MS);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly options: DatasetsTreeOptions) {
    this.disposables.push(
      this.emitter,
      // the store's hub coalesced the burst already; a metric batch changes nothing here
      options.stores.onDidChange((e) => {
        if (!e.change || e.change.datasetsChanged || e.change.runsEdited) this.refresh();
      }),
      options.stores.onDidChangeFolders(() => this.refresh()),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (this.knownFiles.has(d.uri.fsPath)) this.refreshSoon.schedule();
      }),
    );
  }

  /** Lists everything again now. */
  refresh(): void {
    this.listings.clear();
    this.emitter.fire(undefined);
  }

  /** The listing of one folder (from the last refresh), e.g. for the pickers. */
  async files(folder: FolderStore): Promise<DatasetFileInfo[]> {
    const key = folder.folder.uri.toString();
    let listing = this.listings.get(key);
    if (!listing) {
      const store = folder.store;
      listing = store ? loadCatalog().listDatasetFiles(store, folder.folder.uri.fsPath) : Promise.resolve([]);
      this.listings.set(key, listing);
      void listing.then((files) => {
        for (const f of files) this.knownFiles.add(f.absPath);
      }, () => undefined);
    }
    return listing;
  }

  getTreeItem(node: DatasetsNode): vscode.TreeItem {
    const now = (this.options.now ?? Date.now)();
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon('root-folder');
      return item;
    }
    const text = node.kind === 'file' ? fileText(node.file) : node.kind === 'version' ? versionText(node.file, node.version, now) : useText(node.use, now);
    const collapsible =
      node.kind === 'file' ? vscode.TreeItemCollapsibleState.Collapsed
        : node.kind === 'version' && node.version.runs.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed
          : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(text.label, collapsible);
    item.id = node.id;
    item.description = text.description;
    item.tooltip = text.tooltip;
    item.contextValue = text.contextValue;
    if (node.kind === 'file') {
      item.iconPath = node.file.state === 'changed' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : node.file.state === 'missing' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
          : new vscode.ThemeIcon('database');
      if (node.file.state !== 'missing' && node.file.state !== 'query') item.resourceUri = vscode.Uri.file(node.file.absPath);
    } else if (node.kind === 'version') {
      item.iconPath = new vscode.ThemeIcon(node.version.source === 'unavailable' ? 'circle-slash' : 'versions');
    } else {
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.command = { command: DATASETS_COMMANDS.openRun, title: 'Open Run', arguments: [node.use.runId] };
    }
    return item;
  }

  async getChildren(node?: DatasetsNode): Promise<DatasetsNode[]> {
    try {
      if (!node) {
        const folders = this.options.stores.folders.filter((f) => f.store);
        if (folders.length === 1 || this.options.stores.folders.length === 1) return folders[0] ? this.fileNodes(folders[0]) : [];
        return folders.map((f) => ({ kind: 'folder', id: `${f.folder.uri.toString()}|folder`, folderKey: f.folder.uri.toString(), name: f.folder.name }));
      }
      switch (node.kind) {
        case 'folder': {
          const folder = this.options.stores.folders.find((f) => f.folder.uri.toString() === node.folderKey);
          return folder ? this.fileNodes(folder) : [];
        }
        case 'file':
          return node.file.versions.map((version) => ({ kind: 'version', id: `${node.id}|${version.fingerprint}`, folderKey: node.folderKey, file: node.file, version }));
        case 'version':
          return node.version.runs.map((use) => ({ kind: 'use', id: `${node.id}|${use.runId}|${use.role}`, folderKey: node.folderKey, use }));
        case 'use':
          return [];
      }
    } catch (e) {
      this.options.log(`datasets view: listing failed: ${(e as Error).stack ?? e}`);
      void vscode.window.showErrorMessage(`RunLens: could not list datasets: ${(e as Error).message}`);
      return [];
    }
  }

  private async fileNodes(folder: FolderStore): Promise<DatasetsNode[]> {
    const key = folder.folder.uri.toString();
    const files = await this.files(folder);
    return files.map((file) => ({ kind: 'file', id: `${key}|${file.path}`, folderKey: key, file }));
  }

  dispose(): void {
    this.refreshSoon.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
