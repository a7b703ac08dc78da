/**
 * The node side's file writes: lines appended whole to `events.jsonl`,
 * fsynced per batch, and blobs copied into `blobs/` and fsynced before the
 * line that names them. On a shared file system (NFS, Lustre) an fsync is
 * what makes the bytes reach the server, so a reader on the login node never
 * sees a line whose blob is not there.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SpoolEvent } from './spoolEvents';
import { spoolLine, spoolPaths } from './spoolEvents';

export class SpoolWriter {
  private fd: number | undefined;
  private readonly paths: ReturnType<typeof spoolPaths>;
  private readonly blobsDone = new Set<string>();
  private dirty = false;
  /** Bytes appended by this writer (all lines). */
  bytes = 0;

  constructor(taskDir: string) {
    this.paths = spoolPaths(taskDir);
    fs.mkdirSync(this.paths.blobs, { recursive: true });
    this.fd = fs.openSync(this.paths.events, 'a');
    // A previous writer killed mid-line left a torn last line: end it, so it
    // becomes one malformed line (skipped by readers) instead of swallowing our first event.
    const size = fs.fstatSync(this.fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      const rfd = fs.openSync(this.paths.events, 'r');
      try {
        fs.readSync(rfd, last, 0, 1, size - 1);
      } finally {
        fs.closeSync(rfd);
      }
      if (last[0] !== 10) this.writeWhole('\n');
    }
  }

  /** Appends one event as one line (a single write of the line and its `\n`; fsync comes with {@link sync}). */
  append(event: SpoolEvent): void {
    this.writeWhole(spoolLine(event));
  }

  /**
   * Copies a file into `blobs/<name>` (through a temp file, fsynced, renamed)
   * unless it is already there; returns whether it copied.
   */
  copyBlob(name: string, source: string): boolean {
    if (this.blobsDone.has(name)) return false;
    const target = this.paths.blob(name);
    if (fs.existsSync(target)) {
      this.blobsDone.add(name);
      return false;
    }
    const temp = path.join(this.paths.blobs, `.${name}.${process.pid}.tmp`);
    try {
      fs.copyFileSync(source, temp);
      const fd = fs.openSync(temp, 'r+');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, target);
    } finally {
      fs.rmSync(temp, { force: true });
    }
    syncDir(this.paths.blobs);
    this.blobsDone.add(name);
    return true;
  }

  /** fsyncs what was appended since the last sync. */
  sync(): void {
    if (this.fd === undefined || !this.dirty) return;
    fs.fsyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    if (this.fd === undefined) return;
    this.sync();
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  private writeWhole(text: string): void {
    if (this.fd === undefined) throw new Error('the spool is closed');
    const bytes = Buffer.from(text, 'utf8');
    // One write per line (O_APPEND): a regular file takes it whole; the loop only covers a short write (disk full, a signal).
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
    this.bytes += bytes.length;
    this.dirty = true;
  }
}

/** fsync of a folder, so a rename in it is durable; some file systems refuse it, which changes nothing here. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL on some platforms and network file systems.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
