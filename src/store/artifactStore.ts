import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Sql } from './connection';
import { StoreError, isForeignKeyError } from './errors';
import type { StorePaths } from './location';
import type { ArtifactRecord, ArtifactSource } from './types';

/** A blob's file name: its content's sha256 in lower-case hex. */
export const SHA_RE = /^[0-9a-f]{64}$/;
const CHUNK = 1 << 20;

/** Logical artifact paths are relative, '/'-separated and stay inside the run. */
export function normalizeArtifactPath(p: string): string {
  const clean = p.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+/g, '/');
  if (!clean || clean.startsWith('/') || /^[a-zA-Z]:/.test(clean) || clean.split('/').includes('..')) {
    throw new StoreError(`invalid artifact path "${p}" (use a relative path inside the run, without "..")`);
  }
  return clean;
}

interface ArtifactRow {
  run_id: string;
  path: string;
  sha256: string;
  size: number;
  kind: string;
  created_at: number;
}

/**
 * Artifact rows plus content-addressed blobs at `artifacts/<sha[0:2]>/<sha>`.
 * A blob is written once (temp file + rename) however many runs refer to it;
 * the existence check, the rename and the row insert happen under the write
 * lock so a concurrent delete cannot remove a blob that is being referenced.
 */
export class ArtifactStore {
  constructor(
    private readonly sql: Sql,
    private readonly paths: StorePaths,
    private readonly now: () => number,
  ) {}

  /** Absolute path of a blob (whether or not it exists). */
  blobPath(sha256: string): string {
    if (!SHA_RE.test(sha256)) throw new StoreError(`invalid sha256 "${sha256}"`);
    return path.join(this.paths.artifacts, sha256.slice(0, 2), sha256);
  }

  log(runId: string, logicalPath: string, source: ArtifactSource, kind: string): { sha256: string; size: number } {
    const rel = normalizeArtifactPath(logicalPath);
    const staged = typeof source === 'object' && 'blob' in source ? this.existing(source.blob) : this.stage(source);
    try {
      this.sql.write(() => {
        if (this.sql.stmt('SELECT 1 FROM runs WHERE id = ?').get(runId) === undefined) throw new StoreError(`no run with id ${runId}`);
        const replaced = this.sql.stmt('SELECT sha256 FROM artifacts WHERE run_id = ? AND path = ?').pluck(true).get(runId, rel) as string | undefined;
        const blob = this.blobPath(staged.sha256);
        if (!fs.existsSync(blob)) {
          fs.mkdirSync(path.dirname(blob), { recursive: true });
          if (staged.temp) fs.renameSync(staged.temp, blob);
          else if (staged.bytes) writeAtomically(this.paths.tmp, blob, staged.bytes);
          else throw new StoreError(`no blob ${staged.sha256} in the store (removed since it was staged)`);
        }
        try {
          this.sql
            .stmt('INSERT OR REPLACE INTO artifacts (run_id, path, sha256, size, kind, created_at) VALUES (?, ?, ?, ?, ?, ?)')
            .run(runId, rel, staged.sha256, staged.size, kind, this.now());
        } catch (e) {
          if (isForeignKeyError(e)) throw new StoreError(`no run with id ${runId}`);
          throw e;
        }
        if (replaced !== undefined && replaced !== staged.sha256) this.removeUnreferenced([replaced]);
      });
    } finally {
      if (staged.temp) fs.rmSync(staged.temp, { force: true });
    }
    return { sha256: staged.sha256, size: staged.size };
  }

  /**
   * Keeps a copy of a dataset file as the blob named by its fingerprint, with
   * no artifact row: the dataset row keeps it alive (see gc). The copy is
   * hashed as it is made, so a file that changed since it was fingerprinted
   * is not stored under the old fingerprint ('changed').
   */
  storeDatasetSnapshot(fingerprint: string, file: string): 'stored' | 'exists' | 'changed' | 'no-dataset' {
    const blob = this.blobPath(fingerprint);
    if (fs.existsSync(blob)) return 'exists';
    const staged = this.stage({ file });
    try {
      if (staged.sha256 !== fingerprint) return 'changed';
      return this.sql.write(() => {
        if (this.sql.stmt('SELECT 1 FROM datasets WHERE fingerprint = ?').get(fingerprint) === undefined) return 'no-dataset';
        if (fs.existsSync(blob)) return 'exists';
        fs.mkdirSync(path.dirname(blob), { recursive: true });
        fs.renameSync(staged.temp as string, blob);
        return 'stored';
      });
    } finally {
      if (staged.temp) fs.rmSync(staged.temp, { force: true });
    }
  }

  /** The snapshot blob of a dataset version, when one was kept. */
  datasetSnapshotPath(fingerprint: string): string | undefined {
    if (!/^[0-9a-f]{64}$/.test(fingerprint)) return undefined;
    const blob = this.blobPath(fingerprint);
    return fs.existsSync(blob) ? blob : undefined;
  }

