import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { artifactUri } from '../documents';
import { join } from 'node:path';
import type { Services } from '../services';
import type { RunsNode } from '../../views/runs/runsNodes';
import { QueryError } from '../../core/query/ast';
import type * as QueryModule from '../../core/query/parseFilter';

type Handler = (...args: unknown[]) => unknown;

function loadQuery(): typeof QueryModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../core/query/parseFilter') as typeof QueryModule;
}

/** The filter box's live error: the message with the column it points at. */
export function validateFilter(text: string): string | undefined {
  if (!text.trim()) return undefined;
  try {
    loadQuery().parseFilter(text);
    return undefined;
  } catch (e) {
    if (e instanceof QueryError) return e.message;
    return (e as Error).message;
  }
}

/** Commands of the Runs view title, the explorer and the palette that are not about one run. */
export function viewCommands(services: Services): Record<string, Handler> {
  return {
    'runlens.runs.refresh': async () => {
      services.stores.refresh();
      services.tree.reload();
      // tracking servers too, offline ones included
      await vscode.commands.executeCommand('runlens.server.retry');
    },
    'runlens.runs.filter': async () => {
      const text = await vscode.window.showInputBox({
        title: 'Filter Runs',
        value: services.viewState.filter,
        placeHolder: 'metrics.test_accuracy > 0.9 and params.model = "decision_tree"',
        prompt: 'MLflow search syntax plus or, not and parentheses. Empty clears the filter.',
        validateInput: validateFilter,
      });
      if (text === undefined) return;
      await services.viewState.update({ filter: text.trim() });
    },
    'runlens.runs.clearFilter': () => services.viewState.update({ filter: '', starredOnly: false }),
    'runlens.runs.toggleStarred': () => services.viewState.update({ starredOnly: !services.viewState.starredOnly }),
    'runlens.runs.sort': async () => {
      const keys = new Set<string>();
      for (const f of services.stores.folders) {
        for (const r of f.store?.listRuns({ limit: 500, sort: 'attributes.start_time DESC' }) ?? []) for (const k of Object.keys(r.metrics)) keys.add(k);
      }
      const items: (vscode.QuickPickItem & { sort: string })[] = [
        { label: '$(history) Newest first', sort: '' },
        { label: '$(history) Oldest first', sort: 'attributes.start_time ASC' },
        { label: '$(symbol-text) Name', sort: 'attributes.name ASC' },
        ...[...keys].sort().flatMap((k) => {
          const lowerIsBetter = /loss|mse|rmse|mae|error/.test(k);
          return [
            { label: `$(arrow-down) ${k}`, description: lowerIsBetter ? 'highest first' : 'highest first (best)', sort: `metrics.${k} DESC` },
            { label: `$(arrow-up) ${k}`, description: lowerIsBetter ? 'lowest first (best)' : 'lowest first', sort: `metrics.${k} ASC` },
          ];
        }),
      ];
      const picked = await vscode.window.showQuickPick(items, { title: 'Sort Runs', placeHolder: services.viewState.sort || 'newest first' });
      if (picked) await services.viewState.update({ sort: picked.sort });
    },
    'runlens.runs.loadMore': (node) => services.tree.loadMore(node as Extract<RunsNode, { kind: 'more' | 'remoteMore' }>),
    'runlens.logs.show': () => services.logger.show(),
    'runlens.store.open': async () => {
      const f = services.stores.folders.find((x) => x.store) ?? services.stores.folders[0];
      if (!f || !existsSync(f.dir)) {
        void vscode.window.showInformationMessage('RunLens: there is no store yet; it is created with the first run.');
        return;
      }
      const uri = vscode.Uri.file(f.dir);
      if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
      else await vscode.commands.executeCommand('revealFileInOS', uri);
    },
    'runlens.config.createExample': async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) {
        void vscode.window.showErrorMessage('RunLens: open a folder first; the example config and its data go into it.');
        return;
      }
      const examples = vscode.Uri.joinPath(services.extensionUri, 'examples');
      let name = 'iris.train.yaml';
      for (let i = 2; existsSync(join(folder.uri.fsPath, name)); i++) name = `iris-${i}.train.yaml`;
      const data = vscode.Uri.joinPath(folder.uri, 'data', 'iris.csv');
      if (!existsSync(data.fsPath)) {
        await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, 'data'));
        await vscode.workspace.fs.copy(vscode.Uri.joinPath(examples, 'data', 'iris.csv'), data);
      }
      const target = vscode.Uri.joinPath(folder.uri, name);
      await vscode.workspace.fs.writeFile(target, readFileSync(vscode.Uri.joinPath(examples, 'iris.train.yaml').fsPath));
      await vscode.window.showTextDocument(target);
    },
    'runlens.run.train': async () => {
      const glob = services.settings().configFiles;
      const files = await vscode.workspace.findFiles(glob, '**/{node_modules,.runlens}/**', 500);
      if (files.length === 0) {
        const choice = await vscode.window.showInformationMessage(`RunLens: no training config (${glob}) in this workspace.`, 'Create Example Config');
        if (choice) await vscode.commands.executeCommand('runlens.config.createExample');
        return;
      }
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      const items = files
        .map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri, picked: uri.toString() === active }))
        .sort((a, b) => Number(b.picked) - Number(a.picked) || a.label.localeCompare(b.label));
      const picked = await vscode.window.showQuickPick(items, { title: 'Train Config' });
      if (picked) await services.training.train(picked.uri);
    },
    'runlens.run.sweep': async () => {
      const glob = services.settings().configFiles;
      const files = await vscode.workspace.findFiles(glob, '**/{node_modules,.runlens}/**', 500);
      const withSweep = files.filter((uri) => /^sweep\s*:/m.test(readFileSync(uri.fsPath, 'utf8')) || /"sweep"\s*:/.test(readFileSync(uri.fsPath, 'utf8')));
      if (withSweep.length === 0) {
        void vscode.window.showInformationMessage('RunLens: no training config in this workspace has a `sweep:` section. Add one, e.g. sweep: { method: grid, params: { model.params.max_depth: [2, 4, 8] } }.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        withSweep.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri })),
        { title: 'Sweep Config' },
      );
      if (picked) await services.training.sweep(picked.uri);
    },
    'runlens.config.sweepFile': async (uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (target) await services.training.sweep(target);
      else await vscode.commands.executeCommand('runlens.run.sweep');
    },
    'runlens.config.trainFile': async (uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        await vscode.commands.executeCommand('runlens.run.train');
        return;
      }
      await services.training.train(target);
    },
    'runlens.artifact.open': async (node) => {
      const a = node as Extract<RunsNode, { kind: 'artifact' }>;
      const f = services.stores.findRun(a.runId);
      if (!f?.store) return;
      const text = /\.(json|txt|log|csv|md|ya?ml|py)$/i.test(a.path) || a.artifactKind === 'log';
      if (!text || a.size > 20 * 1024 * 1024) {
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(f.store.artifactPath(a.sha256)));
        return;
      }
      await vscode.window.showTextDocument(artifactUri(a.runId, a.path, a.sha256), { preview: true });
    },
    'runlens.artifact.reveal': async (node) => {
      const a = node as Extract<RunsNode, { kind: 'artifact' }>;
      const f = services.stores.findRun(a.runId);
      if (f?.store) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(f.store.artifactPath(a.sha256)));
    },
  };
}
