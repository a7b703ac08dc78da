import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Services } from '../services';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { TRAINING_COMMANDS } from '../../views/commands/commandIds';

/** Train and sweep a config: from the palette (a picker), the CodeLens and the editor title; and the example config. */
export function trainingCommands(services: Services): CommandHandlers<typeof TRAINING_COMMANDS> {
  // A config whose own `compute:` names a cluster profile is submitted there, as `runlens train CONFIG` does.
  const train = async (uri: vscode.Uri): Promise<void> => {
    if (!(await services.clusterJobs.submitIfClusterConfig(uri))) await services.training.train(uri);
  };
  const sweep = async (uri: vscode.Uri): Promise<void> => {
    if (!(await services.clusterJobs.submitIfClusterConfig(uri))) await services.training.sweep(uri);
  };
  return {
    [TRAINING_COMMANDS.createExample]: async () => {
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
    [TRAINING_COMMANDS.train]: async () => {
      const glob = services.settings().configFiles;
      const files = await vscode.workspace.findFiles(glob, '**/{node_modules,.runlens}/**', 500);
      if (files.length === 0) {
        const choice = await vscode.window.showInformationMessage(`RunLens: no training config (${glob}) in this workspace.`, 'Create Example Config');
        if (choice) await vscode.commands.executeCommand(TRAINING_COMMANDS.createExample);
        return;
      }
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      const items = files
        .map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri, picked: uri.toString() === active }))
        .sort((a, b) => Number(b.picked) - Number(a.picked) || a.label.localeCompare(b.label));
      const picked = await vscode.window.showQuickPick(items, { title: 'Train Config' });
      if (picked) await train(picked.uri);
    },
    [TRAINING_COMMANDS.sweep]: async () => {
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
      if (picked) await sweep(picked.uri);
    },
    [TRAINING_COMMANDS.sweepFile]: async (uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (target) await sweep(target);
      else await vscode.commands.executeCommand(TRAINING_COMMANDS.sweep);
    },
    [TRAINING_COMMANDS.trainFile]: async (uri) => {
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target) {
        await vscode.commands.executeCommand(TRAINING_COMMANDS.train);
        return;
      }
      await train(target);
    },
  };
}
