import * as vscode from 'vscode';
import type { RunStore } from '../../store/runStore';
import type { RunRow, ExperimentSummary } from '../../store/types';
import { runTooltip, runContextValue, metricLabel, relativeTime } from '../../views/runPresentation';
import { runRowAccessibleLabel, runRowDescription, runRowIcon } from '../../views/runs/runRowText';
import { GROUP_LABELS, type RemoteNode, type RunsNode } from '../../views/runs/runsNodes';

export interface ItemContext {
  readonly row: RunRow | undefined;
  readonly store: RunStore | undefined;
  readonly now: number;
  readonly keyMetric: string;
  readonly experiment: ExperimentSummary | undefined;
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

/** The TreeItem for a node, from the freshest data the provider holds. */
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
      if (e) {
        item.description = `${e.runCount} run${e.runCount === 1 ? '' : 's'}${e.lastRunAt ? ` · ${relativeTime(e.lastRunAt, ctx.now)}` : ''}${ctx.filtered ? ' (filtered)' : ''}`;
      }
      item.contextValue = 'experiment';
      return item;
    }
    case 'run': {
      const row = ctx.row;
      if (!row) return new vscode.TreeItem('(run no longer exists)');
      const item = new vscode.TreeItem(row.name, C.Collapsed);
      item.id = node.id;
      const icon = runRowIcon(row);
      item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
      item.description = runRowDescription(row, ctx.now, ctx.keyMetric || undefined);
      const tip = new vscode.MarkdownString(runTooltip(row, ctx.now));
      tip.isTrusted = false;
      tip.supportHtml = false;
      item.tooltip = tip;
      item.contextValue = runContextValue(row);
      item.accessibilityInformation = { label: runRowAccessibleLabel(row, item.description) };
      return item;
    }
    case 'group': {
      const g = GROUP_LABELS[node.group];
      const count = groupCount(node, ctx.store);
      const item = new vscode.TreeItem(g.label, count === 0 ? C.None : node.group === 'metrics' ? C.Expanded : C.Collapsed);
      item.id = node.id;
      item.description = String(count);
      item.iconPath = new vscode.ThemeIcon(g.icon);
      item.contextValue = `group ${node.group}`;
      return item;
    }
    case 'param': {
      const item = new vscode.TreeItem(node.key, C.None);
      item.description = node.value;
      item.tooltip = `${node.key} = ${node.value}`;
      item.contextValue = 'param';
      return item;
    }
    case 'metric': {
      const summary = ctx.store?.getMetricSummaries(node.runId).find((m) => m.key === node.key);
      const item = new vscode.TreeItem(node.key, C.None);
      item.id = node.id;
      if (summary) {
        const m = metricLabel(summary);
        item.description = m.description;
        item.tooltip = m.tooltip;
      }
      item.contextValue = 'metric';
      return item;
    }
    case 'artifact': {
      const item = new vscode.TreeItem(node.path, C.None);
      item.description = `${node.artifactKind} · ${bytes(node.size)}`;
      item.tooltip = `${node.path}\nsha256 ${node.sha256}\n${bytes(node.size)}`;
      item.iconPath = new vscode.ThemeIcon(node.artifactKind === 'model' ? 'symbol-class' : node.artifactKind === 'log' ? 'output' : 'file');
      item.contextValue = 'artifact';
      item.command = { command: 'runlens.artifact.open', title: 'Open Artifact', arguments: [node] };
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
      const item = new vscode.TreeItem(`Load more… (${node.remaining} more)`, C.None);
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: 'runlens.runs.loadMore', title: 'Load More', arguments: [node] };
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

function groupCount(node: Extract<RunsNode, { kind: 'group' }>, store: RunStore | undefined): number {
  if (!store) return 0;
  switch (node.group) {
    case 'children':
      return store.countRuns({ parentId: node.runId });
    case 'params':
      return Object.keys(store.getParams(node.runId)).length;
    case 'metrics':
      return store.getMetricSummaries(node.runId).length;
    case 'artifacts':
      return store.listArtifacts(node.runId).length;
    case 'inputs':
      return store.listInputs(node.runId).length;
  }
}

