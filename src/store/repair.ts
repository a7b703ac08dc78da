import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from './connection';
import { loadDriver, openConnection } from './connection';
import { StoreError } from './errors';
import { oneLine } from './integrity';
import type { StorePaths } from './location';
import { ensureStoreDir } from './location';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { storeFileState } from './storeFolder';
import { checkStoreShape, expectedObjects, readSchemaObjects } from './storeShape';
import { stampOf, updateStoreState } from './storeState';
import { copyTableRows } from './tableCopy';
import type { TableCopy } from './tableCopy';

/** What `runlens doctor --repair` did. */
export interface RepairReport {
  /** Where the old file now is (undefined when there was none). */
  readonly keptAs: string | undefined;
  readonly store: string;
  /** `vacuum-into`: SQLite copied the whole database; `row-copy`: table by table, row by row; `new-empty`: nothing was readable. */
  readonly method: 'vacuum-into' | 'row-copy' | 'new-empty';
  readonly runs: number;
  readonly metricPoints: number;
  /** Per table: rows copied, and rows known to be lost (counted through an index when the table's own pages are unreadable; null when unknown). */
  readonly tables: Readonly<Record<string, TableCopy>>;
  /** One line per thing that could not be recovered. */
  readonly lost: readonly string[];
}

/**
 * Copies what is readable of a damaged, foreign-shaped, empty or missing
 * store.db into a new store and puts it in place; the old file (and its
 * -wal) is kept beside it as `store.db.damaged-<timestamp>`, nothing is
 * deleted. `VACUUM INTO` where the file allows it (and its objects are
 * RunLens's own), otherwise row by row (tableCopy.ts). Run it while no
 * other RunLens process uses the store.
 */
export function repairStore(paths: StorePaths, now: number): RepairReport {
  const state = storeFileState(paths);
  if (state === 'folder') throw new StoreError(`${paths.db} is a folder; move it away first (doctor --repair does not move folders)`);
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = `${paths.db}.repair-${stamp}`;
  const keptAs = state === 'missing' ? undefined : `${paths.db}.damaged-${stamp}`;
  if (fs.existsSync(target) || (keptAs && fs.existsSync(keptAs))) throw new StoreError(`${target} already exists; try again in a moment`);
  let result: Omit<RepairReport, 'keptAs' | 'store'>;
  try {
    result = state === 'file' ? recoverInto(paths.db, target) : emptyStore(target, [`${paths.db} ${state === 'missing' ? 'was missing' : 'was empty (0 bytes)'}: no runs to recover`]);
    finishStore(target);
  } catch (e) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(target + suffix, { force: true });
    throw e;
  }
  if (keptAs) {
    for (const suffix of ['-wal', '-shm']) {
      if (fs.existsSync(paths.db + suffix)) fs.renameSync(paths.db + suffix, keptAs + suffix);
    }
    fs.renameSync(paths.db, keptAs);
  }
  fs.renameSync(target, paths.db);
  ensureStoreDir(paths);
  const st = stampOf(paths.db);
  if (st) updateStoreState(paths, { checked: { ...st, at: now } });
  return { keptAs, store: paths.db, ...result };
}

function recoverInto(source: string, target: string): Omit<RepairReport, 'keptAs' | 'store'> {
  let src: Db;
  let cleanup = (): void => {};
  try {
    src = openReadable(source);
  } catch (e) {
    // A truncated file still says, in its header, how many pages it had: SQLite then refuses all of it.
    // A copy whose header counts the pages that are there reads up to the cut.
    const fixed = truncatedCopy(source);
    try {
      if (!fixed) throw e;
      cleanup = fixed.cleanup;
      src = openReadable(fixed.file);
    } catch {
      fixed?.cleanup();
      return emptyStore(target, [`${source} could not be read at all (${oneLine((e as Error).message)})`]);
    }
  }
  try {
    let version: number | undefined;
    let shapeProblem: string | undefined;
    try {
      version = checkStoreShape(src, source).version;
    } catch (e) {
      shapeProblem = oneLine((e as Error).message);
    }
    // VACUUM INTO copies every object as it is: only for a file whose objects are all RunLens's own.
    if (version === SCHEMA_VERSION && shapeProblem === undefined) {
      try {
        src.prepare('VACUUM INTO ?').run(target);
        if (verify(target)) return { method: 'vacuum-into', ...counts(target), tables: {}, lost: [] };
      } catch {
        // Unreadable pages: copy row by row instead.
      }
      for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(target + suffix, { force: true });
    }
    return rowCopy(src, source, target, version, shapeProblem);
  } finally {
    src.close();
    cleanup();
  }
}

