import * as vscode from 'vscode';
import type { RunLensApi } from '../../src/extension/extension';

export async function activate(): Promise<RunLensApi> {
  const ext = vscode.extensions.getExtension<RunLensApi>('runlens.runlens');
  if (!ext) throw new Error('RunLens extension not found');
  return ext.activate();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  return folder.uri;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
