import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunStore } from '../store/runStore';
import { datasetAbsPath, findVersionInGit, resolveDatasetVersion } from './datasetCatalog';
import { DatasetError } from './datasetError';
import type { DatasetRef } from './datasetRef';
import { currentFileHash } from './fileHash';
import type { GitBlob } from './gitRevisions';
import { resolveGitBlob, writeGitBlob } from './gitRevisions';
import { DEFAULT_SNAPSHOT_MB, SNAPSHOT_ENV_VAR } from './snapshot';
import type { DataFormat } from '../core/data/dataFile';
import { dataFormatOf, sniffDataFormat } from '../core/data/dataFile';
import { isQueryDatasetName, queryDatasetName } from './sql/sqlSource';
import { runQuery } from './sql/runQuery';
import { writeQuerySnapshot } from './sql/querySnapshot';

/** A dataset ref as a readable file. `dispose` removes it when it is a temporary copy. */
export interface MaterializedDataset {
  readonly file: string;
  /** How the diff names it: the path, `path@rev`, or `path (version 1a2b3c4d5e6f)`. */
  readonly label: string;
  /** sha256 of the content when known without reading the file again (versions, git revisions). */
  readonly fingerprint?: string;
  /** How the file is read (a snapshot blob's name does not say); CSV when absent. */
  readonly format?: DataFormat;
  dispose(): void;
}

export interface MaterializeContext {
  /** Needed for versions. */
  readonly store?: RunStore;
  /** The workspace: relative paths in refs and in the store resolve against it. */
  readonly root: string;
  /** Where git revisions are written; default os.tmpdir(). */
  readonly tempDir?: string;
  /** For a live query: `${VAR}`s and stored passwords; default this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
}

const noop = (): void => undefined;

/**
 * Makes a ref readable as a file:
 * - a file is itself;
 * - a version is the file it was read from when that still has the same
 *   content, else its snapshot blob in the store, else the file at the git
 *   commit of a run that used it (when those bytes hash to the fingerprint);
 * - a git revision is `git show <rev>:<path>` streamed into a temp file (the
 *   work tree is never touched);
 * - a query runs now (read-only) and its result is written to a temp
 *   Parquet file, as a training would snapshot it (sqlite paths resolve
 *   against the workspace).
 */
export async function materializeDataset(ref: DatasetRef, ctx: MaterializeContext): Promise<MaterializedDataset> {
  switch (ref.kind) {
    case 'file': {
      const file = datasetAbsPath(ctx.root, ref.path);
      let st: fs.Stats;
      try {
        st = fs.statSync(file);
      } catch {
        throw new DatasetError(`${ref.path}: no such file`);
      }
      if (!st.isFile()) throw new DatasetError(`${ref.path}: not a file`);
      return { file, label: ref.path, format: dataFormatOf(ref.path), dispose: noop };
    }
    case 'git': {
      const abs = datasetAbsPath(ctx.root, ref.path);
      const label = `${ref.path}@${ref.rev}`;
      const blob = await resolveGitBlob(abs, ref.rev, label);
      return { ...(await writeToTemp(blob, path.basename(abs), label, ctx.tempDir)), format: dataFormatOf(ref.path) };
    }
    case 'version':
      return materializeVersion(ref.fingerprint, ctx);
    case 'query':
      return materializeQuery(ref.url, ref.query, ctx);
  }
}

async function materializeQuery(url: string, query: string, ctx: MaterializeContext): Promise<MaterializedDataset> {
  const name = queryDatasetName(url, query);
  const result = await runQuery(url, query, 'the query', { baseDir: ctx.root, env: ctx.env ?? process.env });
  const base = ctx.tempDir ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'runlens-query-'));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const file = path.join(dir, 'result.parquet');
    const fingerprint = writeQuerySnapshot(result, file);
    return { file, label: `${name} (live query)`, fingerprint, format: 'parquet', dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

async function materializeVersion(prefix: string, ctx: MaterializeContext): Promise<MaterializedDataset> {
  const { store } = ctx;
  if (!store) throw new DatasetError(`dataset version ${prefix} needs a RunLens store, and none was found`);
  const record = resolveDatasetVersion(store, prefix);
  const fingerprint = record.fingerprint;
  const label = `${record.path} (version ${fingerprint.slice(0, 12)})`;
  const uses = store.datasets.listDatasetUses(fingerprint);
  if (isQueryDatasetName(record.path)) {
    // A query's version exists only as its snapshot.
    const kept = store.datasets.datasetSnapshotPath(fingerprint);
    if (kept) return { file: kept, label, fingerprint, format: 'parquet', dispose: noop };
    throw new DatasetError(`dataset version ${fingerprint.slice(0, 12)} of the query ${record.path} can no longer be read: its snapshot is gone from the store`);
  }
  const format = dataFormatOf(record.path);
  const absPaths = [...new Set([record.path, ...uses.map((u) => u.path)].map((p) => datasetAbsPath(ctx.root, p)))];
  for (const abs of absPaths) {
    if ((await currentFileHash(abs)) === fingerprint) return { file: abs, label, fingerprint, format, dispose: noop };
  }
  const snapshot = store.datasets.datasetSnapshotPath(fingerprint);
  if (snapshot) return { file: snapshot, label, fingerprint, format: sniffDataFormat(snapshot, record.path), dispose: noop };
  const blob = await findVersionInGit(fingerprint, absPaths, uses);
  if (blob) {
    const m = await writeToTemp(blob, path.basename(absPaths[0]!), label, ctx.tempDir);
    if (m.fingerprint === fingerprint) return { ...m, format };
    m.dispose();
  }
  throw new DatasetError(
    `dataset version ${fingerprint.slice(0, 12)} of ${record.path} can no longer be read: the file has changed, no snapshot was kept ` +
      `(files over the snapshot limit, ${SNAPSHOT_ENV_VAR} / setting runlens.datasets.snapshotMaxMB, default ${DEFAULT_SNAPSHOT_MB} MB, are not copied) ` +
      'and no commit of the runs that used it holds these bytes; raise the limit or commit data files to keep versions',
  );
}

async function writeToTemp(blob: GitBlob, name: string, label: string, tempDir: string | undefined): Promise<MaterializedDataset> {
  const base = tempDir ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'runlens-dataset-'));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const file = path.join(dir, name);
    const fingerprint = await writeGitBlob(blob, file);
    return { file, label, fingerprint, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
