/**
 * Real stores in the shapes faults and attacks leave them: pages of random
 * bytes, a view or trigger slipped in, an unknown schema version. Used by the
 * store tests and the hostile CLI suite (test/hostile/store.test.ts).
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RunStore } from '../runStore';
import { Rng } from '../../core/util/rng';

/** A store in `dir` with `runs` finished runs of `points` loss points each and one artifact each; closed again (WAL checkpointed). */
export function storeWithRuns(dir: string, opts: { runs?: number; points?: number; now?: () => number } = {}): string[] {
  const store = RunStore.open(dir, opts.now ? { now: opts.now } : {});
  try {
    const ids: string[] = [];
    for (let r = 0; r < (opts.runs ?? 3); r++) {
      const run = store.createRun({ experiment: 'damage', name: `run-${r}` });
      store.logParams(run.id, { r });
      const points = Array.from({ length: opts.points ?? 2000 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), step: i }));
      for (let i = 0; i < points.length; i += 500) store.logMetrics(run.id, points.slice(i, i + 500));
      store.logArtifact(run.id, 'model.txt', `model of run ${r}`);
      store.setStatus(run.id, 'finished');
      ids.push(run.id);
    }
    return ids;
  } finally {
    store.close();
  }
}

/** The seeded generator (core/util/rng), so a damaged file is the same on every run of a test. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/**
 * Overwrites `count` pages of table `table`'s b-tree (leaf pages, from the
 * middle of the table) with random bytes; returns their page numbers. The
 * store must be closed (nothing left in the WAL).
 */
export function garblePages(file: string, table: string, count: number, seed = 12): number[] {
  const db = new Database(file, { readonly: true });
  let pages: number[];
  let pageSize: number;
  try {
    pageSize = db.pragma('page_size', { simple: true }) as number;
    const all = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").pluck().all(table) as number[];
    if (all.length < count + 2) throw new Error(`table ${table} has only ${all.length} leaf pages`);
    const start = Math.floor(all.length / 2);
    pages = all.slice(start, start + count);
  } finally {
    db.close();
  }
  const random = rng(seed);
  const fd = fs.openSync(file, 'r+');
  try {
    for (const page of pages) {
      const bytes = Buffer.alloc(pageSize, 0);
      for (let i = 0; i < pageSize; i++) bytes[i] = Math.floor(random() * 256);
      fs.writeSync(fd, bytes, 0, pageSize, (page - 1) * pageSize);
    }
  } finally {
    fs.closeSync(fd);
  }
  return pages;
}

/** Runs `sql` on the store file directly, as an attacker or another tool would. */
export function tamper(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/**
 * Every file under `dir` with its size, mtime and sha256: compare before and
 * after to prove nothing was written. SQLite's shared-memory index
 * (`store.db-shm`) and an empty `store.db-wal`, which any reader of a WAL
 * database may create and cannot remove when it opened read-only, are not
 * content and are left out.
 */
export function snapshotFolder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const full = path.join(d, name);
      const st = fs.statSync(full);
      if (name.endsWith('.db-shm') || (name.endsWith('.db-wal') && st.size === 0)) continue;
      if (st.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = `${st.size}:${st.mtimeMs}:${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}
