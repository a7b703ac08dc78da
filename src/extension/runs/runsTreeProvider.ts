import * as vscode from 'vscode';
import type { RunStore } from '../../store/runStore';
import type { RunRow, ExperimentSummary } from '../../store/types';
import type { FolderStore, WorkspaceStores } from '../store/workspaceStores';
import type { RunsViewState } from './runsViewState';
import type { RunsNode, RunGroup } from '../../views/runs/runsNodes';
import { isRemoteNode } from '../../views/runs/runsNodes';
import { buildTreeItem } from './runsTreeItems';
import type { RemoteRunsTree } from './remoteRunsTree';

export interface RunsTreeOptions {
  readonly stores: WorkspaceStores;
  readonly state: RunsViewState;
  readonly pageSize: () => number;
  readonly starredFirst: () => boolean;
  readonly keyMetric: () => string;
  readonly onDidChangeHasRuns: (hasRuns: boolean) => void;
  readonly now?: () => number;
  /** The tracking servers' subtrees (roots beside the workspace folders), when any server is configured. */
  readonly remote?: RemoteRunsTree;
}

const LIVE: ReadonlySet<string> = new Set(['running', 'queued']);
/** Ended runs checked for edits on a store change (the rest were listed long ago, out of sight). */
const EDIT_CHECK_MAX = 200;

