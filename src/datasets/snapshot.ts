import fs from 'node:fs';
import type { RunStore } from '../store/runStore';

/** Data files up to this size are copied into the store when a run records them. */
export const DEFAULT_SNAPSHOT_MB = 100;
/** Environment variable overriding the limit (MB; 0 turns snapshots off). The extension maps `runlens.datasets.snapshotMaxMB` onto it. */
export const SNAPSHOT_ENV_VAR = 'RUNLENS_DATASET_SNAPSHOT_MB';

/** The snapshot size limit in bytes from the environment; a bad value keeps the default and says why. */
export function snapshotLimitBytes(env: NodeJS.ProcessEnv): { readonly bytes: number; readonly warning?: string } {
  const raw = env[SNAPSHOT_ENV_VAR]?.trim();
  if (!raw) return { bytes: DEFAULT_SNAPSHOT_MB * 1024 * 1024 };
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb < 0) {
    return {
      bytes: DEFAULT_SNAPSHOT_MB * 1024 * 1024,
      warning: `${SNAPSHOT_ENV_VAR}=${JSON.stringify(raw)} is not a size in MB (a number >= 0); using ${DEFAULT_SNAPSHOT_MB} MB`,
    };
  }
  return { bytes: Math.floor(mb * 1024 * 1024) };
}

export type SnapshotOutcome = 'stored' | 'exists' | 'too-large' | 'disabled' | 'changed' | 'no-dataset';

/**
 * Keeps a copy of a data file a run just recorded, so that version can be
 * diffed after the file changes. Files over `limitBytes` are skipped (0: off).
 * 'changed': the file was edited after it was read; nothing is stored under
 * the old fingerprint.
 */
export function snapshotDatasetFile(store: RunStore, fingerprint: string, file: string, limitBytes: number): SnapshotOutcome {
  if (limitBytes <= 0) return 'disabled';
  if (store.datasets.datasetSnapshotPath(fingerprint)) return 'exists';
  if (fs.statSync(file).size > limitBytes) return 'too-large';
  return store.datasets.snapshotDataset(fingerprint, file);
}
