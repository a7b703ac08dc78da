import * as vscode from 'vscode';
import type { MetricSummary, RunRow } from '../../store/types';
import type { RunDetails, SourceExperiment } from '../../tracking/runSource';
import { runTooltip, runContextValue, metricLabel, relativeTime } from '../../views/runPresentation';
import { runRowAccessibleLabel, runRowDescription, runRowIcon } from '../../views/runs/runRowText';
import { GROUP_LABELS, type RemoteNode, type RunGroup, type RunsNode } from '../../views/runs/runsNodes';
import { RUNS_VIEW_COMMANDS } from '../../views/commands/commandIds';
import { clusterRunTooltip, isLiveClusterRun } from '../../views/compute/clusterRunText';
import { systemSummaryLine } from '../../views/system/systemSummary';
import { isSystemMetric } from '../../core/metrics/systemMetricNames';

/** What the provider holds about a node when VS Code asks for its item (read through the run source). */
export interface ItemContext {
  readonly row: RunRow | undefined;
  /** The run's details as last read (group counts, metric summaries). */
  readonly details: RunDetails | undefined;
  /** The run's listed children: `3`, or `50+` when more pages follow. */
  readonly children: string | undefined;
  readonly now: number;
  readonly keyMetric: string;
  readonly experiment: SourceExperiment | undefined;
  readonly filtered: boolean;
  /** The user left this node expanded (kept across a filter that hid it for a while). */
  readonly expanded: boolean;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

const C = vscode.TreeItemCollapsibleState;

/**
 * A run's row, local or on a tracking server: the same icon, description,
 * tooltip and screen-reader label; `where` adds a line to the tooltip (the
 * server and the user of a remote run).
 */
export function runTreeItem(id: string, row: RunRow, o: { now: number; keyMetric: string; contextValue: string; where?: string }): vscode.TreeItem {
  const item = new vscode.TreeItem(row.name, C.Collapsed);
  item.id = id;
  const icon = runRowIcon(row);
  item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
  item.description = runRowDescription(row, o.now, o.keyMetric || undefined);
  const cluster = clusterRunTooltip(row);
  const system = systemSummaryLine(row.metrics);
  const tip = new vscode.MarkdownString(`${runTooltip(row, o.now)}${system ? `\n\nsystem: ${system}` : ''}${cluster ? `\n\n${cluster}` : ''}${o.where ? `\n\n${o.where}` : ''}`);
  tip.isTrusted = false;
  tip.supportHtml = false;
  item.tooltip = tip;
  item.contextValue = o.contextValue;
  item.accessibilityInformation = { label: runRowAccessibleLabel(row, item.description) };
  return item;
}

/** A run's group (Trials, Params, Metrics…), local or remote; `count` undefined while unknown. */
export function groupTreeItem(id: string, group: RunGroup, count: number | string | undefined, contextValue: string): vscode.TreeItem {
  const g = GROUP_LABELS[group];
  const item = new vscode.TreeItem(g.label, count === 0 ? C.None : group === 'metrics' ? C.Expanded : C.Collapsed);
  item.id = id;
  if (count !== undefined) item.description = String(count);
  item.iconPath = new vscode.ThemeIcon(g.icon);
  item.contextValue = contextValue;
  return item;
}

/** A metric's row: latest value, and min/max/count in the tooltip. */
export function metricTreeItem(id: string, key: string, summary: MetricSummary | undefined, contextValue: string): vscode.TreeItem {
  const item = new vscode.TreeItem(key, C.None);
  item.id = id;
  if (summary) {
    const m = metricLabel(summary);
    item.description = m.description;
    item.tooltip = m.tooltip;
  }
  item.contextValue = contextValue;
  return item;
}

function groupCount(group: RunGroup, ctx: ItemContext): number | string | undefined {
  const d = ctx.details;
  switch (group) {
    case 'children':
      return ctx.children;
    case 'params':
      return ctx.row ? Object.keys(ctx.row.params).length : undefined;
    case 'metrics':
      return d?.metrics.filter((m) => !isSystemMetric(m.key)).length;
    case 'system':
      return d?.metrics.filter((m) => isSystemMetric(m.key)).length;
    case 'artifacts':
      return d?.artifacts.length;
    case 'inputs':
      return d?.inputs.length;
  }
}

/** The TreeItem for a node of a workspace folder's store, from the freshest data the provider holds. */
export function buildTreeItem(node: Exclude<RunsNode, RemoteNode>, ctx: ItemContext): vscode.TreeItem {
  switch (node.kind) {
    case 'folder': {
      const item = new vscode.TreeItem(node.label, C.Expanded);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon('root-folder');
      item.contextValue = 'folder';
      return item;
    }
    case 'experiment': {
      const item = new vscode.TreeItem(node.name, ctx.expanded ? C.Expanded : C.Collapsed);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon('beaker');
      const e = ctx.experiment;
      if (e && e.runCount !== null) {
        item.description = `${e.runCount} run${e.runCount === 1 ? '' : 's'}${e.lastRunAt ? ` · ${relativeTime(e.lastRunAt, ctx.now)}` : ''}${ctx.filtered ? ' (filtered)' : ''}`;
      }
      item.contextValue = 'experiment';
      return item;
    }
    case 'run':
      return ctx.row
        // `clusterLive`: a queued cluster run can be cancelled too (scancel), not only a running one
        ? runTreeItem(node.id, ctx.row, { now: ctx.now, keyMetric: ctx.keyMetric, contextValue: `${runContextValue(ctx.row)}${isLiveClusterRun(ctx.row) ? ' clusterLive' : ''}` })
        : new vscode.TreeItem('(run no longer exists)');
    case 'group':
      return groupTreeItem(node.id, node.group, groupCount(node.group, ctx), `group ${node.group}`);
    case 'param': {
      const item = new vscode.TreeItem(node.key, C.None);
      item.description = node.value;
      item.tooltip = `${node.key} = ${node.value}`;
      item.contextValue = 'param';
      return item;
    }
    case 'metric':
      return metricTreeItem(node.id, node.key, ctx.details?.metrics.find((m) => m.key === node.key), 'metric');
    case 'artifact': {
      const item = new vscode.TreeItem(node.path, C.None);
      item.description = `${node.artifactKind} · ${bytes(node.size)}`;
      item.tooltip = `${node.path}\nsha256 ${node.sha256}\n${bytes(node.size)}`;
      item.iconPath = new vscode.ThemeIcon(node.artifactKind === 'model' ? 'symbol-class' : node.artifactKind === 'log' ? 'output' : 'file');
      item.contextValue = 'artifact';
      item.command = { command: RUNS_VIEW_COMMANDS.artifactOpen, title: 'Open Artifact', arguments: [node] };
      return item;
    }
    case 'input': {
      const item = new vscode.TreeItem(node.path, C.None);
      item.description = `${node.role} · ${node.fingerprint.slice(0, 10)}`;
      item.iconPath = new vscode.ThemeIcon('table');
      item.contextValue = 'input';
      return item;
    }
    case 'more': {
      const item = new vscode.TreeItem('Load more…', C.None);
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: RUNS_VIEW_COMMANDS.loadMore, title: 'Load More', arguments: [node] };
      return item;
    }
    case 'message': {
      const item = new vscode.TreeItem(node.text, C.None);
      item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
      item.tooltip = node.text;
      return item;
    }
  }
}
