import * as vscode from 'vscode';
import type { RunRow } from '../../store/types';
import type { Services } from '../services';
import { STATUS_ICONS, runDescription } from '../../views/runPresentation';
import { isRemoteRunNode, isRunNode, type RunsNode } from '../../views/runs/runsNodes';
import { remoteRunKey } from '../../views/teamServers/runKey';

export interface PickedRun {
  readonly runId: string;
  readonly row: RunRow;
}

/** Recent runs of every store, newest first, as quick pick items with search over name, experiment and model. */
export async function pickRuns(services: Services, options: { title: string; many: boolean; filter?: string }): Promise<PickedRun[] | undefined> {
  const items: (vscode.QuickPickItem & { run?: RunRow })[] = [];
  const now = Date.now();
  for (const f of services.stores.folders) {
    if (!f.store) continue;
    const rows = f.store.listRuns({ sort: 'attributes.start_time DESC', limit: 1000, filter: options.filter });
    if (services.stores.folders.length > 1 && rows.length > 0) items.push({ label: f.folder.name, kind: vscode.QuickPickItemKind.Separator });
    for (const r of rows) {
      items.push({
        label: `$(${STATUS_ICONS[r.status].icon.replace('~spin', '')}) ${r.name}`,
        description: `${r.experiment} · ${runDescription(r, now, services.settings().keyMetric || undefined)}`,
        detail: r.params.model ? `model ${r.params.model}${r.parentId ? ' · child run' : ''}` : undefined,
        run: r,
      });
    }
  }
  if (!items.some((i) => i.run)) {
    void vscode.window.showInformationMessage('RunLens: no runs yet. Train a config first.');
    return undefined;
  }
  const picked = options.many
    ? await vscode.window.showQuickPick(items, { title: options.title, canPickMany: true, matchOnDescription: true, matchOnDetail: true })
    : await vscode.window.showQuickPick(items, { title: options.title, matchOnDescription: true, matchOnDetail: true }).then((p) => (p ? [p] : undefined));
  return picked?.filter((p) => p.run).map((p) => ({ runId: p.run!.id, row: p.run! }));
}

/**
 * The runs a context-menu command acts on: the clicked node plus the tree's
 * multi-selection, a run id passed by another command, or the selection.
 */
export function runIdsFromArgs(services: Services, arg: unknown, selected?: unknown): string[] {
  if (typeof arg === 'string') return [arg];
  const nodes = Array.isArray(selected) && selected.length > 0 ? selected : arg ? [arg] : services.treeView.selection;
  return (nodes as RunsNode[]).filter(isRunNode).map((n) => n.runId);
}

/**
 * Like {@link runIdsFromArgs}, with runs of tracking servers too: a local
 * run by its id, a server's run by its key (`mlflow:<id>@<server>`), as the
 * compare panel names them.
 */
export function runKeysFromArgs(services: Services, arg: unknown, selected?: unknown): string[] {
  if (typeof arg === 'string') return [arg];
  const nodes = (Array.isArray(selected) && selected.length > 0 ? selected : arg ? [arg] : services.treeView.selection) as RunsNode[];
  return nodes.flatMap((n) => (isRunNode(n) ? [n.runId] : isRemoteRunNode(n) ? [remoteRunKey(n.server, n.runId)] : []));
}