function openReadable(file: string): Db {
  const db = openConnection(file, true);
  try {
    db.pragma('trusted_schema = OFF');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * A private copy of a file shorter than its header's page count (bytes 28-31)
 * with that count set to the pages present; undefined when that is not the
 * file's problem. The original is never written.
 */
function truncatedCopy(source: string): { file: string; cleanup: () => void } | undefined {
  const bytes = fs.readFileSync(source);
  if (bytes.length < 100 || bytes.toString('latin1', 0, 15) !== 'SQLite format 3') return undefined;
  const raw = bytes.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const present = Math.floor(bytes.length / pageSize);
  if (pageSize < 512 || present === 0 || bytes.readUInt32BE(28) <= present) return undefined;
  bytes.writeUInt32BE(present, 28);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-repair-'));
  const file = path.join(dir, 'truncated.db');
  fs.writeFileSync(file, bytes.subarray(0, present * pageSize));
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function rowCopy(src: Db, source: string, target: string, version: number | undefined, shapeProblem: string | undefined): Omit<RepairReport, 'keptAs' | 'store'> {
  const lost: string[] = shapeProblem ? [shapeProblem] : [];
  const dst = createEmpty(target);
  const tables: Record<string, TableCopy> = {};
  try {
    let actual: ReturnType<typeof readSchemaObjects>;
    try {
      actual = readSchemaObjects(src);
    } catch (e) {
      lost.push(`the schema of ${source} could not be read (${oneLine((e as Error).message)}): nothing recovered`);
      return { method: 'new-empty', runs: 0, metricPoints: 0, tables, lost };
    }
    // Each table as the schema it was written with had it (an older store lacks later columns).
    const sourceShape = expectedObjects(Math.min(version ?? SCHEMA_VERSION, SCHEMA_VERSION));
    dst.pragma('foreign_keys = OFF');
    for (const want of expectedObjects(SCHEMA_VERSION).values()) {
      if (want.type !== 'table' || want.name.startsWith('sqlite_')) continue;
      const have = actual.get(want.name);
      const shaped = sourceShape.get(want.name);
      if (!have || have.type !== 'table' || !shaped || have.sql !== shaped.sql) {
        if (shaped) lost.push(`table ${want.name} is ${!have ? 'missing' : have.type !== 'table' ? `a ${have.type}` : 'not the shape RunLens created'} in ${source}: not copied`);
        continue;
      }
      let copy = copyTableRows(src, dst, want.name);
      if (copy.unreadable === null && want.name === 'metric_points') copy = { ...copy, unreadable: lostPoints(src, copy.copied) };
      tables[want.name] = copy;
      if (copy.unreadable !== 0) {
        lost.push(`table ${want.name}: ${copy.unreadable === null ? 'some rows' : `${copy.unreadable} rows`} could not be read (${copy.firstError ?? 'damaged pages'})`);
      }
    }
    const dropped = dropOrphans(dst);
    for (const [table, n] of Object.entries(dropped)) lost.push(`table ${table}: ${n} readable rows dropped because the row they belong to was lost`);
    repairSeriesSummaries(dst);
  } finally {
    dst.close();
  }
  return { method: 'row-copy', ...counts(target), tables, lost };
}

/**
 * metric_points has no index to count it through when its pages fail, but
 * every series row says how many points it has (kept in the same
 * transaction as the points): their sum is what the table held.
 */
function lostPoints(src: Db, copied: number): number | null {
  try {
    const total = src.prepare('SELECT sum(count) FROM metric_series').pluck().get() as number | null;
    return Math.max(0, (total ?? 0) - copied);
  } catch {
    return null;
  }
}

function createEmpty(target: string): Db {
  const Driver = loadDriver();
  const db = new Driver(target);
  // A scratch file until finishStore checks and syncs it: no journal, no sync per batch.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.transaction(() => {
    for (const step of MIGRATIONS) step(db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  return db;
}

function emptyStore(target: string, lost: string[]): Omit<RepairReport, 'keptAs' | 'store'> {
  createEmpty(target).close();
  return { method: 'new-empty', runs: 0, metricPoints: 0, tables: {}, lost };
}

/**
 * Deletes rows whose parent row was lost (their foreign key points nowhere),
 * repeated until none is left, since a dropped run drops its series, which
 * drop their points. Returns the count per table.
 */
function dropOrphans(db: Db): Record<string, number> {
  const dropped: Record<string, number> = {};
  const add = (table: string, n: number) => {
    if (n > 0) dropped[table] = (dropped[table] ?? 0) + n;
  };
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  for (let changed = true; changed; ) {
    changed = false;
    for (const table of tables) {
      const fks = db.pragma(`foreign_key_list("${table}")`) as { id: number; table: string; from: string; to: string | null }[];
      const byId = new Map<number, { table: string; pairs: [string, string][] }>();
      for (const fk of fks) {
        const entry = byId.get(fk.id) ?? { table: fk.table, pairs: [] };
        entry.pairs.push([fk.from, fk.to ?? 'rowid']);
        byId.set(fk.id, entry);
      }
      for (const fk of byId.values()) {
        const notNull = fk.pairs.map(([from]) => `c."${from}" IS NOT NULL`).join(' AND ');
        const match = fk.pairs.map(([from, to]) => `p."${to}" = c."${from}"`).join(' AND ');
        const n = db.prepare(`DELETE FROM "${table}" AS c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM "${fk.table}" p WHERE ${match})`).run().changes;
        add(table, n);
        changed ||= n > 0;
      }
    }
    // Points and roll-ups hang off their series by a trigger, not a foreign key.
    for (const table of ['metric_points', 'metric_blocks']) {
      const n = db.prepare(`DELETE FROM ${table} WHERE series_id NOT IN (SELECT id FROM metric_series)`).run().changes;
      add(table, n);
      changed ||= n > 0;
    }
  }
  return dropped;
}

/**
 * A series that lost points gets its summary from the points that are left
 * and loses its roll-ups (readers then scan; see schema.ts), so what the
 * views show agrees with what is there.
 */
function repairSeriesSummaries(db: Db): void {
  db.exec(`
    CREATE TEMP TABLE actual AS
      SELECT series_id, count(*) AS n, min(value) AS lo, max(value) AS hi FROM metric_points GROUP BY series_id;
    UPDATE metric_series SET
      count = coalesce((SELECT n FROM actual WHERE series_id = metric_series.id), 0),
      min = (SELECT lo FROM actual WHERE series_id = metric_series.id),
      max = (SELECT hi FROM actual WHERE series_id = metric_series.id),
      latest = (SELECT value FROM metric_points p WHERE p.series_id = metric_series.id ORDER BY seq DESC LIMIT 1),
      latest_step = (SELECT step FROM metric_points p WHERE p.series_id = metric_series.id ORDER BY seq DESC LIMIT 1),
      latest_ts = (SELECT timestamp FROM metric_points p WHERE p.series_id = metric_series.id ORDER BY seq DESC LIMIT 1),
      rollup_n = 0
    WHERE count IS NOT coalesce((SELECT n FROM actual WHERE series_id = metric_series.id), 0);
    DELETE FROM metric_blocks WHERE series_id IN (SELECT id FROM metric_series WHERE rollup_n = 0);
    DROP TABLE actual;
  `);
}

function verify(file: string): boolean {
  const db = openConnection(file, true);
  try {
    checkStoreShape(db, file);
    return db.pragma('integrity_check', { simple: true }) === 'ok';
  } catch {
    return false;
  } finally {
    db.close();
  }
}

/** Switches the new store to WAL and checks it is whole before it replaces anything. */
function finishStore(target: string): void {
  const db = openConnection(target, false);
  try {
    db.pragma('journal_mode = WAL');
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new StoreError(`the repaired copy ${target} fails integrity_check (${oneLine(String(check))}); nothing was replaced`);
    checkStoreShape(db, target);
  } finally {
    db.close();
  }
  const fd = fs.openSync(target, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function counts(file: string): { runs: number; metricPoints: number } {
  const db = openConnection(file, true);
  try {
    return {
      runs: db.prepare('SELECT count(*) FROM runs').pluck().get() as number,
      metricPoints: db.prepare('SELECT count(*) FROM metric_points').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}
