import os from 'node:os';
import type { Db } from './connection';
import { Sql, openConnection } from './connection';
import { StoreError, isCorruptError } from './errors';
import { listBlobFiles, referencedBlobs } from './garbageCollector';
import { oneLine } from './integrity';
import type { StorePaths } from './location';
import { SCHEMA_VERSION } from './schema';
import { deadBuildIds } from './staleBuilds';
import { DEFAULT_STALE_AFTER_MS, pidAlive, runsComputingElsewhere } from './staleRuns';
import { storeDataEvidence, storeFileState } from './storeFolder';
import type { StoreFileState } from './storeFolder';
import { checkStoreShape } from './storeShape';

/** What `runlens doctor` found; `problems` has one line per problem, empty when healthy. */
export interface DoctorReport {
  readonly store: string;
  readonly file: StoreFileState;
  readonly schemaVersion: number | null;
  readonly expectedSchemaVersion: number;
  /** `PRAGMA integrity_check` lines (at most 20); `['ok']` when healthy, empty when it could not run. */
  readonly integrity: readonly string[];
  readonly blobs: number;
  /** Blobs no row references (sha256 names; gc would remove them). */
  readonly orphanedBlobs: readonly string[];
  /** References whose blob file is missing. */
  readonly missingBlobs: readonly { readonly sha256: string; readonly referencedBy: string }[];
  readonly staleRuns: readonly { readonly id: string; readonly name: string; readonly reason: string }[];
  readonly staleBuilds: readonly number[];
  readonly problems: readonly string[];
  /** Whether `--repair` has something to do: the file is missing, empty, not a database, not RunLens's shape, or damaged. */
  readonly repairable: boolean;
}

export interface DoctorOptions {
  readonly now: number;
  readonly staleAfterMs?: number;
  readonly host?: string;
  readonly isAlive?: (pid: number) => boolean;
}

/**
 * Examines a store without writing anything: the file, the schema (shape
 * and version), the full `integrity_check`, blobs nothing references and
 * references whose blob is gone, runs and builds whose process died. Never
 * runs a query on an object the shape check did not accept.
 */
export function diagnoseStore(paths: StorePaths, opts: DoctorOptions): DoctorReport {
  const file = storeFileState(paths);
  const base = { store: paths.db, file, expectedSchemaVersion: SCHEMA_VERSION };
  const empty = { schemaVersion: null, integrity: [], blobs: listBlobFiles(paths).length, orphanedBlobs: [], missingBlobs: [], staleRuns: [], staleBuilds: [] };
  if (file !== 'file') {
    const evidence = storeDataEvidence(paths);
    const problem =
      file === 'folder' ? `${paths.db} is a folder, not a RunLens store database`
      : evidence === undefined ? undefined
      : `${paths.db} ${file === 'missing' ? 'is missing' : 'is empty (0 bytes)'} but ${paths.dir} still holds RunLens data (${evidence})`;
    if (file === 'missing' && evidence === undefined) throw new StoreError(`no RunLens store at ${paths.dir}`);
    return { ...base, ...empty, problems: problem ? [problem] : [], repairable: problem !== undefined && file !== 'folder' };
  }
  let db: Db;
  try {
    db = openConnection(paths.db, true);
  } catch (e) {
    const damaged = isCorruptError(e);
    const problem = damaged ? `${paths.db} is damaged: ${oneLine((e as Error).message)}` : `cannot open ${paths.db}: ${oneLine((e as Error).message)}`;
    return { ...base, ...empty, problems: [problem], repairable: damaged };
  }
  try {
    db.pragma('trusted_schema = OFF');
    return examine(db, paths, opts, base, empty);
  } finally {
    db.close();
  }
}

