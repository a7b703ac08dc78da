import path from 'node:path';
import type { DatasetUse } from '../store/datasetRepo';
import type { RunStore } from '../store/runStore';
import type { DatasetRecord, InputRole } from '../store/types';
import { DatasetError } from './datasetError';
import { MIN_PREFIX } from './datasetRef';
import { currentFileHash } from './fileHash';
import type { GitBlob } from './gitRevisions';
import { findGitBlob, gitBlobSha256 } from './gitRevisions';
import { isQueryDatasetName } from './sql/sqlSource';

/** A run that read a dataset version. */
export interface DatasetRunUse {
  readonly runId: string;
  readonly runName: string;
  readonly role: InputRole;
  readonly createdAt: number;
}

/** One recorded content of a data file. */
export interface DatasetVersionInfo {
  readonly fingerprint: string;
  readonly path: string;
  readonly rows: number | null;
  readonly columns: number | null;
  /** When this content was first recorded. */
  readonly createdAt: number;
  /** Newest first. */
  readonly runs: DatasetRunUse[];
  /** Where its bytes can still be read from for a diff. */
  readonly source: 'current-file' | 'snapshot' | 'git' | 'unavailable';
}

/** A data file some run read, with its recorded versions. */
export interface DatasetFileInfo {
  /** As recorded (workspace-relative when inside the workspace). */
  readonly path: string;
  readonly absPath: string;
  /** Newest first (by the latest run that used each). */
  readonly versions: DatasetVersionInfo[];
  /**
   * 'changed': the file's current content matches no recorded version.
   * 'query': not a file but a query (`<url> :: <query>`), whose versions are
   * the results runs kept as snapshots; it is not run to compare.
   */
  readonly state: 'unchanged' | 'changed' | 'missing' | 'query';
  readonly currentFingerprint?: string;
}

/** Commits of runs tried per version when looking for its bytes in git. */
const MAX_COMMITS_TRIED = 5;

/**
 * A recorded path made absolute. Runs record paths relative to the folder
 * that holds the store (the workspace), absolute outside it; `root` is that folder.
 */
export function datasetAbsPath(root: string, recorded: string): string {
  return path.isAbsolute(recorded) ? recorded : path.resolve(root, recorded);
}

/**
 * Every data file runs have read, sorted by path, each with its versions
 * (newest first, with the runs that used them) and whether the file on disk
 * still matches one of them. Hashes of current files are cached by size and
 * mtime (see fileHash.ts), so calling this on every view refresh is cheap.
 */
