/**
 * Nodes of the Datasets view and their labels. No vscode import: the text
 * rules are tested under plain Node; the provider turns them into TreeItems.
 */
import type { DatasetFileInfo, DatasetRunUse, DatasetVersionInfo } from '../../datasets/datasetCatalog';
import { relativeTime } from '../runPresentation';
import { plural } from '../../core/util/plural';

export type DatasetsNode =
  | { readonly kind: 'folder'; readonly id: string; readonly folderKey: string; readonly name: string }
  | { readonly kind: 'file'; readonly id: string; readonly folderKey: string; readonly file: DatasetFileInfo }
  | { readonly kind: 'version'; readonly id: string; readonly folderKey: string; readonly file: DatasetFileInfo; readonly version: DatasetVersionInfo }
  | { readonly kind: 'use'; readonly id: string; readonly folderKey: string; readonly use: DatasetRunUse };

export type VersionNode = Extract<DatasetsNode, { kind: 'version' }>;
export type FileNode = Extract<DatasetsNode, { kind: 'file' }>;

export function isVersionNode(n: unknown): n is VersionNode {
  return typeof n === 'object' && n !== null && (n as { kind?: unknown }).kind === 'version';
}

export function isFileNode(n: unknown): n is FileNode {
  return typeof n === 'object' && n !== null && (n as { kind?: unknown }).kind === 'file';
}

/** The ref text of a recorded version (`sha256:<hex>`), as `parseDatasetRef` reads it. */
export function versionRef(fingerprint: string): string {
  return fingerprint.startsWith('sha256:') ? fingerprint : `sha256:${fingerprint}`;
}

export function shortFingerprint(fingerprint: string): string {
  return fingerprint.replace(/^sha256:/, '').slice(0, 8);
}

/** "150×5" (rows × columns), or "" when the shape was not recorded. */
export function shapeText(rows: number | null, columns: number | null): string {
  if (rows === null && columns === null) return '';
  return `${rows ?? '?'}×${columns ?? '?'}`;
}

export interface NodeText {
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** For package.json `when` clauses (`viewItem`). */
  readonly contextValue: string;
}

export function fileText(file: DatasetFileInfo): NodeText {
  const state = file.state === 'changed' ? 'changed since last run' : file.state === 'missing' ? 'file missing' : file.state === 'query' ? 'query' : '';
  const versions = plural(file.versions.length, 'version');
  return {
    label: file.path,
    description: [state, versions].filter(Boolean).join(' · '),
    tooltip: [
      file.absPath,
      versions,
      file.state === 'changed' ? 'The file\'s current content matches no recorded version (it changed since the last run that read it).' : '',
      file.state === 'missing' ? 'The file no longer exists at this path.' : '',
      file.state === 'query' ? 'A database query: each version is a result a run kept as a snapshot.' : '',
    ].filter(Boolean).join('\n'),
    contextValue: `datasetFile ${file.state}`,
  };
}

export function versionText(file: DatasetFileInfo, v: DatasetVersionInfo, now: number): NodeText {
  const current = file.currentFingerprint !== undefined && file.currentFingerprint === v.fingerprint;
  const shape = shapeText(v.rows, v.columns);
  const sources: Readonly<Record<DatasetVersionInfo['source'], string>> = {
    'current-file': 'readable: it is the current file',
    snapshot: 'readable: a snapshot is kept in the store',
    git: 'readable: from git history',
    unavailable: 'not readable any more (no snapshot, not in git): it cannot be diffed',
  };
  return {
    label: shortFingerprint(v.fingerprint),
    description: [current ? 'current' : '', shape, relativeTime(v.createdAt, now)].filter(Boolean).join(' · '),
    tooltip: [
      `sha256:${v.fingerprint.replace(/^sha256:/, '')}`,
      shape ? `${v.rows ?? '?'} rows × ${v.columns ?? '?'} columns` : '',
      `first recorded ${new Date(v.createdAt).toISOString()}`,
      plural(v.runs.length, 'run'),
      sources[v.source],
    ].filter(Boolean).join('\n'),
    contextValue: `datasetVersion${current ? ' current' : ''}${v.source === 'unavailable' ? ' unavailable' : ''}`,
  };
}

export function useText(use: DatasetRunUse, now: number): NodeText {
  return {
    label: use.runName,
    description: `${use.role} · ${relativeTime(use.createdAt, now)}`,
    tooltip: `Run ${use.runName} (${use.runId}) read this version as ${use.role} data. Click to open the run.`,
    contextValue: 'datasetRun',
  };
}