  /**
   * Stores bytes as a blob with no artifact row (a build log) and returns its
   * sha256. Nothing references it yet: the caller records it right away (gc
   * removes unreferenced blobs), or passes the bytes to a store method that
   * stores and references them in one transaction.
   */
  put(source: Buffer | Uint8Array | string): { sha256: string; size: number } {
    const staged = this.stage(source);
    this.sql.write(() => {
      const blob = this.blobPath(staged.sha256);
      if (fs.existsSync(blob)) return;
      fs.mkdirSync(path.dirname(blob), { recursive: true });
      writeAtomically(this.paths.tmp, blob, staged.bytes as Uint8Array);
    });
    return { sha256: staged.sha256, size: staged.size };
  }

  /**
   * Copies a file into the blobs (hashed as it is copied) and returns its
   * sha256: the copy happens before any transaction of the caller's, so a
   * large file holds no other writer; the rename into place is a short write.
   * Unreferenced until logged; gc keeps a blob newer than the store's open.
   */
  stageFile(file: string): { sha256: string; size: number } {
    const staged = this.stage({ file });
    try {
      this.sql.write(() => {
        const blob = this.blobPath(staged.sha256);
        if (fs.existsSync(blob)) return;
        fs.mkdirSync(path.dirname(blob), { recursive: true });
        fs.renameSync(staged.temp as string, blob);
      });
    } finally {
      fs.rmSync(staged.temp as string, { force: true });
    }
    return { sha256: staged.sha256, size: staged.size };
  }

  /** A blob already in the store, as `stage` describes new content. */
  private existing(sha256: string): { sha256: string; size: number; bytes?: Uint8Array; temp?: string } {
    const st = statOrUndefined(this.blobPath(sha256));
    if (!st?.isFile()) throw new StoreError(`no blob ${sha256} in the store (stage it first)`);
    return { sha256, size: st.size };
  }

  /** Whether the blob with this sha256 is in the store. */
  exists(sha256: string): boolean {
    return fs.existsSync(this.blobPath(sha256));
  }

  /** Hashes the content; a file source is copied to a temp file in the same pass. */
  private stage(source: Exclude<ArtifactSource, { readonly blob: string }>): { sha256: string; size: number; bytes?: Uint8Array; temp?: string } {
    if (typeof source === 'string' || source instanceof Uint8Array) {
      const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
      return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, bytes };
    }
    const temp = tempName(this.paths.tmp);
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK);
    let size = 0;
    let input: number | undefined;
    let output: number | undefined;
    try {
      try {
        input = fs.openSync(source.file, 'r');
      } catch (e) {
        throw new StoreError(`cannot read artifact file ${source.file}: ${(e as Error).message}`);
      }
      output = fs.openSync(temp, 'wx');
      for (;;) {
        const n = fs.readSync(input, buf, 0, CHUNK, null);
        if (n === 0) break;
        hash.update(buf.subarray(0, n));
        fs.writeSync(output, buf, 0, n);
        size += n;
      }
    } catch (e) {
      fs.rmSync(temp, { force: true });
      throw e;
    } finally {
      if (input !== undefined) fs.closeSync(input);
      if (output !== undefined) fs.closeSync(output);
    }
    return { sha256: hash.digest('hex'), size, temp };
  }

  list(runId: string): ArtifactRecord[] {
    const rows = this.sql.stmt('SELECT * FROM artifacts WHERE run_id = ? ORDER BY path').all(runId) as ArtifactRow[];
    return rows.map((r) => ({ runId: r.run_id, path: r.path, sha256: r.sha256, size: r.size, kind: r.kind, createdAt: r.created_at }));
  }

  /**
   * Deletes the blobs among `shas` that no row references any more. Call it
   * inside the write transaction that removed the rows, so no other process
   * can add a reference in between.
   */
  removeUnreferenced(shas: Iterable<string>): { blobsRemoved: number; bytesFreed: number } {
    const used = this.sql.stmt('SELECT 1 FROM artifacts WHERE sha256 = ? LIMIT 1');
    // A dataset's snapshot blob is named by its fingerprint (the file's sha256); it lives as long as the dataset row.
    const snapshot = this.sql.stmt('SELECT 1 FROM datasets WHERE fingerprint = ?');
    // Registered model versions keep their package (even once the run is gone) and their builds' logs.
    const registry = this.sql.stmt(`SELECT 1 WHERE EXISTS (SELECT 1 FROM model_versions WHERE package_sha256 = ?)
                                      OR EXISTS (SELECT 1 FROM model_builds WHERE log_sha256 = ?)`);
    let blobsRemoved = 0;
    let bytesFreed = 0;
    for (const sha of new Set(shas)) {
      if (used.get(sha) !== undefined || snapshot.get(sha) !== undefined || registry.get(sha, sha) !== undefined) continue;
      const freed = removeFile(this.blobPath(sha));
      if (freed !== undefined) {
        blobsRemoved++;
        bytesFreed += freed;
      }
    }
    return { blobsRemoved, bytesFreed };
  }
}

function tempName(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

function writeAtomically(tmpDir: string, target: string, bytes: Uint8Array): void {
  const temp = tempName(tmpDir);
  try {
    fs.writeFileSync(temp, bytes, { flag: 'wx' });
    fs.renameSync(temp, target);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** A folder's entries; none when it does not exist. */
export function readDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

export function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** Deletes a file; returns its size, or undefined when it was already gone. */
export function removeFile(file: string): number | undefined {
  const st = statOrUndefined(file);
  if (!st) return undefined;
  try {
    fs.unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return st.size;
}
