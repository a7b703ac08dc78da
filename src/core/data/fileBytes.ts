/**
 * A data file's bytes, for every format's reader: opened only when it is a
 * regular file (a device or pipe never ends, or ends where no size says),
 * read whole and hashed (the sha256 is the dataset fingerprint), and one line
 * naming the file when any of that fails.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { CsvError } from './dataError';

/** A data file's bytes with their sha256. */
export interface HashedFile {
  readonly bytes: Buffer;
  /** sha256 (hex) of the bytes. */
  readonly sha256: string;
}

/** sha256 (hex) of bytes, or of text as UTF-8. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Opens a data file for reading; the caller closes `fd`. Throws a `CsvError`
 * naming `displayPath` when the file is missing, unreadable, a folder, or not
 * a regular file.
 */
export function openDataFile(path: string, displayPath = path): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw readFailure(displayPath, e);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new CsvError({ file: displayPath }, 'is a folder, not a file');
    if (!stat.isFile()) throw new CsvError({ file: displayPath }, 'is not a regular file (a device, pipe or socket); give a data file');
    return { fd, size: stat.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Reads a whole data file (see {@link openDataFile} for what is refused) and hashes it. */
export function readHashedFile(path: string, displayPath = path): HashedFile {
  const { fd } = openDataFile(path, displayPath);
  try {
    const bytes = readFileSync(fd);
    return { bytes, sha256: sha256Hex(bytes) };
  } catch (e) {
    throw readFailure(displayPath, e);
  } finally {
    closeSync(fd);
  }
}

/** Why a data file could not be opened or read, as one line naming the file (any format). */
function readFailure(file: string, e: unknown): CsvError {
  const code = (e as NodeJS.ErrnoException).code;
  const reasons: Readonly<Record<string, string>> = {
    ENOENT: 'file not found',
    ELOOP: 'symlink loop: the path leads back to itself',
    EACCES: 'cannot read the file: permission denied',
    EISDIR: 'is a folder, not a file',
  };
  return new CsvError({ file }, (code !== undefined ? reasons[code] : undefined) ?? `cannot read the file (${code ?? String(e)})`);
}
