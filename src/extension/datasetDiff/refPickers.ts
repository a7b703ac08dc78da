import * as vscode from 'vscode';
import { isAbsolute, relative } from 'node:path';
import type { DatasetFileInfo } from '../../datasets/datasetCatalog';
import { formatDatasetRef } from '../../datasets/datasetRef';
import { listGitRevisions } from '../../datasets/gitRevisions';
import { relativeTime } from '../../views/runPresentation';
import { shapeText, shortFingerprint, versionRef } from '../../views/datasets/datasetsNodes';

/** Where the pickers look: one workspace folder, its recorded data files. */
export interface PickerContext {
  readonly root: string;
  readonly files: () => Promise<DatasetFileInfo[]>;
}

type RefItem = vscode.QuickPickItem & { readonly ref?: string; readonly action?: 'git' };

/** Data files the pickers offer from the workspace (the reader handles `,` `;` and tab). */
const DATA_GLOB = '**/*.{csv,tsv}';
const EXCLUDE_GLOB = '{**/node_modules/**,**/.runlens/**,**/.git/**}';

/** A path relative to the folder (with `/`) when inside it, else absolute. */
export function workspacePath(root: string, fsPath: string): string {
  const rel = relative(root, fsPath);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : fsPath;
}

/** A file as a ref. */
export function fileRef(root: string, fsPath: string): string {
  return formatDatasetRef({ kind: 'file', path: workspacePath(root, fsPath) });
}

/**
 * Quick pick of one side of a diff: a workspace CSV file, a recorded
 * version, or "Git revision of a file…" (then a file, then a revision).
 * Resolves to the ref text, or undefined when the user cancels.
 */
export async function pickDatasetRef(ctx: PickerContext, title: string, exclude?: string): Promise<string | undefined> {
  const items = async (): Promise<RefItem[]> => {
    const [uris, recorded] = await Promise.all([vscode.workspace.findFiles(DATA_GLOB, EXCLUDE_GLOB, 2000), ctx.files().catch(() => [])]);
    const files: RefItem[] = uris
      .map((u) => fileRef(ctx.root, u.fsPath))
      .sort()
      .filter((ref) => ref !== exclude)
      .map((ref) => ({ label: `$(file) ${ref}`, description: 'current file', ref }));
    const now = Date.now();
    const versions: RefItem[] = recorded.flatMap((f) => f.versions
      .filter((v) => v.source !== 'unavailable' && versionRef(v.fingerprint) !== exclude)
      .map((v) => ({
        label: `$(versions) ${f.path} @ ${shortFingerprint(v.fingerprint)}`,
        description: [shapeText(v.rows, v.columns), relativeTime(v.createdAt, now), v.runs[0] ? `used by ${v.runs[0].runName}${v.runs.length > 1 ? ` +${v.runs.length - 1}` : ''}` : '']
          .filter(Boolean).join(' · '),
        ref: versionRef(v.fingerprint),
      })));
    return [
      { label: 'Files', kind: vscode.QuickPickItemKind.Separator },
      ...files,
      ...(versions.length ? [{ label: 'Recorded versions', kind: vscode.QuickPickItemKind.Separator }, ...versions] : []),
      { label: 'Git', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(git-commit) Git revision of a file…', action: 'git' },
    ];
  };
  const picked = await vscode.window.showQuickPick(items(), { title, placeHolder: 'A data file, a recorded version, or a git revision', matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.action === 'git') {
    const paths = (await vscode.workspace.findFiles(DATA_GLOB, EXCLUDE_GLOB, 2000)).map((u) => workspacePath(ctx.root, u.fsPath)).sort();
    const file = await vscode.window.showQuickPick(paths.map((path): vscode.QuickPickItem => ({ label: path })), {
      title: `${title}: file`,
      placeHolder: 'The file whose history to pick from',
    });
    return file ? pickGitRevision(ctx.root, file.label, title) : undefined;
  }
  return picked.ref;
}

/** Quick pick of a git revision of one file; resolves to `path@rev`. */
export async function pickGitRevision(root: string, path: string, title: string): Promise<string | undefined> {
  const revisions = await listGitRevisions(root, path, 200);
  if (revisions.length === 0) {
    void vscode.window.showInformationMessage(`RunLens: ${path} has no git history (not in a git repository, or never committed).`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    revisions.map((r) => ({ label: `$(git-commit) ${r.shortRev}`, description: r.subject, detail: new Date(r.date).toLocaleString(), rev: r.rev })),
    { title: `${title}: revision of ${path}`, placeHolder: 'The committed version to compare', matchOnDescription: true },
  );
  return picked ? formatDatasetRef({ kind: 'git', path, rev: picked.rev }) : undefined;
}

/**
 * Multi-select quick pick of key columns. Resolves to the chosen columns
 * (none: compare whole rows), or undefined when the user cancels.
 */
export async function pickKeyColumns(columns: readonly string[], current: readonly string[] = []): Promise<string[] | undefined> {
  const items = columns.map((c) => ({ label: c, picked: current.includes(c) }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Key columns (optional)',
    placeHolder: 'Pick the columns that identify a row, or none to compare whole rows; Enter to go on',
    canPickMany: true,
  });
  return picked?.map((p) => p.label);
}
