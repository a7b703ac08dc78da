/**
 * The dataset versions of a store, reached as `store.datasets`: what each
 * version is (fingerprint, path, shape, schema, stats; datasetRepo.ts), which
 * runs used which version (run inputs), and the snapshot blobs that keep a
 * version's file for diffs after it changed.
 *
 * ```ts
 * store.datasets.logInput(run.id, { fingerprint, path: 'data/iris.csv', rows: 150 }, 'train');
 * store.datasets.snapshotDataset(fingerprint, '/abs/data/iris.csv');
 * store.datasets.listDatasetUses(fingerprint);
 * ```
 *
 * It shares its RunStore's connection, so `store.transaction(fn)` groups
 * dataset calls with run calls in one commit.
 */
import type { ArtifactStore } from './artifactStore';
import type { Sql } from './connection';
import type { DatasetUse } from './datasetRepo';
import { DatasetRepo } from './datasetRepo';
import type { DatasetInfo, DatasetRecord, InputRole, RunInput } from './types';

export class DatasetStore {
  private readonly repo: DatasetRepo;

  /**
   * Made by RunStore on its own connection; `assertWritable` throws the
   * store's read-only error.
   */
  constructor(
    sql: Sql,
    private readonly artifacts: ArtifactStore,
    now: () => number,
    private readonly assertWritable: () => void,
  ) {
    this.repo = new DatasetRepo(sql, now);
  }

  /** Records a dataset version; a known fingerprint takes the new path and keeps the values the new info leaves out. */
  upsertDataset(info: DatasetInfo): DatasetRecord {
    this.assertWritable();
    return this.repo.upsert(info);
  }

  getDataset(fingerprint: string): DatasetRecord | undefined {
    return this.repo.get(fingerprint);
  }

  listDatasets(): DatasetRecord[] {
    return this.repo.list();
  }

  /** Records that a run used a dataset (info is upserted; a string is a stored fingerprint). */
  logInput(runId: string, dataset: DatasetInfo | string, role: InputRole): RunInput {
    this.assertWritable();
    return this.repo.logInput(runId, dataset, role);
  }

  listInputs(runId: string): RunInput[] {
    return this.repo.inputs(runId);
  }

  /** Datasets whose fingerprint starts with `prefix` (lower-case hex); at most `limit`. */
  findDatasetsByPrefix(prefix: string, limit = 10): DatasetRecord[] {
    return this.repo.byPrefix(prefix, limit);
  }

  /** Which runs used which dataset versions (all, or one fingerprint's); newest run first. */
  listDatasetUses(fingerprint?: string): DatasetUse[] {
    return this.repo.uses(fingerprint);
  }

  /**
   * Keeps a copy of a recorded dataset's file in the blob store, named by its
   * fingerprint, so the version can be diffed after the file changes. Kept
   * while the dataset row exists (gc drops rows no run uses, with the blob).
   */
  snapshotDataset(fingerprint: string, file: string): 'stored' | 'exists' | 'changed' | 'no-dataset' {
    this.assertWritable();
    return this.artifacts.storeDatasetSnapshot(fingerprint, file);
  }

  /** The snapshot blob of a dataset version, when one was kept. */
  datasetSnapshotPath(fingerprint: string): string | undefined {
    return this.artifacts.datasetSnapshotPath(fingerprint);
  }
}
