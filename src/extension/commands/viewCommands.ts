import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { artifactUri } from '../documents';
import type { Services } from '../services';
import type { RunsNode } from '../../views/runs/runsNodes';
import { QueryError } from '../../core/query/ast';
import type * as QueryModule from '../../core/query/parseFilter';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { RUNS_VIEW_COMMANDS, TEAM_SERVER_COMMANDS } from '../../views/commands/commandIds';


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
export function viewCommands(services: Services): CommandHandlers<typeof RUNS_VIEW_COMMANDS> {
  return {
    [RUNS_VIEW_COMMANDS.refresh]: async () => {
      services.stores.refresh();
      services.tree.reload();
      // tracking servers too, offline ones included
      await vscode.commands.executeCommand(TEAM_SERVER_COMMANDS.retry);
    },
    [RUNS_VIEW_COMMANDS.filter]: async () => {
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
    [RUNS_VIEW_COMMANDS.clearFilter]: () => services.viewState.update({ filter: '', starredOnly: false }),
    [RUNS_VIEW_COMMANDS.toggleStarred]: () => services.viewState.update({ starredOnly: !services.viewState.starredOnly }),
    [RUNS_VIEW_COMMANDS.sort]: async () => {
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
    [RUNS_VIEW_COMMANDS.loadMore]: (node) => services.tree.loadMore(node as Extract<RunsNode, { kind: 'more' | 'remoteMore' }>),
    [RUNS_VIEW_COMMANDS.showLogs]: () => services.logger.show(),
    [RUNS_VIEW_COMMANDS.storeOpen]: async () => {
      const f = services.stores.folders.find((x) => x.store) ?? services.stores.folders[0];
      if (!f || !existsSync(f.dir)) {
        void vscode.window.showInformationMessage('RunLens: there is no store yet; it is created with the first run.');
        return;
      }
      const uri = vscode.Uri.file(f.dir);
      if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
      else await vscode.commands.executeCommand('revealFileInOS', uri);
    },
    [RUNS_VIEW_COMMANDS.artifactOpen]: async (node) => {
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
    [RUNS_VIEW_COMMANDS.artifactReveal]: async (node) => {
      const a = node as Extract<RunsNode, { kind: 'artifact' }>;
      const f = services.stores.findRun(a.runId);
      if (f?.store) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(f.store.artifactPath(a.sha256)));
    },
  };
}
