/**
 * Shared by the hostile-input suites: what a CLI run left behind, read
 * straight from the store's SQLite file (read-only, so opening it does not
 * repair anything, e.g. mark a dead run failed).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CliResult } from '../fixtures/workspace';

/** Status and error of every run in the workspace's store, oldest first; [] when no store was created. */
export function storedRuns(workspace: string): { status: string; error: string | null }[] {
  const file = join(workspace, '.runlens', 'store.db');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT status, error FROM runs ORDER BY started_at, rowid').all() as { status: string; error: string | null }[];
  } finally {
    db.close();
  }
}

/** The last line the CLI wrote on stderr (its one-line error). */
export function lastErrorLine(r: CliResult): string {
  return r.stderr.trimEnd().split('\n').at(-1) ?? '';
}

/** The longest run of characters of `text` found in `content` (how much of a file an error quotes). */
export function longestQuoted(text: string, content: string): number {
  let best = 0;
  for (let i = 0; i < text.length; i++) {
    let len = best + 1;
    while (i + len <= text.length && content.includes(text.slice(i, i + len))) len++;
    if (len - 1 > best && content.includes(text.slice(i, i + len - 1))) best = len - 1;
  }
  return best;
}
