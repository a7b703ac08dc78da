import { promises as fsp } from 'node:fs';
import { fingerprintFile } from '../core/data/fingerprint';

interface Entry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: Promise<string>;
}

/** Cap on remembered files; a workspace has far fewer data files. */
const MAX_ENTRIES = 10_000;
const cache = new Map<string, Entry>();
let hashed = 0;

/**
 * The sha256 of a file's bytes (the dataset fingerprint), or undefined when
 * it does not exist. Remembered by (size, mtime) for the life of the process,
 * so refreshing a dataset view does not rehash large files; an edit changes
 * the mtime (and usually the size) and is hashed again.
 */
export async function currentFileHash(absPath: string): Promise<string | undefined> {
  let st;
  try {
    st = await fsp.stat(absPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
  if (!st.isFile()) return undefined;
  const hit = cache.get(absPath);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.sha256;
  hashed++;
  const sha256 = fingerprintFile(absPath);
  const entry = { size: st.size, mtimeMs: st.mtimeMs, sha256 };
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(absPath, entry);
  try {
    return await sha256;
  } catch (e) {
    if (cache.get(absPath) === entry) cache.delete(absPath);
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** How many times a file was actually read and hashed (not served from the cache); tests use it. */
export function filesHashed(): number {
  return hashed;
}