export async function listDatasetFiles(store: RunStore, root: string): Promise<DatasetFileInfo[]> {
  const uses = store.datasets.listDatasetUses();
  const records = new Map(store.datasets.listDatasets().map((d) => [d.fingerprint, d]));
  const byPath = new Map<string, Map<string, DatasetUse[]>>();
  const add = (p: string, fingerprint: string, use?: DatasetUse) => {
    let versions = byPath.get(p);
    if (!versions) byPath.set(p, (versions = new Map()));
    let list = versions.get(fingerprint);
    if (!list) versions.set(fingerprint, (list = []));
    if (use) list.push(use);
  };
  for (const u of uses) add(u.path, u.fingerprint, u);
  const used = new Set(uses.map((u) => u.fingerprint));
  // A version no run uses any more (its runs were deleted; gc drops it) still shows under its last path.
  for (const d of records.values()) if (!used.has(d.fingerprint)) add(d.path, d.fingerprint);

  const files = await Promise.all(
    [...byPath].map(async ([recorded, versions]): Promise<DatasetFileInfo> => {
      if (isQueryDatasetName(recorded)) return queryInfo(store, recorded, versions, records);
      const absPath = datasetAbsPath(root, recorded);
      const current = await currentFileHash(absPath);
      const infos = await Promise.all(
        [...versions].map(async ([fingerprint, runUses]) => {
          const record = records.get(fingerprint);
          const source = await versionSource(store, fingerprint, [absPath], runUses, current);
          const lastUsed = runUses[0]?.runCreatedAt ?? record?.createdAt ?? 0;
          return { lastUsed, info: versionInfo(recorded, fingerprint, record, runUses, source) };
        }),
      );
      infos.sort((a, b) => b.lastUsed - a.lastUsed || b.info.createdAt - a.info.createdAt);
      const state = current === undefined ? 'missing' : versions.has(current) ? 'unchanged' : 'changed';
      return { path: recorded, absPath, versions: infos.map((x) => x.info), state, ...(current ? { currentFingerprint: current } : {}) };
    }),
  );
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A query's versions: each readable from its snapshot only. */
function queryInfo(store: RunStore, name: string, versions: ReadonlyMap<string, DatasetUse[]>, records: ReadonlyMap<string, DatasetRecord>): DatasetFileInfo {
  const infos = [...versions].map(([fingerprint, runUses]) => {
    const record = records.get(fingerprint);
    const source = store.datasets.datasetSnapshotPath(fingerprint) ? 'snapshot' as const : 'unavailable' as const;
    return { lastUsed: runUses[0]?.runCreatedAt ?? record?.createdAt ?? 0, info: versionInfo(name, fingerprint, record, runUses, source) };
  });
  infos.sort((a, b) => b.lastUsed - a.lastUsed || b.info.createdAt - a.info.createdAt);
  return { path: name, absPath: name, versions: infos.map((x) => x.info), state: 'query' };
}

function versionInfo(
  recorded: string, fingerprint: string, record: DatasetRecord | undefined, uses: readonly DatasetUse[], source: DatasetVersionInfo['source'],
): DatasetVersionInfo {
  return {
    fingerprint,
    path: recorded,
    rows: record?.rows ?? null,
    columns: record?.columns ?? null,
    createdAt: record?.createdAt ?? uses[uses.length - 1]?.runCreatedAt ?? 0,
    runs: uses.map((u) => ({ runId: u.runId, runName: u.runName, role: u.role, createdAt: u.runCreatedAt })),
    source,
  };
}

/** Where a version's bytes are: the current file, the snapshot blob, a run's git commit, or nowhere. */
async function versionSource(
  store: RunStore, fingerprint: string, absPaths: readonly string[], uses: readonly DatasetUse[], currentOfFirst?: string,
): Promise<DatasetVersionInfo['source']> {
  if (currentOfFirst === fingerprint) return 'current-file';
  if (store.datasets.datasetSnapshotPath(fingerprint)) return 'snapshot';
  return (await findVersionInGit(fingerprint, absPaths, uses)) ? 'git' : 'unavailable';
}

/**
 * The git blob holding exactly this version's bytes, searched in the commits
 * of the runs that used it (newest first; the blob's sha256 must match the
 * fingerprint, since a run may have read an uncommitted edit).
 */
export async function findVersionInGit(fingerprint: string, absPaths: readonly string[], uses: readonly DatasetUse[]): Promise<GitBlob | undefined> {
  const commits = [...new Set(uses.map((u) => u.gitCommit).filter((c): c is string => Boolean(c)))].slice(0, MAX_COMMITS_TRIED);
  for (const commit of commits) {
    for (const abs of absPaths) {
      const blob = await cachedGitBlob(abs, commit);
      if (blob && (await gitBlobSha256(blob)) === fingerprint) return blob;
    }
  }
  return undefined;
}

/** (file, full commit) → blob never changes, so lookups are remembered for the process. */
const gitBlobCache = new Map<string, Promise<GitBlob | undefined>>();

function cachedGitBlob(abs: string, commit: string): Promise<GitBlob | undefined> {
  const key = `${abs}\0${commit}`;
  let hit = gitBlobCache.get(key);
  if (!hit) {
    hit = findGitBlob(abs, commit);
    gitBlobCache.set(key, hit);
    hit.catch(() => gitBlobCache.delete(key));
  }
  return hit;
}

/**
 * The recorded version a fingerprint or unique prefix names. Errors say
 * which: nothing matches (and how to list versions), or several do (with
 * their paths, so the user can lengthen the prefix).
 */
export function resolveDatasetVersion(store: RunStore, fingerprint: string): DatasetRecord {
  const fp = fingerprint.toLowerCase();
  if (fp.length < MIN_PREFIX) throw new DatasetError(`"${fingerprint}" is too short a fingerprint prefix (give at least ${MIN_PREFIX} hex digits)`);
  const exact = store.datasets.getDataset(fp);
  if (exact) return exact;
  const matches = store.datasets.findDatasetsByPrefix(fp, 6);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new DatasetError(`no recorded dataset version matches "${fingerprint}" (run \`runlens datasets\` to list the versions)`);
  }
  const listed = matches.slice(0, 5).map((m) => `${m.fingerprint.slice(0, 12)} ${m.path}`).join(', ');
  throw new DatasetError(`"${fingerprint}" matches several dataset versions (${listed}${matches.length > 5 ? ', …' : ''}); give more digits`);
}