/**
 * The Runs explorer: (folders →) experiments → runs → trials, params,
 * metrics, artifacts, inputs. Long run lists are paged. Live updates touch
 * only what changed: a new run refreshes its experiment, a training run
 * refreshes its own node, nothing reloads the whole tree on a metric.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly expanded = new Set<string>();
  private readonly nodes = new Map<string, RunsNode>();
  private readonly rows = new Map<string, RunRow>();
  private readonly experiments = new Map<string, Map<string, ExperimentSummary>>();
  private readonly pages = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly options: RunsTreeOptions) {
    this.disposables.push(
      this.emitter,
      options.stores.onDidChange((f) => this.onStoreChanged(f)),
      options.stores.onDidChangeFolders(() => this.reload()),
      options.state.onDidChange(() => this.reload()),
    );
  }

  /** Everything again (filter or sort changed, or the user asked). */
  reload(): void {
    this.nodes.clear();
    this.rows.clear();
    this.experiments.clear();
    this.pages.clear();
    this.emitter.fire(undefined);
  }

  /** A run row from the last listing (for commands acting on the selection). */
  row(runId: string): RunRow | undefined {
    return this.rows.get(runId);
  }

  node<T extends RunsNode>(node: T): T {
    const existing = this.nodes.get(node.id) as T | undefined;
    if (existing) return existing;
    this.nodes.set(node.id, node);
    return node;
  }

  getTreeItem(element: RunsNode): vscode.TreeItem {
    if (isRemoteNode(element)) return this.options.remote!.treeItem(element);
    const store = 'folderKey' in element ? this.storeOf(element.folderKey) : undefined;
    return buildTreeItem(element, {
      row: 'runId' in element ? this.rows.get(element.runId) : undefined,
      store,
      now: (this.options.now ?? Date.now)(),
      keyMetric: this.options.keyMetric(),
      experiment: element.kind === 'experiment' ? this.experiments.get(element.folderKey)?.get(element.name) : undefined,
      filtered: Boolean(this.filterText()),
      expanded: this.expanded.has(element.id),
    });
  }

  /**
   * What the user expanded, from the view's expand/collapse events. VS Code
   * forgets the state of an element that leaves the tree, so an experiment a
   * filter hid came back collapsed when the filter was cleared.
   */
  setExpanded(element: RunsNode, expanded: boolean): void {
    if (element.kind !== 'experiment') return;
    if (expanded) this.expanded.add(element.id);
    else this.expanded.delete(element.id);
  }

  getParent(element: RunsNode): RunsNode | undefined {
    if (element.kind === 'run') {
      const row = this.rows.get(element.runId);
      if (!row) return undefined;
      if (row.parentId) return this.nodes.get(`${element.folderKey}|group|${row.parentId}|children`);
      return this.nodes.get(`${element.folderKey}|exp|${row.experiment}`);
    }
    return undefined;
  }

  getChildren(element?: RunsNode): RunsNode[] {
    try {
      return this.children(element);
    } catch (e) {
      return [this.node({ kind: 'message', id: `error|${element?.id ?? 'root'}`, text: (e as Error).message, icon: 'error' })];
    }
  }

  /** Whether tracking servers are listed as roots beside the workspace folders. */
  private get servers(): RunsNode[] {
    return this.options.remote?.roots() ?? [];
  }

  private children(element?: RunsNode): RunsNode[] {
    const folders = this.options.stores.folders;
    if (!element) {
      const servers = this.servers;
      // One folder and no server: its experiments are the roots, as before servers existed.
      if (folders.length === 1 && servers.length === 0) return this.folderChildren(folders[0]!);
      return [...folders.map((f) => this.node({ kind: 'folder', id: `${f.folder.uri.toString()}|folder`, folderKey: f.folder.uri.toString(), label: f.folder.name })), ...servers];
    }
    if (isRemoteNode(element)) return this.options.remote?.children(element) ?? [];
    switch (element.kind) {
      case 'folder': {
        const f = folders.find((x) => x.folder.uri.toString() === element.folderKey);
        return f ? this.folderChildren(f) : [];
      }
      case 'experiment':
        return this.runList(element.folderKey, { experiment: element.name, parentId: null }, element.id);
      case 'run':
        return this.runGroups(element.folderKey, element.runId);
      case 'group':
        return this.groupChildren(element.folderKey, element.runId, element.group, element.id);
      default:
        return [];
    }
  }

  private folderChildren(f: FolderStore): RunsNode[] {
    const key = f.folder.uri.toString();
    if (f.error) return [this.node({ kind: 'message', id: `${key}|error`, text: f.error, icon: 'error' })];
    if (!f.store) {
      this.updateHasRuns();
      return [];
    }
    const list = f.store.listExperiments().filter((e) => e.runCount > 0);
    this.experiments.set(key, new Map(list.map((e) => [e.name, e])));
    this.updateHasRuns();
    const filter = this.filterText();
    const shown = filter ? list.filter((e) => f.store!.countRuns({ experiment: e.name, filter, parentId: null }) > 0) : list;
    if (filter && shown.length === 0) return [this.node({ kind: 'message', id: `${key}|nomatch`, text: 'No runs match the filter', icon: 'filter' })];
    return shown.map((e) => this.node({ kind: 'experiment', id: `${key}|exp|${e.name}`, folderKey: key, name: e.name }));
  }

  private runList(folderKey: string, scope: { experiment?: string; parentId: string | null }, parentNodeId: string): RunsNode[] {
    const store = this.storeOf(folderKey);
    if (!store) return [];
    const pageSize = this.options.pageSize();
    const limit = pageSize * (this.pages.get(parentNodeId) ?? 1);
    const filter = scope.parentId === null ? this.filterText() : '';
    const query = { ...scope, filter, sort: this.sortText() };
    const rows = store.listRuns({ ...query, limit });
    const nodes: RunsNode[] = rows.map((r) => {
      this.rows.set(r.id, r);
      return this.node({ kind: 'run', id: `${folderKey}|run|${r.id}`, folderKey, runId: r.id });
    });
    if (rows.length === limit) {
      const total = store.countRuns(query);
      if (total > limit) nodes.push({ kind: 'more', id: `${parentNodeId}|more|${limit}`, folderKey, parent: parentNodeId, remaining: total - limit });
    }
    return nodes;
  }

  /** Shows the next page under an experiment or a parent run (of the store, or of a server). */
  loadMore(node: Extract<RunsNode, { kind: 'more' | 'remoteMore' }>): void {
    if (node.kind === 'remoteMore') {
      this.options.remote?.loadMore(node);
      return;
    }
    this.pages.set(node.parent, (this.pages.get(node.parent) ?? 1) + 1);
    const parent = this.nodes.get(node.parent);
    this.emitter.fire(parent);
  }

  private runGroups(folderKey: string, runId: string): RunsNode[] {
    const store = this.storeOf(folderKey);
    if (!store) return [];
    const groups: RunGroup[] = [];
    if (store.countRuns({ parentId: runId }) > 0) groups.push('children');
    groups.push('params', 'metrics', 'artifacts', 'inputs');
    return groups.map((group) => this.node({ kind: 'group', id: `${folderKey}|group|${runId}|${group}`, folderKey, runId, group }));
  }

  private groupChildren(folderKey: string, runId: string, group: RunGroup, nodeId: string): RunsNode[] {
    const store = this.storeOf(folderKey);
    if (!store) return [];
    const base = `${folderKey}|${runId}|${group}`;
    switch (group) {
      case 'children':
        return this.runList(folderKey, { parentId: runId }, nodeId);
      case 'params':
        return Object.entries(store.getParams(runId)).map(([key, value]) => ({ kind: 'param', id: `${base}|${key}`, folderKey, runId, key, value }));
      case 'metrics':
        return store.getMetricSummaries(runId).map((m) => ({ kind: 'metric', id: `${base}|${m.key}`, folderKey, runId, key: m.key }));
      case 'artifacts':
        return store.listArtifacts(runId).map((a) => ({ kind: 'artifact', id: `${base}|${a.path}`, folderKey, runId, path: a.path, sha256: a.sha256, size: a.size, artifactKind: a.kind }));
      case 'inputs':
        return store.listInputs(runId).map((i) => ({ kind: 'input', id: `${base}|${i.role}|${i.path}`, folderKey, runId, path: i.path, role: i.role, fingerprint: i.fingerprint }));
    }
  }

  /** One folder and no server: the folder's experiments are the roots. */
  private singleRoot(): boolean {
    return this.options.stores.folders.length === 1 && this.servers.length === 0;
  }

  /** Shows a node of a server's subtree again (or everything). */
  fire(node: RunsNode | undefined): void {
    this.emitter.fire(node);
  }

  private storeOf(folderKey: string): RunStore | undefined {
    return this.options.stores.folders.find((f) => f.folder.uri.toString() === folderKey)?.store;
  }

  private filterText(): string {
    const user = this.options.state.filter.trim();
    if (!this.options.state.starredOnly) return user;
    return user ? `(${user}) and attributes.starred = true` : 'attributes.starred = true';
  }

  private sortText(): string {
    const user = this.options.state.sort || 'attributes.start_time DESC';
    return this.options.starredFirst() ? `attributes.starred DESC, ${user}` : user;
  }

  private updateHasRuns(): void {
    let has = false;
    for (const m of this.experiments.values()) for (const e of m.values()) if (e.runCount > 0) has = true;
    this.options.onDidChangeHasRuns(has);
  }

  /** A store changed: refresh the experiments whose runs changed and every live run. */
  private onStoreChanged(f: FolderStore): void {
    const key = f.folder.uri.toString();
    const store = f.store;
    if (!store) return;
    const before = this.experiments.get(key);
    if (!before) {
      // First sight of this store (created while the view was open).
      this.emitter.fire(this.singleRoot() ? undefined : this.nodes.get(`${key}|folder`));
      return;
    }
    const now = store.listExperiments().filter((e) => e.runCount > 0);
    this.experiments.set(key, new Map(now.map((e) => [e.name, e])));
    const namesChanged = now.length !== before.size || now.some((e) => !before.has(e.name));
    if (namesChanged) {
      this.emitter.fire(this.singleRoot() ? undefined : this.nodes.get(`${key}|folder`));
      this.updateHasRuns();
      return;
    }
    for (const e of now) {
      const old = before.get(e.name)!;
      if (old.runCount !== e.runCount || old.lastRunAt !== e.lastRunAt) {
        const node = this.nodes.get(`${key}|exp|${e.name}`);
        if (node) this.emitter.fire(node);
      }
    }
    this.refreshEditedRuns(key, store);
    const live = [...this.rows.values()].filter((r) => LIVE.has(r.status) && this.nodes.has(`${key}|run|${r.id}`));
    if (live.length === 0) return;
    const fresh = store.listRuns({
      filter: { kind: 'in', field: { entity: 'attributes', key: 'id', start: 0, end: 0 }, negated: false, values: live.map((r) => r.id), start: 0, end: 0 },
    });
    for (const row of fresh) {
      this.rows.set(row.id, row);
      const node = this.nodes.get(`${key}|run|${row.id}`);
      if (node) this.emitter.fire(node);
    }
  }

  /**
   * Runs that ended do not change on their own, but a star, a rename or a
   * note (from the view's commands, or `runlens` in a terminal) changes what
   * their row shows, and a star can move it (starred first). Checks the
   * listed rows with one primary-key lookup each (about 12 µs; the most
   * recently listed {@link EDIT_CHECK_MAX} only) and re-lists the parent of a
   * row that changed, so its order and its context menu follow.
   */
  private refreshEditedRuns(key: string, store: RunStore): void {
    const ended = [...this.rows.values()].filter((r) => !LIVE.has(r.status) && this.nodes.has(`${key}|run|${r.id}`)).slice(-EDIT_CHECK_MAX);
    const parents = new Set<RunsNode | undefined>();
    for (const row of ended) {
      const now = store.findRun(row.id);
      if (now && now.name === row.name && now.starred === row.starred && now.status === row.status && now.note === row.note) continue;
      const node = this.nodes.get(`${key}|run|${row.id}`)!;
      parents.add(this.getParent(node) ?? node);
      // up to date at once, so a parent VS Code does not re-list (folded) is not fired again on the next change
      if (now) this.rows.set(row.id, { ...row, name: now.name, starred: now.starred, status: now.status, note: now.note });
      else this.rows.delete(row.id);
    }
    for (const node of parents) this.emitter.fire(node);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
