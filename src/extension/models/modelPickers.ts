import * as vscode from 'vscode';
import { validateModelName } from '../../core/registry/modelNames';
import type { RunStore } from '../../store/runStore';
import type { WorkspaceStores } from '../store/workspaceStores';
import type { VersionNode } from './modelsTreeProvider';

/**
 * The model name to register under: an existing model (its next version) or
 * a new name typed into the same box, checked as the store checks it.
 */
export function pickModelName(store: RunStore, runName: string): Promise<string | undefined> {
  const models = store.registry.listModels();
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { name?: string }>();
  qp.title = `Register ${runName}: model name`;
  qp.placeholder = models.length ? 'Choose a model (adds a version) or type a new name' : 'Type a name for the new model, e.g. churn-model';
  const existing = models.map((m) => ({
    label: m.name,
    description: `${m.latestVersion !== null ? `next: v${m.latestVersion + 1}` : 'no versions'}${Object.keys(m.aliases).length ? ` · @${Object.keys(m.aliases).sort().join(' @')}` : ''}`,
    name: m.name,
  }));
  const update = (): void => {
    const typed = qp.value.trim();
    if (!typed || models.some((m) => m.name === typed)) {
      qp.items = existing;
      return;
    }
    let problem: string | undefined;
    try {
      validateModelName(typed);
    } catch (e) {
      problem = (e as Error).message;
    }
    // QuickPick has no validation message in the stable API: the problem shows as an item that accepts nothing.
    const first = problem ? { label: `$(error) ${problem}`, alwaysShow: true } : { label: `$(add) ${typed}`, description: 'new model, v1', name: typed, alwaysShow: true };
    qp.items = [first, ...existing];
  };
  update();
  return new Promise((resolve) => {
    qp.onDidChangeValue(update);
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0]?.name;
      if (picked) {
        resolve(picked);
        qp.hide();
      }
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

/** A version of any model of any folder, for palette commands without a tree node. */
export async function pickVersion(stores: WorkspaceStores, title: string): Promise<VersionNode | undefined> {
  const items: (vscode.QuickPickItem & { node?: VersionNode })[] = [];
  for (const f of stores.folders) {
    if (!f.store) continue;
    const folderKey = f.folder.uri.toString();
    for (const m of f.store.registry.listModels()) {
      for (const v of f.store.registry.listModelVersions(m.name)) {
        items.push({
          label: `${v.name} v${v.version}`,
          description: [v.aliases.map((a) => `@${a}`).join(' '), `run ${v.runName}`].filter(Boolean).join(' · '),
          detail: stores.folders.length > 1 ? f.folder.name : undefined,
          node: { kind: 'version', id: `${folderKey}|v|${v.name}|${v.version}`, folderKey, name: v.name, version: v.version },
        });
      }
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('RunLens: no registered model yet. Register one from a run (right-click a run in the Runs view → Register Model…).');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true }))?.node;
}
