import * as vscode from 'vscode';
import type { TableFormat } from '../../protocol/compare';

const PNG_PREFIX = 'data:image/png;base64,';
/** A chart canvas at 4K is a few MB; anything far larger is not a chart. */
const MAX_PNG_BYTES = 32 * 1024 * 1024;

/** A file name made from data (a metric key): no path separators or odd characters. */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = name.replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 100);
  return cleaned || fallback;
}

function defaultUri(fileName: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, fileName) : undefined;
}

async function offerToOpen(uri: vscode.Uri): Promise<void> {
  const choice = await vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(uri)}`, 'Open');
  if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', uri);
}

/** Saves a chart the page rendered (a PNG data URL) where the user chooses. */
export async function saveChartImage(name: string, dataUrl: string): Promise<vscode.Uri | undefined> {
  if (!dataUrl.startsWith(PNG_PREFIX)) throw new Error('the page sent an image that is not a PNG data URL');
  const bytes = Buffer.from(dataUrl.slice(PNG_PREFIX.length), 'base64');
  if (bytes.length === 0 || bytes.length > MAX_PNG_BYTES) throw new Error(`the chart image has an unexpected size (${bytes.length} bytes)`);
  const uri = await vscode.window.showSaveDialog({
    defaultUri: defaultUri(`${safeFileName(name, 'chart')}.png`),
    filters: { 'PNG image': ['png'] },
    saveLabel: 'Save Chart',
  });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, bytes);
  void offerToOpen(uri);
  return uri;
}

/** Writes the table text to a file the user picks, or to the clipboard. */
export async function exportTableText(text: string, format: TableFormat, destination: 'file' | 'clipboard'): Promise<void> {
  const label = format === 'csv' ? 'CSV' : 'Markdown';
  if (destination === 'clipboard') {
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(`Comparison table copied as ${label}.`);
    return;
  }
  const ext = format === 'csv' ? 'csv' : 'md';
  const uri = await vscode.window.showSaveDialog({
    defaultUri: defaultUri(`run-comparison.${ext}`),
    filters: { [label]: [ext] },
    saveLabel: 'Export Table',
  });
  if (!uri) return;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  void offerToOpen(uri);
}
