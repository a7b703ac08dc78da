import type { Db } from './connection';
import type { StorePaths } from './location';
import { readStoreState, sameStamp, stampOf, updateStoreState } from './storeState';

/** When to run `PRAGMA quick_check` on open. */
export type IntegrityCheckMode = 'if-changed' | 'always' | 'skip';

/**
 * The first finding of `PRAGMA quick_check`, or undefined when it says ok.
 * A check that cannot even read the file reports SQLite's error instead.
 */
export function quickCheckFinding(db: Db): string | undefined {
  try {
    const rows = db.pragma('quick_check(1)') as Record<string, unknown>[];
    const first = String(Object.values(rows[0] ?? { r: 'ok' })[0]);
    return first === 'ok' ? undefined : oneLine(first);
  } catch (e) {
    return oneLine((e as Error).message);
  }
}

/** A finding as one line: SQLite prefixes the first with "*** in database main ***" and a newline. */
export function oneLine(finding: string): string {
  return finding.replace(/^\*\*\* in database \w+ \*\*\*\s*/, '').replace(/\s*\n\s*/g, '; ').trim();
}

/**
 * Runs quick_check when store.db changed since the last check that passed
 * (size, mtime, inode in `store-state.json`), or always/never by `mode`.
 * A pass is recorded when `record` (a read-write open; a read-only one never
 * writes into the store folder). Returns the first finding when damaged.
 */
export function checkIntegrityOnOpen(db: Db, paths: StorePaths, opts: { mode: IntegrityCheckMode; record: boolean; now: number }): string | undefined {
  if (opts.mode === 'skip') return undefined;
  const before = stampOf(paths.db);
  if (opts.mode === 'if-changed' && sameStamp(readStoreState(paths).checked, before)) return undefined;
  const finding = quickCheckFinding(db);
  // Recorded only if the file did not change during the check, so what was checked is what is recorded.
  if (finding === undefined && opts.record && before && sameStamp(before, stampOf(paths.db))) {
    updateStoreState(paths, { checked: { ...before, at: opts.now } });
  }
  return finding;
}

/** Records store.db as it is now as checked (a store this process just created). */
export function recordChecked(paths: StorePaths, now: number): void {
  const stamp = stampOf(paths.db);
  if (stamp) updateStoreState(paths, { checked: { ...stamp, at: now } });
}

/**
 * After this process's own checkpoint on close: if store.db was the checked
 * file until then (nobody else changed it), the checkpointed file is recorded
 * as checked too, so the next open does not check our own writes again.
 */
export function recordOwnCheckpoint(paths: StorePaths, checkpoint: () => void, now: number): void {
  const before = stampOf(paths.db);
  const trusted = sameStamp(readStoreState(paths).checked, before);
  checkpoint();
  const after = stampOf(paths.db);
  if (trusted && after && !sameStamp(before, after)) updateStoreState(paths, { checked: { ...after, at: now } });
}
