import * as vscode from 'vscode';
import type { RunDetails, RunSource, SourceExperiment, SourceRunRow } from '../../tracking/runSource';
import type { FolderStore, FolderStoreChange, WorkspaceStores } from '../store/workspaceStores';
import type { RunsViewState } from './runsViewState';
import type { RunsNode, RunGroup } from '../../views/runs/runsNodes';
import { isSystemMetric } from '../../core/metrics/systemMetricNames';
import { isRemoteNode } from '../../views/runs/runsNodes';
import { runIdsFilter, viewFilterText, viewSortText } from '../../views/runs/runsQueries';
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
 * metrics, artifacts, inputs, read through each folder store's
 * {@link RunSource} (the same interface a tracking server's subtree reads
 * through). Long run lists are paged. Live updates follow the store's change
 * hub and touch only what changed: a new run refreshes its experiment, a
 * training run refreshes its own node, nothing reloads the whole tree on a metric.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly expanded = new Set<string>();
  private readonly nodes = new Map<string, RunsNode>();
  private readonly rows = new Map<string, SourceRunRow>();
  /**
   * When each row's read began. Reads are async and may finish in any order: a
   * row is only replaced by a read that began later, so a slow read (a run's
   * details, fetched when VS Code re-lists it) cannot put back a status the
   * store had already moved on from (a killed sweep showed "queued" for good).
   */
  private readonly rowReadAt = new Map<string, number>();
  private reads = 0;
  private readonly details = new Map<string, RunDetails>();
  private readonly childCounts = new Map<string, string>();
  private readonly experiments = new Map<string, Map<string, SourceExperiment>>();
  private readonly pages = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];
  /**
   * Store changes are handled one after another: two handlers at once could
   * read the same run in either order, and the older read landing last left
   * a row stale (a Slurm sweep's parent showed "queued" after it was killed,
   * when its end was committed just after its trials').
   */
  private changes: Promise<void> = Promise.resolve();

  constructor(private readonly options: RunsTreeOptions) {
    this.disposables.push(
      this.emitter,
      options.stores.onDidChange((f) => {
        this.changes = this.changes.then(() => this.onStoreChanged(f)).catch(() => undefined);
      }),
      options.stores.onDidChangeFolders(() => this.reload()),
      options.state.onDidChange(() => this.reload()),
    );
  }

  /** Everything again (filter or sort changed, or the user asked). */
  reload(): void {
    this.nodes.clear();
    this.rows.clear();
    this.rowReadAt.clear();
    this.details.clear();
    this.childCounts.clear();
    this.experiments.clear();
    this.pages.clear();
    this.emitter.fire(undefined);
  }

  /** A run row from the last listing (for commands acting on the selection). */
  row(runId: string): SourceRunRow | undefined {
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
    const runId = 'runId' in element ? element.runId : undefined;
    return buildTreeItem(element, {
      row: runId ? this.rows.get(runId) : undefined,
      details: runId ? this.details.get(runId) : undefined,
      children: runId ? this.childCounts.get(runId) : undefined,
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

  async getChildren(element?: RunsNode): Promise<RunsNode[]> {
    try {
      return await this.children(element);
    } catch (e) {
      return [this.node({ kind: 'message', id: `error|${element?.id ?? 'root'}`, text: (e as Error).message, icon: 'error' })];
    }
  }

  /** Whether tracking servers are listed as roots beside the workspace folders. */
  private get servers(): RunsNode[] {
    return this.options.remote?.roots() ?? [];
  }

  private async children(element?: RunsNode): Promise<RunsNode[]> {
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

  private async folderChildren(f: FolderStore): Promise<RunsNode[]> {
    const key = f.folder.uri.toString();
    if (f.error) return [this.node({ kind: 'message', id: `${key}|error`, text: f.error, icon: 'error' })];
    const source = f.source;
    if (!source) {
      this.updateHasRuns();
      return [];
    }
    const list = await this.listExperiments(source);
    this.experiments.set(key, new Map(list.map((e) => [e.name, e])));
    this.updateHasRuns();
    const filter = this.filterText();
    const shown = [];
    for (const e of list) {
      if (!filter || (await source.searchRuns({ experiment: e.name, filter, parentId: null, limit: 1 })).rows.length > 0) shown.push(e);
    }
    if (filter && shown.length === 0) return [this.node({ kind: 'message', id: `${key}|nomatch`, text: 'No runs match the filter', icon: 'filter' })];
    return shown.map((e) => this.node({ kind: 'experiment', id: `${key}|exp|${e.name}`, folderKey: key, name: e.name }));
  }

  private async listExperiments(source: RunSource): Promise<SourceExperiment[]> {
    return (await source.listExperiments()).filter((e) => (e.runCount ?? 0) > 0);
  }

  private async runList(folderKey: string, scope: { experiment?: string; parentId: string | null }, parentNodeId: string): Promise<RunsNode[]> {
    const source = this.sourceOf(folderKey);
    if (!source) return [];
    const limit = this.options.pageSize() * (this.pages.get(parentNodeId) ?? 1);
    const filter = scope.parentId === null ? this.filterText() : '';
    const readAt = ++this.reads;
    const page = await source.searchRuns({ ...scope, filter, sort: this.sortText(), limit });
    const nodes: RunsNode[] = page.rows.map((r) => {
      this.setRow(r.id, r, readAt);
      return this.node({ kind: 'run', id: `${folderKey}|run|${r.id}`, folderKey, runId: r.id });
    });
    if (page.nextPageToken) nodes.push({ kind: 'more', id: `${parentNodeId}|more|${limit}`, folderKey, parent: parentNodeId });
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

  private async runGroups(folderKey: string, runId: string): Promise<RunsNode[]> {
    const source = this.sourceOf(folderKey);
    if (!source) return [];
    const [kids, details] = await Promise.all([source.searchRuns({ parentId: runId, limit: this.options.pageSize() }), this.readDetails(source, runId)]);
    const groups: RunGroup[] = [];
    if (kids.rows.length > 0) {
      groups.push('children');
      this.childCounts.set(runId, `${kids.rows.length}${kids.nextPageToken ? '+' : ''}`);
    } else this.childCounts.delete(runId);
    groups.push('params', 'metrics');
    if (details.metrics.some((m) => isSystemMetric(m.key))) groups.push('system');
    groups.push('artifacts', 'inputs');
    return groups.map((group) => this.node({ kind: 'group', id: `${folderKey}|group|${runId}|${group}`, folderKey, runId, group }));
  }

  /** The run's details, read again (a live run's metrics move), kept for its group and metric items. */
  private async readDetails(source: RunSource, runId: string): Promise<RunDetails> {
    const readAt = ++this.reads;
    const d = await source.getRun(runId);
    this.details.set(runId, d);
    this.setRow(runId, d.run, readAt);
    return d;
  }

  /** Keeps `row` unless a read that began after this one already gave the run's row. */
  private setRow(runId: string, row: SourceRunRow, readAt: number): void {
    if ((this.rowReadAt.get(runId) ?? 0) > readAt) return;
    this.rows.set(runId, row);
    this.rowReadAt.set(runId, readAt);
  }

  private async groupChildren(folderKey: string, runId: string, group: RunGroup, nodeId: string): Promise<RunsNode[]> {
    const source = this.sourceOf(folderKey);
    if (!source) return [];
    if (group === 'children') return this.runList(folderKey, { parentId: runId }, nodeId);
    const d = await this.readDetails(source, runId);
    const base = `${folderKey}|${runId}|${group}`;
    switch (group) {
      case 'params':
        return Object.entries(d.run.params).map(([key, value]) => ({ kind: 'param', id: `${base}|${key}`, folderKey, runId, key, value }));
      case 'metrics':
      case 'system':
        // The run's own metrics and the sampled system ones, each in its group.
        return d.metrics.filter((m) => isSystemMetric(m.key) === (group === 'system')).map((m) => ({ kind: 'metric', id: `${base}|${m.key}`, folderKey, runId, key: m.key }));
      case 'artifacts':
        return d.artifacts.map((a) => ({ kind: 'artifact', id: `${base}|${a.path}`, folderKey, runId, path: a.path, sha256: a.sha256 ?? '', size: a.size ?? 0, artifactKind: a.kind }));
      case 'inputs':
        return d.inputs.map((i) => ({ kind: 'input', id: `${base}|${i.role}|${i.path}`, folderKey, runId, path: i.path, role: i.role, fingerprint: i.fingerprint }));
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

  private sourceOf(folderKey: string): RunSource | undefined {
    return this.options.stores.folders.find((f) => f.folder.uri.toString() === folderKey)?.source;
  }

  private filterText(): string {
    return viewFilterText(this.options.state.filter, this.options.state.starredOnly);
  }

  private sortText(): string {
    return viewSortText(this.options.state.sort, this.options.starredFirst());
  }

  private updateHasRuns(): void {
    let has = false;
    for (const m of this.experiments.values()) for (const e of m.values()) if ((e.runCount ?? 0) > 0) has = true;
    this.options.onDidChangeHasRuns(has);
  }

  /** The folder's node, or everything when the folder's experiments are the roots. */
  private fireFolder(key: string): void {
    this.emitter.fire(this.singleRoot() ? undefined : this.nodes.get(`${key}|folder`));
  }

  /** A store's hub saw a change: refresh the experiments whose runs changed, every live run, and edited rows. */
  private async onStoreChanged(f: FolderStoreChange): Promise<void> {
    const key = f.folder.uri.toString();
    const source = f.source;
    const before = this.experiments.get(key);
    if (!source || !before || !f.change) {
      // first sight of this store (created while the view was open), re-opened, or failed
      this.fireFolder(key);
      return;
    }
    try {
      const change = f.change;
      const counts = change.runsCreated.length > 0 || change.runsEdited || change.runStatusChanged.length > 0;
      if (counts && !(await this.refreshExperiments(key, source, before))) return;
      // a shown run that is gone (deleted, soft-deleted by an MLflow client) changes its experiment's count too
      const vanished = await this.refreshShownRuns(key, source);
      if (vanished && !counts) await this.refreshExperiments(key, source, before);
    } catch {
      // the store went away meanwhile: its next event (or the folder's error row) says so
      this.fireFolder(key);
    }
  }

  /**
   * Reads the experiments again and shows those whose count or newest run
   * changed; false when the list itself changed (the folder was shown again whole).
   */
  private async refreshExperiments(key: string, source: RunSource, before: Map<string, SourceExperiment>): Promise<boolean> {
    const now = await this.listExperiments(source);
    this.experiments.set(key, new Map(now.map((e) => [e.name, e])));
    if (now.length !== before.size || now.some((e) => !before.has(e.name))) {
      this.fireFolder(key);
      this.updateHasRuns();
      return false;
    }
    for (const e of now) {
      const old = before.get(e.name)!;
      if (old.runCount !== e.runCount || old.lastRunAt !== e.lastRunAt) {
        const node = this.nodes.get(`${key}|exp|${e.name}`);
        if (node) this.emitter.fire(node);
      }
    }
    return true;
  }

  /**
   * Reads the shown runs again in one query: every live run (its status,
   * elapsed time and metrics move) and the most recently listed
   * {@link EDIT_CHECK_MAX} ended ones, since a star, a rename or a note (from
   * the view's commands, or `runlens` in a terminal) changes what their row
   * shows and a star can move it (starred first). A live run is shown again;
   * an ended run that changed has its parent re-listed, so its order and its
   * context menu follow. True when a shown run is gone.
   */
  private async refreshShownRuns(key: string, source: RunSource): Promise<boolean> {
    const shown = [...this.rows.values()].filter((r) => this.nodes.has(`${key}|run|${r.id}`));
    const live = shown.filter((r) => LIVE.has(r.status));
    const ended = shown.filter((r) => !LIVE.has(r.status)).slice(-EDIT_CHECK_MAX);
    const ids = [...live, ...ended].map((r) => r.id);
    if (ids.length === 0) return false;
    const readAt = ++this.reads;
    const fresh = new Map((await source.searchRuns({ filter: runIdsFilter(ids) })).rows.map((r) => [r.id, r]));
    for (const row of live) {
      const now = fresh.get(row.id);
      const node = this.nodes.get(`${key}|run|${row.id}`)!;
      // a run deleted while it trained: its parent lists it no more
      const target = now ? node : this.getParent(node) ?? node;
      if (now) this.setRow(row.id, now, readAt);
      else this.rows.delete(row.id);
      this.emitter.fire(target);
    }
    const parents = new Set<RunsNode | undefined>();
    for (const row of ended) {
      const now = fresh.get(row.id);
      if (now && now.name === row.name && now.starred === row.starred && now.status === row.status && now.note === row.note) continue;
      const node = this.nodes.get(`${key}|run|${row.id}`)!;
      parents.add(this.getParent(node) ?? node);
      // up to date at once, so a parent VS Code does not re-list (folded) is not fired again on the next change
      if (now) this.setRow(row.id, now, readAt);
      else this.rows.delete(row.id);
    }
    for (const node of parents) this.emitter.fire(node);
    return ids.some((id) => !fresh.has(id));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
