import * as vscode from 'vscode';
import { isAbsolute } from 'node:path';
import type { DatasetRef } from '../../datasets/datasetRef';
import { formatDatasetRef, parseDatasetRef } from '../../datasets/datasetRef';
import { materializeDataset } from '../../datasets/materialize';
import type { FolderStore, WorkspaceStores } from '../store/workspaceStores';
import type { DiffRequest } from '../datasetDiff/datasetDiffPanel';
import { readCsvHeader } from '../../views/datasetDiff/csvHeader';
import type { DiffContext } from '../../views/datasetDiff/diffSession';
import { fileRef, pickDatasetRef, pickGitRevision, pickKeyColumns, workspacePath } from '../datasetDiff/refPickers';
import type { PickerContext } from '../datasetDiff/refPickers';
import type { DatasetsNode } from '../../views/datasets/datasetsNodes';
import { isFileNode, isVersionNode, versionRef } from '../../views/datasets/datasetsNodes';
import type { DatasetsTreeProvider } from './datasetsTreeProvider';
import type { CommandHandlers } from '../../views/commands/commandIds';
import { DATASETS_COMMANDS } from '../../views/commands/commandIds';


export interface DatasetsCommandDeps {
  readonly stores: WorkspaceStores;
  readonly tree: DatasetsTreeProvider;
  readonly treeView: vscode.TreeView<DatasetsNode>;
  readonly openDiff: (request: DiffRequest) => void;
  readonly showRun: (runId: string) => Promise<void>;
}

/** The folder a ref belongs to: the folder holding an absolute file path, else the first one. */
function folderFor(stores: WorkspaceStores, ref?: string): FolderStore | undefined {
  if (ref) {
    try {
      const parsed = parseDatasetRef(ref);
      if ((parsed.kind === 'file' || parsed.kind === 'git') && isAbsolute(parsed.path)) return stores.forUri(vscode.Uri.file(parsed.path)) ?? stores.forUri();
    } catch {
      // a bad ref fails with its own message when the diff runs
    }
  }
  return stores.forUri();
}

/** Where a diff runs: the folder's path and its store (opened read-only in an untrusted workspace, never created). */
export function diffContextFor(stores: WorkspaceStores, request: Pick<DiffRequest, 'refA' | 'refB'>): DiffContext | undefined {
  const folder = folderFor(stores, request.refA) ?? folderFor(stores, request.refB);
  if (!folder) return undefined;
  return { root: folder.folder.uri.fsPath, store: folder.store ?? stores.open(folder.folder, false) };
}

/** The header of a ref's data (materialized for a version or a git revision). */
export async function columnsOf(ref: string, ctx: DiffContext): Promise<string[]> {
  const m = await materializeDataset(parseDatasetRef(ref), ctx);
  try {
    return readCsvHeader(m.file, m.label);
  } finally {
    m.dispose();
  }
}

/** A ref given to a command: ref text, a DatasetRef, or a file Uri. */
function refArg(arg: unknown, root: string): string | undefined {
  if (typeof arg === 'string' && arg.trim()) return arg.trim();
  if (arg instanceof vscode.Uri) return fileRef(root, arg.fsPath);
  if (typeof arg === 'object' && arg !== null && typeof (arg as { kind?: unknown }).kind === 'string') return formatDatasetRef(arg as DatasetRef);
  return undefined;
}

function keyArg(arg: unknown): string[] | undefined {
  if (typeof arg === 'string') return arg.split(',').map((k) => k.trim()).filter(Boolean);
  if (Array.isArray(arg)) return arg.filter((k): k is string => typeof k === 'string' && k.length > 0);
  return undefined;
}

