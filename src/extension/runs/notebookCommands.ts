import * as vscode from 'vscode';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Services } from '../services';
import { pickRuns, runIdsFromArgs } from '../commands/runPicker';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { NOTEBOOK_COMMANDS } from '../../views/commands/commandIds';
import { locateNotebook, notebookSnapshotPath, runNotebook } from '../../views/runs/notebookRuns';

/** "Open Notebook" on a run the Python helper logged from a Jupyter notebook (tag runlens.notebook). */
export function notebookCommands(services: Services): CommandHandlers<typeof NOTEBOOK_COMMANDS> {
  return {
    [NOTEBOOK_COMMANDS.openNotebook]: async (arg, selected) => {
      const id = runIdsFromArgs(services, arg, selected)[0]
        ?? (await pickRuns(services, { title: 'Open Notebook of Run', many: false }))?.[0]?.runId;
      if (!id) return;
      const store = services.stores.findRun(id)?.store;
      const recorded = store ? runNotebook({ tags: store.getTags(id) }) : undefined;
      if (!store || !recorded) {
        void vscode.window.showInformationMessage('RunLens: this run was not logged from a notebook.');
        return;
      }
      const folders = services.stores.folders.map((f) => f.folder.uri.fsPath);
      const found = locateNotebook(recorded, folders, existsSync);
      if (found) {
        // vscode.open picks the notebook editor for .ipynb (VS Code's built-in ipynb support, or Jupyter's).
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(found));
        return;
      }
      const snapshot = store.listArtifacts(id).find((a) => a.path === notebookSnapshotPath(recorded));
      if (!snapshot) {
        void vscode.window.showWarningMessage(`RunLens: the notebook ${recorded} no longer exists, and the run holds no snapshot of it (its kernel stopped before the run ended).`);
        return;
      }
      // A copy named like the notebook, so it opens in the notebook editor; the run's blob stays untouched.
      const copy = join(mkdtempSync(join(tmpdir(), `runlens-notebook-${id.slice(0, 8)}-`)), basename(snapshot.path));
      copyFileSync(store.artifactPath(snapshot.sha256), copy);
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(copy));
      void vscode.window.showWarningMessage(`RunLens: the notebook ${recorded} no longer exists; this is a copy of the snapshot stored with the run when it ended.`);
    },
  };
}
