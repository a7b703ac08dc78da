import * as vscode from 'vscode';
import { createWriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { RowChange } from '../../core/datasetDiff/diffFiles';
import type { ExportFormat } from '../../protocol/datasetDiff';
import { diffToMarkdown } from '../../views/datasetDiff/diffMarkdown';
import { writeDiffCsv } from '../../views/datasetDiff/diffCsv';
import { safeFileName } from '../compare/compareExport';
import type { DiffResult } from '../../views/datasetDiff/diffSession';

/** Changed rows listed in the Markdown summary (the CSV export has them all). */
export const MARKDOWN_ROWS = 50;

function baseName(label: string): string {
  return (label.split(/[\\/]/).pop() ?? label).replace(/\.(csv|tsv)$/i, '');
}

function defaultUri(fileName: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, fileName) : undefined;
}

/** The Markdown summary with the first changed rows (the page's first screen, in words). */
export async function diffMarkdown(result: DiffResult): Promise<string> {
  const changes: RowChange[] = (await result.fileDiff.page(0, MARKDOWN_ROWS)).rows;
  return diffToMarkdown(result.fileDiff.diff, { maxRows: MARKDOWN_ROWS, changes });
}

/**
 * Exports a finished diff: CSV (one row per changed cell, streamed to the
 * file the user picks) or Markdown (opened as an untitled document, or
 * saved where the user picks).
 */
export async function exportDiff(result: DiffResult, format: ExportFormat, destination: 'file' | 'untitled'): Promise<void> {
  const { a, b } = result.summary;
  const stem = safeFileName(`${baseName(a.label)}-vs-${baseName(b.label)}`, 'dataset-diff');
  if (format === 'markdown' && destination === 'untitled') {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: await diffMarkdown(result) });
    await vscode.window.showTextDocument(doc, { preview: false });
    return;
  }
  const ext = format === 'csv' ? 'csv' : 'md';
  const uri = await vscode.window.showSaveDialog({
    defaultUri: defaultUri(`${stem}.diff.${ext}`),
    filters: format === 'csv' ? { CSV: ['csv'] } : { Markdown: ['md'] },
    saveLabel: format === 'csv' ? 'Export Changed Cells' : 'Export Summary',
  });
  if (!uri) return;
  if (format === 'markdown') {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(await diffMarkdown(result), 'utf8'));
  } else if (uri.scheme === 'file') {
    const out = createWriteStream(uri.fsPath);
    await writeDiffCsv(result.fileDiff, out);
    out.end();
    await finished(out);
  } else {
    // Not a local file (a virtual file system): collect the text, then write it through VS Code.
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    await writeDiffCsv(result.fileDiff, sink);
    sink.end();
    await finished(sink);
    await vscode.workspace.fs.writeFile(uri, Buffer.concat(chunks));
  }
  const choice = await vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(uri)}`, 'Open');
  if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', uri);
}