/** Commands of the Datasets view, the explorer's "Compare with…" and the palette's "Diff Datasets…". */
export function datasetsCommands(deps: DatasetsCommandDeps): CommandHandlers<typeof DATASETS_COMMANDS> {
  const pickerContext = (): PickerContext | undefined => {
    const folder = deps.stores.forUri();
    return folder && { root: folder.folder.uri.fsPath, files: () => deps.tree.files(folder) };
  };
  const requireFolder = (): PickerContext | undefined => {
    const ctx = pickerContext();
    if (!ctx) void vscode.window.showInformationMessage('RunLens: open a folder to diff datasets.');
    return ctx;
  };
  /** Asks for the key columns of A (cancel: no diff), then opens the panel. */
  const finish = async (refA: string, refB: string, key?: string[]): Promise<void> => {
    if (key === undefined) {
      const ctx = diffContextFor(deps.stores, { refA, refB });
      if (!ctx) return;
      const columns = await columnsOf(refA, ctx);
      const picked = await pickKeyColumns(columns);
      if (picked === undefined) return;
      key = picked;
    }
    deps.openDiff({ refA, refB, key });
  };
  /** The selected versions, oldest first (the selection is in click order). */
  const selectedVersions = (node: unknown, nodes: unknown): string[] => {
    const list = Array.isArray(nodes) && nodes.length > 0 ? nodes : node ? [node] : deps.treeView.selection;
    return (list as unknown[]).filter(isVersionNode)
      .sort((x, y) => x.version.createdAt - y.version.createdAt)
      .map((n) => versionRef(n.version.fingerprint));
  };

  return {
    [DATASETS_COMMANDS.refresh]: () => deps.tree.refresh(),
    /** From a run row's click (its id) or its context menu (the node). */
    [DATASETS_COMMANDS.openRun]: async (arg) => {
      const n = arg as DatasetsNode | undefined;
      const runId = typeof arg === 'string' ? arg : n?.kind === 'use' ? n.use.runId : undefined;
      if (runId) await deps.showRun(runId);
    },
    /** Palette, or programmatic: (refA, refB, key?) with refs as text, DatasetRef or Uri and key as array or "a,b". */
    [DATASETS_COMMANDS.diff]: async (a, b, key) => {
      const ctx = requireFolder();
      if (!ctx) return;
      const givenA = refArg(a, ctx.root);
      const givenB = refArg(b, ctx.root);
      if (givenA && givenB) {
        deps.openDiff({ refA: givenA, refB: givenB, key: keyArg(key) ?? [] });
        return;
      }
      const refA = givenA ?? (await pickDatasetRef(ctx, 'Diff Datasets (1/3): A, the old version'));
      if (!refA) return;
      const refB = givenB ?? (await pickDatasetRef(ctx, `Diff Datasets (2/3): B, compared with ${refA}`, refA));
      if (!refB) return;
      await finish(refA, refB, keyArg(key));
    },
    [DATASETS_COMMANDS.compareWith]: async (uri) => {
      const ctx = requireFolder();
      const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!ctx || !target) return;
      const refA = fileRef(ctx.root, target.fsPath);
      const refB = await pickDatasetRef(ctx, `Compare ${refA} with…`, refA);
      if (refB) await finish(refA, refB);
    },
    [DATASETS_COMMANDS.diffSelected]: async (node, nodes) => {
      const refs = selectedVersions(node, nodes);
      if (refs.length !== 2) {
        void vscode.window.showInformationMessage('RunLens: select exactly two versions (Ctrl/Cmd-click) to diff them.');
        return;
      }
      await finish(refs[0], refs[1]); // A: the older version, B: the newer
    },
    [DATASETS_COMMANDS.diffWithCurrent]: async (node) => {
      const n = isVersionNode(node) ? node : deps.treeView.selection.find(isVersionNode);
      if (!n) return;
      // A query's "current" is the query run now (its name parses as a query ref).
      await finish(versionRef(n.version.fingerprint), n.file.state === 'query' ? n.file.path : formatDatasetRef({ kind: 'file', path: n.file.path }));
    },
    [DATASETS_COMMANDS.diffWithGitRevision]: async (node) => {
      const ctx = requireFolder();
      if (!ctx) return;
      const path = isFileNode(node) ? node.file.path : node instanceof vscode.Uri ? workspacePath(ctx.root, node.fsPath) : undefined;
      if (!path) return;
      const refA = await pickGitRevision(ctx.root, path, `Diff ${path} with a git revision`);
      if (refA) await finish(refA, formatDatasetRef({ kind: 'file', path }));
    },
  };
}
