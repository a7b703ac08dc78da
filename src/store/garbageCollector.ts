import path from 'node:path';
import { SHA_RE, readDir, removeFile, statOrUndefined } from './artifactStore';
import type { Sql } from './connection';
import { withBusyRetry } from './connection';
import { StoreError } from './errors';
import { liveLogPath, removeLiveLogs, RUN_LOG_ARTIFACTS, runsWithLiveLogs } from './liveLogs';
import type { StorePaths } from './location';
import type { GcResult } from './types';

/** A blob file under `artifacts/<sha[0:2]>/`. */
export interface BlobFile {
  readonly sha256: string;
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Every blob file of the store (names that are not a sha256 included: gc removes those too). */
export function listBlobFiles(paths: StorePaths): BlobFile[] {
  const blobs: BlobFile[] = [];
  for (const shard of readDir(paths.artifacts)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of readDir(path.join(paths.artifacts, shard))) {
      const file = path.join(paths.artifacts, shard, name);
      const st = statOrUndefined(file);
      if (st?.isFile()) blobs.push({ sha256: name, file, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return blobs;
}

/**
 * Every sha256 a row keeps alive: artifacts, dataset snapshots (named by the
 * fingerprint), registered model packages and build logs.
 */
export function referencedBlobs(sql: Sql): Set<string> {
  const referenced = new Set(sql.stmt('SELECT DISTINCT sha256 FROM artifacts').pluck(true).all() as string[]);
  for (const sha of sql.stmt(`SELECT fingerprint FROM datasets
                              UNION SELECT package_sha256 FROM model_versions
                              UNION SELECT log_sha256 FROM model_builds WHERE log_sha256 IS NOT NULL`).pluck(true).all() as string[]) {
    referenced.add(sha);
  }
  return referenced;
}

export interface GcOptions {
  /** Temp files younger than this may belong to a live writer. */
  readonly tempOlderThanMs: number;
  /**
   * Only unreferenced blobs last written before this time are collected: the
   * store's previous open, or the start of a run or build still in flight if
   * earlier. A blob a live process wrote and has not referenced yet stays.
   */
  readonly blobCutoff: number;
  /** List what would go; delete nothing. */
  readonly dryRun: boolean;
  readonly now: number;
}

/**
 * Removes unreferenced blobs, stale temp files, and dataset versions no run
 * or model version uses (with their snapshots). Refuses to delete anything
 * when no row references any blob while blobs exist: that is what a lost or
 * replaced store.db looks like, and collecting then would delete every
 * artifact the old store had.
 */
export function collectGarbage(sql: Sql, paths: StorePaths, opts: GcOptions): GcResult {
  const run = opts.dryRun ? <T>(fn: () => T) => sql.read(fn) : <T>(fn: () => T) => sql.write(fn);
  return run(() => {
    const unusedDatasets = sql
      .stmt(`SELECT fingerprint FROM datasets WHERE NOT EXISTS (SELECT 1 FROM run_inputs i WHERE i.fingerprint = datasets.fingerprint)
               AND NOT EXISTS (SELECT 1 FROM model_version_inputs m WHERE m.fingerprint = datasets.fingerprint)`)
      .pluck(true)
      .all() as string[];
    const referenced = referencedBlobs(sql);
    const blobs = listBlobFiles(paths);
    if (referenced.size === 0 && blobs.length > 0) {
      throw new StoreError(
        `gc refused: ${paths.db} references no artifact blobs but ${paths.artifacts} holds ${blobs.length}; ` +
          'if store.db was replaced or emptied, restore it from a backup (nothing was deleted)',
      );
    }
    for (const fingerprint of unusedDatasets) referenced.delete(fingerprint);
    const removed: string[] = [];
    let blobsRemoved = 0;
    let blobsKept = 0;
    let tempFilesRemoved = 0;
    let bytesFreed = 0;
    const remove = (file: string, size: number): boolean => {
      if (opts.dryRun) {
        removed.push(file);
        bytesFreed += size;
        return true;
      }
      const freed = removeFile(file);
      if (freed === undefined) return false;
      removed.push(file);
      bytesFreed += freed;
      return true;
    };
    if (!opts.dryRun && unusedDatasets.length > 0) {
      const drop = sql.stmt('DELETE FROM datasets WHERE fingerprint = ?');
      for (const fingerprint of unusedDatasets) drop.run(fingerprint);
    }
    for (const blob of blobs) {
      if (SHA_RE.test(blob.sha256) && referenced.has(blob.sha256)) continue;
      // A dataset version dropped right now takes its snapshot along, however new: the row that kept it is gone.
      const droppedSnapshot = unusedDatasets.includes(blob.sha256);
      if (!droppedSnapshot && blob.mtimeMs >= opts.blobCutoff) {
        blobsKept++;
        continue;
      }
      if (remove(blob.file, blob.size)) blobsRemoved++;
    }
    const cutoff = opts.now - opts.tempOlderThanMs;
    for (const name of readDir(paths.tmp)) {
      const file = path.join(paths.tmp, name);
      const st = statOrUndefined(file);
      if (!st?.isFile() || st.mtimeMs > cutoff) continue; // may still be written by a live process
      if (remove(file, st.size)) tempFilesRemoved++;
    }
    tempFilesRemoved += removeLeftLiveLogs(sql, paths, remove, opts.dryRun);
    return { blobsRemoved, tempFilesRemoved, bytesFreed, blobsKept, removed, dryRun: opts.dryRun };
  });
}

/** Live logs of runs that are no longer live: both the writer and its parent died before removing them. */
function removeLeftLiveLogs(sql: Sql, paths: StorePaths, remove: (file: string, size: number) => boolean, dryRun: boolean): number {
  const withLogs = runsWithLiveLogs(paths.dir);
  if (withLogs.length === 0) return 0;
  const live = new Set(sql.stmt("SELECT id FROM runs WHERE status IN ('queued', 'running')").pluck(true).all() as string[]);
  let removed = 0;
  for (const runId of withLogs) {
    if (live.has(runId)) continue;
    for (const artifact of RUN_LOG_ARTIFACTS) {
      const file = liveLogPath(paths.dir, runId, artifact);
      const st = statOrUndefined(file);
      if (st?.isFile() && remove(file, st.size)) removed++;
    }
    if (!dryRun) removeLiveLogs(paths.dir, runId);
  }
  return removed;
}

/**
 * The time before which an unreferenced blob may be collected: the store's
 * previous open (or this one, for a store opened for the first time), moved
 * back to the start of any run or build that is still in flight.
 */
export function blobCutoff(sql: Sql, previousOpenAt: number | undefined, openedAt: number): number {
  const live = sql
    .stmt(`SELECT min(t) FROM (SELECT coalesce(started_at, created_at) AS t FROM runs WHERE status IN ('queued', 'running')
                               UNION ALL SELECT started_at FROM model_builds WHERE status = 'running')`)
    .pluck(true)
    .get() as number | null;
  return Math.min(previousOpenAt ?? openedAt, live ?? Infinity);
}

/** Temp files younger than this may belong to a live writer; gc leaves them. */
const TEMP_GRACE_MS = 3_600_000;

/** What RunStore.gc knows of its open: the blob cutoff comes from it. */
export interface StoreGcOptions {
  readonly tempOlderThanMs?: number;
  readonly dryRun?: boolean;
  readonly previousOpenAt: number | undefined;
  readonly openedAt: number;
  readonly now: number;
}

/** RunStore.gc: {@link collectGarbage} with the default temp grace and this open's blob cutoff, then the WAL truncated (not on a dry run). */
export function collectStoreGarbage(sql: Sql, paths: StorePaths, opts: StoreGcOptions): GcResult {
  const dryRun = opts.dryRun ?? false;
  const result = collectGarbage(sql, paths, {
    tempOlderThanMs: opts.tempOlderThanMs ?? TEMP_GRACE_MS,
    blobCutoff: blobCutoff(sql, opts.previousOpenAt, opts.openedAt),
    dryRun,
    now: opts.now,
  });
  if (!dryRun) withBusyRetry(() => sql.pragma('wal_checkpoint(TRUNCATE)'));
  return result;
}
