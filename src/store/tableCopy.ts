import type { Db, Statement } from './connection';
import { oneLine } from './integrity';

/** What copying one table recovered. */
export interface TableCopy {
  readonly copied: number;
  /** Rows of the source that were not copied: its row count (through an index when the table's own pages fail) minus the copied; null when no count could be read. */
  readonly unreadable: number | null;
  readonly firstError?: string;
}

const BATCH = 256;
/** Largest jump tried past a damaged page; keys (rowids, steps, ids) beyond 2^40 apart are not expected. */
const MAX_JUMP = 2 ** 40;

type Key = readonly unknown[];

/**
 * Copies the readable rows of `table` from a damaged database into the same
 * table of `dst`, in key order (rowid, or the primary key of a WITHOUT ROWID
 * table), a batch at a time. Where a batch fails it goes row by row; where a
 * row fails it jumps past the damaged page by probing ever larger steps of
 * one key column (deepest first), then narrows the jump down so that readable
 * rows just after the damage are not skipped. What is left is read backwards
 * from the end. Never reads the same row twice (INSERT OR IGNORE).
 */
export function copyTableRows(src: Db, dst: Db, table: string): TableCopy {
  const info = src.pragma(`table_info("${table}")`) as { name: string; pk: number }[];
  const dstColumns = new Set((dst.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name));
  const columns = info.map((c) => c.name).filter((c) => dstColumns.has(c));
  const withoutRowid = /WITHOUT\s+ROWID\s*$/i.test(String(src.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table)));
  const keys = withoutRowid ? info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => `"${c.name}"`) : ['rowid'];
  const select = `SELECT ${keys.map((k, i) => `${k} AS __k${i}`).join(', ')}, ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}"`;
  const tuple = (n: number) => `(${keys.slice(0, n).join(', ')})`;
  const params = (n: number) => `(${Array(n).fill('?').join(', ')})`;
  const insert = dst.prepare(`INSERT OR IGNORE INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const keyOf = (row: Record<string, unknown>): Key => keys.map((_, i) => row[`__k${i}`]);

  let copied = 0;
  let firstError: string | undefined;
  const save = (rows: Record<string, unknown>[]): void => {
    dst.transaction(() => {
      for (const row of rows) copied += insert.run(columns.map((c) => row[c])).changes;
    })();
  };
  const tryAll = (stmt: Statement, args: unknown[]): Record<string, unknown>[] | undefined => {
    try {
      return stmt.all(...args) as Record<string, unknown>[];
    } catch (e) {
      firstError ??= oneLine((e as Error).message);
      return undefined;
    }
  };
  const forwardFrom = (n: number, limit: number) =>
    src.prepare(`${select} WHERE ${tuple(n)} > ${params(n)} ORDER BY ${keys.join(', ')} LIMIT ${limit}`);
  const first = (limit: number) => src.prepare(`${select} ORDER BY ${keys.join(', ')} LIMIT ${limit}`);
  const full = keys.length;

  // Forward, with jumps past damaged pages.
  let after: Key | undefined;
  let stuck = false;
  while (!stuck) {
    const rows = tryAll(after ? forwardFrom(full, BATCH) : first(BATCH), after ? [...after] : []);
    if (rows) {
      if (rows.length === 0) break;
      save(rows);
      after = keyOf(rows[rows.length - 1]!);
      continue;
    }
    const one = tryAll(after ? forwardFrom(full, 1) : first(1), after ? [...after] : []);
    if (one) {
      if (one.length === 0) break;
      save(one);
      after = keyOf(one[0]!);
      continue;
    }
    const next = after ? jumpPast(after) : undefined;
    if (next) {
      save([next]);
      after = keyOf(next);
    } else {
      stuck = true;
    }
  }

  // Backward from the end down to where the forward pass stopped.
  if (stuck) {
    let before: Key | undefined;
    for (;;) {
      const bounds = [before ? `${tuple(full)} < ${params(full)}` : '', after ? `${tuple(full)} > ${params(full)}` : ''].filter(Boolean);
      const sql = `${select}${bounds.length ? ` WHERE ${bounds.join(' AND ')}` : ''} ORDER BY ${keys.map((k) => `${k} DESC`).join(', ')} LIMIT 1`;
      const one = tryAll(src.prepare(sql), [...(before ?? []), ...(after ?? [])]);
      if (!one || one.length === 0) break;
      save(one);
      before = keyOf(one[0]!);
    }
  }

  /**
   * The first readable row beyond a damaged page after `from`: for each key
   * column from the deepest, step its value by 1, 2, 4… (a number) or to the
   * next value (text); then narrow a numeric jump down by bisection.
   */
  function jumpPast(from: Key): Record<string, unknown> | undefined {
    for (let depth = full - 1; depth >= 0; depth--) {
      const value = from[depth];
      const probe = forwardFrom(depth + 1, 1);
      const at = (v: unknown) => tryAll(probe, [...from.slice(0, depth), v]);
      if (typeof value !== 'number' && typeof value !== 'bigint') {
        const r = at(value);
        if (r?.length) return r[0];
        continue;
      }
      const base = Number(value);
      let lo = 0;
      for (let d = 1; d <= MAX_JUMP; d *= 2) {
        const r = at(base + d);
        if (!r) {
          lo = d;
          continue;
        }
        if (r.length === 0) break; // nothing beyond at this depth
        // Narrow: the smallest step that still reads, so rows right after the damage are kept.
        let best = r[0]!;
        let hi = d;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          const m = at(base + mid);
          if (m?.length) {
            best = m[0]!;
            hi = mid;
          } else lo = mid;
        }
        return best;
      }
    }
    return undefined;
  }

  const total = countRows(src, table);
  return { copied, unreadable: total === null ? null : Math.max(0, total - copied), ...(firstError ? { firstError } : {}) };
}

/** The table's row count through any b-tree that still reads (the table, or one of its indexes). */
function countRows(src: Db, table: string): number | null {
  const indexes = (src.pragma(`index_list("${table}")`) as { name: string }[]).map((i) => i.name);
  for (const using of ['', ...indexes.map((i) => ` INDEXED BY "${i}"`), ' NOT INDEXED']) {
    try {
      return src.prepare(`SELECT count(*) FROM "${table}"${using}`).pluck().get() as number;
    } catch {
      // that b-tree is damaged too
    }
  }
  return null;
}
