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

/** A dataset ref as a readable file. `dispose` removes it when it is a temporary copy. */
export interface MaterializedDataset {
  readonly file: string;
  /** How the diff names it: the path, `path@rev`, or `path (version 1a2b3c4d5e6f)`. */
  readonly label: string;
  /** sha256 of the content when known without reading the file again (versions, git revisions). */
  readonly fingerprint?: string;
  dispose(): void;
}

export interface MaterializeContext {
  /** Needed for versions. */
  readonly store?: RunStore;
  /** The workspace: relative paths in refs and in the store resolve against it. */
  readonly root: string;
  /** Where git revisions are written; default os.tmpdir(). */
  readonly tempDir?: string;
}

const noop = (): void => undefined;

/**
 * Makes a ref readable as a file:
 * - a file is itself;
 * - a version is the file it was read from when that still has the same
 *   content, else its snapshot blob in the store, else the file at the git
 *   commit of a run that used it (when those bytes hash to the fingerprint);
 * - a git revision is `git show <rev>:<path>` streamed into a temp file (the
 *   work tree is never touched).
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
      return { file, label: ref.path, dispose: noop };
    }
    case 'git': {
      const abs = datasetAbsPath(ctx.root, ref.path);
      const label = `${ref.path}@${ref.rev}`;
      const blob = await resolveGitBlob(abs, ref.rev, label);
      return writeToTemp(blob, path.basename(abs), label, ctx.tempDir);
    }
    case 'version':
      return materializeVersion(ref.fingerprint, ctx);
  }
}

async function materializeVersion(prefix: string, ctx: MaterializeContext): Promise<MaterializedDataset> {
  const { store } = ctx;
  if (!store) throw new DatasetError(`dataset version ${prefix} needs a RunLens store, and none was found`);
  const record = resolveDatasetVersion(store, prefix);
  const fingerprint = record.fingerprint;
  const label = `${record.path} (version ${fingerprint.slice(0, 12)})`;
  const uses = store.listDatasetUses(fingerprint);
  const absPaths = [...new Set([record.path, ...uses.map((u) => u.path)].map((p) => datasetAbsPath(ctx.root, p)))];
  for (const abs of absPaths) {
    if ((await currentFileHash(abs)) === fingerprint) return { file: abs, label, fingerprint, dispose: noop };
  }
  const snapshot = store.datasetSnapshotPath(fingerprint);
  if (snapshot) return { file: snapshot, label, fingerprint, dispose: noop };
  const blob = await findVersionInGit(fingerprint, absPaths, uses);
  if (blob) {
    const m = await writeToTemp(blob, path.basename(absPaths[0]!), label, ctx.tempDir);
    if (m.fingerprint === fingerprint) return m;
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
