import * as vscode from 'vscode';
import type { Loadable, ModelChange, RemoteServerModel, RunListing } from '../../views/teamServers/remoteServerModel';
import { metricLabel, relativeTime } from '../../views/runPresentation';
import type { ServerEntry, TeamServers } from '../teamServers/teamServers';
import { groupTreeItem, runTreeItem } from './runsTreeItems';
import { isSystemMetric } from '../../core/metrics/systemMetricNames';
import type { RemoteGroup, RemoteNode, RunsNode } from '../../views/runs/runsNodes';
import { RUNS_VIEW_COMMANDS, TEAM_SERVER_COMMANDS } from '../../views/commands/commandIds';

export interface RemoteRunsTreeOptions {
  readonly servers: TeamServers;
  readonly keyMetric: () => string;
  /** Whether the view's filter (or starred-only) is on. */
  readonly filtered: () => boolean;
  readonly starredOnly: () => boolean;
  /** Shows a node (or everything) again. */
  readonly fire: (node: RunsNode | undefined) => void;
  readonly now?: () => number;
}

const C = vscode.TreeItemCollapsibleState;
const REMOTE_GROUPS: readonly RemoteGroup[] = ['children', 'params', 'metrics', 'system', 'artifacts'];

function bytes(n: number | null): string {
  if (n === null) return 'size unknown';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/**
 * The tracking servers' part of the Runs view: server → experiments → runs
 * (newest first, paged) → nested runs, params, metrics, artifacts. It never
 * waits: what the server's model has not read yet shows as a "Loading…" row
 * and the model's change events show the answer. Ids start with `srv|`, so
 * they never meet the local view's.
 */
export class RemoteRunsTree {
  private readonly nodes = new Map<string, RunsNode>();

  constructor(private readonly options: RemoteRunsTreeOptions) {}

  /** One root per server. */
  roots(): RunsNode[] {
    return this.options.servers.servers.map((e) => this.node({ kind: 'server', id: `srv|${e.server.uri}`, server: e.server.uri }));
  }

  /** Forgets the cached nodes (the list of servers changed). */
  clear(): void {
    this.nodes.clear();
  }

  /** What to show again for a model change. */
  onModelChange(server: string, change: ModelChange): void {
    const id =
      change.kind === 'server' || change.kind === 'experiments' ? `srv|${server}`
        : change.kind === 'runs' ? (change.scope.parentId === null ? `srv|${server}|exp|${change.scope.experiment}` : `srv|${server}|grp|${change.scope.parentId}|children`)
          : `srv|${server}|run|${change.runId}`;
    const node = this.nodes.get(id);
    if (node) this.options.fire(node);
    // a run's children decide whether its "Trials" group shows, so its run node follows too
    if (change.kind === 'runs' && change.scope.parentId !== null) {
      const run = this.nodes.get(`srv|${server}|run|${change.scope.parentId}`);
      if (run) this.options.fire(run);
    }
  }

  children(node: RemoteNode): RunsNode[] {
    const entry = 'server' in node ? this.options.servers.entry(node.server) : undefined;
    if (!entry) return [];
    switch (node.kind) {
      case 'server':
        return this.serverChildren(entry);
      case 'remoteExperiment':
        return this.runList(entry, node.name, null, node.id);
      case 'remoteRun':
        return this.runChildren(entry, node);
      case 'remoteGroup':
        return this.groupChildren(entry, node);
      default:
        return [];
    }
  }

  private serverChildren(entry: ServerEntry): RunsNode[] {
    const uri = entry.server.uri;
    const m = entry.model;
    if (m.online === false) return [this.node({ kind: 'remoteOffline', id: `srv|${uri}|offline`, server: uri, reason: m.offlineReason ?? 'does not answer' })];
    if (this.options.starredOnly()) return [this.message(`srv|${uri}|starred`, 'Stars are kept in the workspace store: no run on a server is starred', 'star-empty')];
    const exps = m.experiments();
    const pending = this.pending(exps, `srv|${uri}|exps`);
    if (pending) return pending;
    const list = (exps as { value: { name: string }[] }).value;
    if (list.length === 0) return [this.message(`srv|${uri}|empty`, 'No experiments on this server', 'info')];
    return list.map((e) => this.node({ kind: 'remoteExperiment', id: `srv|${uri}|exp|${e.name}`, server: uri, name: e.name }));
  }

  private runList(entry: ServerEntry, experiment: string, parentId: string | null, parentNodeId: string): RunsNode[] {
    const uri = entry.server.uri;
    const listing = entry.model.runs({ experiment, parentId });
    const pending = this.pending(listing, `${parentNodeId}|runs`);
    if (pending) return pending;
    const { rows, nextPageToken, loadingMore, moreError } = (listing as { value: RunListing }).value;
    if (rows.length === 0) {
      return parentId === null && this.options.filtered() ? [this.message(`${parentNodeId}|nomatch`, 'No runs match the filter', 'filter')] : [];
    }
    const nodes: RunsNode[] = rows.map((r) => this.node({ kind: 'remoteRun', id: `srv|${uri}|run|${r.id}`, server: uri, runId: r.id, experiment: r.experiment }));
    if (nextPageToken || loadingMore || moreError) {
      // a fresh object each time: its state (loading, error) is part of the row
      const more: RunsNode = { kind: 'remoteMore', id: `${parentNodeId}|more`, server: uri, experiment, parentId, loading: loadingMore, error: moreError };
      this.nodes.set(more.id, more);
      nodes.push(more);
    }
    return nodes;
  }

  /** "Load more…": the model reads the next page and says when to show it. */
  loadMore(node: Extract<RunsNode, { kind: 'remoteMore' }>): void {
    this.options.servers.entry(node.server)?.model.loadMore({ experiment: node.experiment, parentId: node.parentId });
  }

  private runChildren(entry: ServerEntry, node: Extract<RunsNode, { kind: 'remoteRun' }>): RunsNode[] {
    const m = entry.model;
    const details = m.details(node.runId);
    const kids = m.runs({ experiment: node.experiment, parentId: node.runId });
    const pending = this.pending(details, `${node.id}|details`) ?? this.pending(kids, `${node.id}|kids`);
    if (pending) return pending;
    const hasChildren = kids.state === 'ready' && kids.value.rows.length > 0;
    const hasSystem = details.state === 'ready' && details.value.metrics.some((s) => isSystemMetric(s.key));
    return REMOTE_GROUPS.filter((g) => (g !== 'children' || hasChildren) && (g !== 'system' || hasSystem)).map((group) =>
      this.node({ kind: 'remoteGroup', id: `srv|${node.server}|grp|${node.runId}|${group}`, server: node.server, runId: node.runId, experiment: node.experiment, group }));
  }

  private groupChildren(entry: ServerEntry, node: Extract<RunsNode, { kind: 'remoteGroup' }>): RunsNode[] {
    if (node.group === 'children') return this.runList(entry, node.experiment, node.runId, node.id);
    const details = entry.model.details(node.runId);
    if (details.state !== 'ready') return this.pending(details, `${node.id}|d`) ?? [];
    const d = details.value;
    const base = node.id;
    switch (node.group) {
      case 'params':
        return Object.entries(d.run.params).map(([k, v]) => this.node({ kind: 'remoteLeaf', id: `${base}|${k}`, label: k, description: v, tooltip: `${k} = ${v}` }));
      case 'metrics':
      case 'system':
        // The run's own metrics and the sampled system ones, each in its group, as for a local run.
        return d.metrics.filter((s) => isSystemMetric(s.key) === (node.group === 'system')).map((s) => {
          const l = metricLabel(s);
          return this.node({ kind: 'remoteLeaf', id: `${base}|${s.key}`, label: s.key, description: l.description, tooltip: l.tooltip });
        });
      case 'artifacts':
        return d.artifacts.map((a) => this.node({ kind: 'remoteArtifact', id: `${base}|${a.path}`, server: node.server, runId: node.runId, path: a.path, size: a.size }));
    }
  }

  /** A loading or error row for a value not ready; undefined when it is. */
  private pending<T>(v: Loadable<T>, id: string): RunsNode[] | undefined {
    if (v.state === 'loading') return [this.message(`${id}|loading`, 'Loading…', 'loading~spin')];
    if (v.state === 'error') return [this.message(`${id}|error`, v.message, 'error')];
    return undefined;
  }

  private message(id: string, text: string, icon: string): RunsNode {
    return this.node({ kind: 'message', id, text, icon });
  }

  private node<T extends RunsNode>(n: T): T {
    const existing = this.nodes.get(n.id) as T | undefined;
    if (existing && JSON.stringify(existing) === JSON.stringify(n)) return existing;
    this.nodes.set(n.id, n);
    return n;
  }

  treeItem(node: RemoteNode): vscode.TreeItem {
    const now = (this.options.now ?? Date.now)();
    switch (node.kind) {
      case 'server': {
        const entry = this.options.servers.entry(node.server);
        const item = new vscode.TreeItem(entry?.server.name ?? node.server, C.Collapsed);
        item.id = node.id;
        const offline = entry?.model.online === false;
        item.iconPath = new vscode.ThemeIcon(offline ? 'debug-disconnect' : 'server', offline ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
        item.description = `${node.server}${offline ? ' · offline' : ''}${entry?.server.origin === 'env' ? ' · from MLFLOW_TRACKING_URI' : ''}`;
        item.tooltip = new vscode.MarkdownString(
          `**${escapeMd(entry?.server.name ?? '')}** — MLflow tracking server  \n${escapeMd(node.server)}  \n` +
          `${entry?.server.origin === 'env' ? 'from MLFLOW_TRACKING_URI' : 'from runlens.trackingServers'} · credentials: ${entry?.credentials ?? 'none'}` +
          (offline ? `  \n\n$(warning) ${escapeMd(entry?.model.offlineReason ?? '')}` : ''), true);
        item.contextValue = `trackingServer ${offline ? 'offline' : 'online'}`;
        return item;
      }
      case 'remoteOffline': {
        const item = new vscode.TreeItem(`Offline: ${node.reason}`, C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.tooltip = `${node.reason}\nClick to try again.`;
        item.contextValue = 'remoteOffline';
        item.command = { command: TEAM_SERVER_COMMANDS.retry, title: 'Retry', arguments: [node] };
        return item;
      }
      case 'remoteExperiment': {
        const entry = this.options.servers.entry(node.server);
        const item = new vscode.TreeItem(node.name, C.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.description = this.experimentDescription(entry?.model, node.name, now);
        item.contextValue = 'remoteExperiment';
        return item;
      }
      case 'remoteRun': {
        const row = this.options.servers.entry(node.server)?.model.row(node.runId);
        if (!row) return new vscode.TreeItem('(run no longer listed)');
        // the same item code as a local run's; only the context menu and the "where" line differ
        return runTreeItem(node.id, row, {
          now, keyMetric: this.options.keyMetric(), contextValue: `remoteRun ${row.status}`,
          where: `on ${escapeMd(node.server)}${row.user ? ` · by ${escapeMd(row.user)}` : ''}`,
        });
      }
      case 'remoteGroup': {
        const details = this.options.servers.entry(node.server)?.model.details(node.runId);
        const d = details?.state === 'ready' ? details.value : undefined;
        const metrics = (system: boolean) => d?.metrics.filter((s) => isSystemMetric(s.key) === system).length ?? 0;
        const count = node.group === 'params' ? Object.keys(d?.run.params ?? {}).length
          : node.group === 'metrics' || node.group === 'system' ? metrics(node.group === 'system')
            : node.group === 'artifacts' ? d?.artifacts.length ?? 0 : undefined;
        return groupTreeItem(node.id, node.group, count, `remoteGroup ${node.group}`);
      }
      case 'remoteLeaf': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = node.id;
        item.description = node.description;
        item.tooltip = node.tooltip;
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'remoteLeaf';
        return item;
      }
      case 'remoteArtifact': {
        const item = new vscode.TreeItem(node.path, C.None);
        item.id = node.id;
        item.description = bytes(node.size);
        item.iconPath = new vscode.ThemeIcon('file');
        item.contextValue = 'remoteArtifact';
        item.command = { command: TEAM_SERVER_COMMANDS.openRemoteArtifact, title: 'Open Artifact', arguments: [node] };
        return item;
      }
      case 'remoteMore': {
        const item = new vscode.TreeItem(node.loading ? 'Loading more…' : node.error ? `Load more… (failed: ${node.error})` : 'Load more…', C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.loading ? 'loading~spin' : node.error ? 'warning' : 'ellipsis');
        if (!node.loading) item.command = { command: RUNS_VIEW_COMMANDS.loadMore, title: 'Load More', arguments: [node] };
        return item;
      }
    }
  }

  /** `N runs` when every run is listed, `N+ runs` while more pages are left; the server's count when it gives one. */
  private experimentDescription(m: RemoteServerModel | undefined, name: string, now: number): string | undefined {
    const exp = m?.experiments();
    const e = exp?.state === 'ready' ? exp.value.find((x) => x.name === name) : undefined;
    const listing = m ? peekListing(m, name) : undefined;
    const count = e?.runCount ?? (listing ? `${listing.rows.length}${listing.nextPageToken ? '+' : ''}` : undefined);
    const parts: string[] = [];
    if (count !== undefined) parts.push(`${count} run${count === 1 || count === '1' ? '' : 's'}`);
    if (e?.lastRunAt) parts.push(relativeTime(e.lastRunAt, now));
    else if (listing?.rows[0]) parts.push(relativeTime(listing.rows[0].startedAt ?? listing.rows[0].createdAt, now));
    const text = parts.join(' · ') + (this.options.filtered() ? ' (filtered)' : '');
    return text || undefined;
  }
}

/** The top-level listing of an experiment if it was read already (does not start a read). */
function peekListing(m: RemoteServerModel, experiment: string) {
  const v = m.peekRuns({ experiment, parentId: null });
  return v?.state === 'ready' ? v.value : undefined;
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, '\\$&');
}

