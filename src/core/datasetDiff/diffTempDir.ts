/**
 * The temporary folder of one diff (spill files, the change log). Its name
 * carries the owning process id, so the folder of a diff whose process was
 * killed (an extension host that crashed mid-diff, `kill -9` on the CLI),
 * which can hold gigabytes, is recognised and removed by the next diff.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../util/pidAlive';

const PREFIX = 'runlens-diff-';
/**
 * A folder is only removed once it is this old: in another pid namespace
 * (a container sharing the temp folder) a live diff's pid may not exist
 * here, and an hour is far longer than the folder goes without new files.
 */
export const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/** Creates this process's diff folder under `parent`, after removing abandoned ones there. */
export function makeDiffTempDir(parent: string): string {
  removeAbandonedDiffDirs(parent);
  return mkdtempSync(join(parent, `${PREFIX}${process.pid}-`));
}

/** Removes diff folders under `parent` whose process is gone and that are older than `ABANDONED_AFTER_MS`; returns their names. */
export function removeAbandonedDiffDirs(parent: string, now = Date.now(), isAlive: (pid: number) => boolean = pidAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^runlens-diff-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const path = join(parent, name);
    try {
      if (now - statSync(path).mtimeMs < ABANDONED_AFTER_MS) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}