function examine(db: Db, paths: StorePaths, opts: DoctorOptions, base: Pick<DoctorReport, 'store' | 'file' | 'expectedSchemaVersion'>, empty: Omit<DoctorReport, 'store' | 'file' | 'expectedSchemaVersion' | 'problems' | 'repairable'>): DoctorReport {
  let schemaVersion: number | null = null;
  try {
    const shape = checkStoreShape(db, paths.db);
    schemaVersion = shape.version;
    if (shape.blank) return { ...base, ...empty, schemaVersion, problems: [`${paths.db} holds no RunLens tables`], repairable: true };
  } catch (e) {
    const message = oneLine((e as Error).message);
    const notADatabase = (e as { code?: string }).code === 'SQLITE_NOTADB';
    return { ...base, ...empty, problems: [notADatabase ? `${paths.db} is not a SQLite database (${message})` : message], repairable: true };
  }
  const problems: string[] = [];
  if (schemaVersion < SCHEMA_VERSION) problems.push(`schema ${schemaVersion} is older than this RunLens's ${SCHEMA_VERSION} (a read-write open upgrades it)`);
  let integrity: string[];
  try {
    integrity = (db.pragma('integrity_check(20)') as Record<string, unknown>[]).map((r) => oneLine(String(Object.values(r)[0])));
  } catch (e) {
    integrity = [oneLine((e as Error).message)];
  }
  const damaged = !(integrity.length === 1 && integrity[0] === 'ok');
  if (damaged) problems.push(`${paths.db} fails integrity_check: ${integrity[0]}${integrity.length > 1 ? ` (and ${integrity.length - 1} more)` : ''}`);
  const sql = new Sql(db, true, paths.db);
  const blobs = listBlobFiles(paths);
  let orphanedBlobs: string[] = [];
  let missingBlobs: { sha256: string; referencedBy: string }[] = [];
  let staleRuns: DoctorReport['staleRuns'] = [];
  let staleBuilds: number[] = [];
  try {
    const referenced = referencedBlobs(sql);
    orphanedBlobs = blobs.filter((b) => !referenced.has(b.sha256)).map((b) => b.sha256);
    const present = new Set(blobs.map((b) => b.sha256));
    missingBlobs = requiredBlobs(sql).filter((r) => !present.has(r.sha256));
    staleRuns = findStaleRuns(sql, opts);
    staleBuilds = deadBuildIds(sql, { host: opts.host, isAlive: opts.isAlive });
  } catch (e) {
    problems.push(`could not read the store's rows: ${oneLine((e as Error).message)}`);
  }
  if (orphanedBlobs.length > 0) problems.push(`${orphanedBlobs.length} artifact blobs are referenced by no row (\`runlens gc\` removes them)`);
  for (const m of missingBlobs) problems.push(`blob ${m.sha256} is missing (referenced by ${m.referencedBy})`);
  for (const r of staleRuns) problems.push(`run ${r.name} (${r.id.slice(0, 8)}) says running but ${r.reason} (a read-write open marks it failed)`);
  for (const b of staleBuilds) problems.push(`build ${b} says running but its process is gone (listing builds marks it failed)`);
  return { ...base, schemaVersion, integrity, blobs: blobs.length, orphanedBlobs, missingBlobs, staleRuns, staleBuilds, problems, repairable: damaged };
}

/** References that need their blob (dataset snapshots are optional copies, so a missing one is no problem). */
function requiredBlobs(sql: Sql): { sha256: string; referencedBy: string }[] {
  const rows = sql
    .stmt(`SELECT sha256, 'artifact ' || path || ' of run ' || substr(run_id, 1, 8) AS referencedBy FROM artifacts
           UNION ALL SELECT package_sha256, 'model ' || name || ':' || version FROM model_versions
           UNION ALL SELECT log_sha256, 'the log of build ' || id FROM model_builds WHERE log_sha256 IS NOT NULL`)
    .all() as { sha256: string; referencedBy: string }[];
  return rows;
}

/**
 * The live runs whose process is gone, by the rule staleRuns.ts applies
 * when it marks them (a dead local pid, else an old heartbeat), without
 * marking anything: the doctor only reads.
 */
function findStaleRuns(sql: Sql, opts: DoctorOptions): { id: string; name: string; reason: string }[] {
  const host = opts.host ?? os.hostname();
  const isAlive = opts.isAlive ?? pidAlive;
  const staleAfter = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  // A live run a pull copied from a tracking server lives there (as staleRuns.ts rules); the column exists from schema 6.
  const pulledColumn = sql.stmt("SELECT 1 FROM pragma_table_info('remote_runs') WHERE name = 'pulled_at'").get() !== undefined;
  const notPulled = pulledColumn ? ' AND id NOT IN (SELECT run_id FROM remote_runs WHERE pulled_at IS NOT NULL)' : '';
  const live = sql
    .stmt(`SELECT id, name, pid, host, coalesce(heartbeat_at, started_at, created_at) AS seen FROM runs WHERE status IN ('queued', 'running')${notPulled} ORDER BY created_at`)
    .all() as { id: string; name: string; pid: number | null; host: string | null; seen: number }[];
  const stale: { id: string; name: string; reason: string }[] = [];
  const elsewhere = live.length > 0 ? runsComputingElsewhere(sql) : new Set<string>();
  for (const r of live) {
    if (elsewhere.has(r.id)) continue;
    if (r.pid !== null && r.host === host) {
      if (!isAlive(r.pid)) stale.push({ id: r.id, name: r.name, reason: `its process ${r.pid} is gone` });
    } else if (opts.now - r.seen > staleAfter) {
      stale.push({ id: r.id, name: r.name, reason: `it has not sent a heartbeat since ${new Date(r.seen).toISOString()}` });
    }
  }
  return stale;
}
