import * as vscode from 'vscode';

/**
 * The workspace folder a training or a submission of `configUri` writes its
 * runs to, or undefined after telling the user why not: in an untrusted
 * workspace (`refusal` says what would have run, with a button to manage
 * trust), or without any workspace folder to keep the store in.
 */
export function trustedFolderFor(configUri: vscode.Uri, trusted: boolean, refusal: string): vscode.WorkspaceFolder | undefined {
  if (!trusted) {
    void vscode.window.showWarningMessage(refusal, 'Manage Workspace Trust').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return undefined;
  }
  const folder = vscode.workspace.getWorkspaceFolder(configUri) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) void vscode.window.showErrorMessage('RunLens needs a workspace folder to keep its store in. Open a folder first.');
  return folder;
}
