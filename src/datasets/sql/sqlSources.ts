import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataConfig } from '../../core/config/trainConfig';
import type { ResolvedSource } from '../../core/data/prepareData';
import type { RunStore } from '../../store/runStore';
import { runQuery } from './runQuery';
import type { QueryContext } from './runQuery';
import { writeQuerySnapshot } from './querySnapshot';
import { SQL_KEYS, sqlSourcesOf } from './sqlSource';

/** The queries of a config made files for `prepareData`, and the clean-up of the fresh results. */
export interface SqlData {
  readonly sources: ResolvedSource[];
  dispose(): void;
}

export interface SqlDataOptions extends QueryContext {
  readonly store: RunStore;
  /** Query again even when a snapshot of the query is kept (`runlens train --refresh-data`). */
  readonly refresh: boolean;
  /** The folder holding the store: `sqlite:` paths are named relative to it. */
  readonly workspace?: string;
  readonly log: (line: string) => void;
}

/**
 * Each query of a data section as a Parquet file: by default the newest
 * snapshot kept for that query (source + query, see `queryDatasetName`), so
 * a config re-runs on the rows its last run used; with `refresh`, or when no
 * snapshot is kept, the query runs now and its result is written to a
 * temporary file, which the caller records as the new version's snapshot
 * (`recordQuerySnapshot`). Undefined when the config has no query.
 */
export async function resolveSqlData(data: DataConfig, opts: SqlDataOptions): Promise<SqlData | undefined> {
  const queries = sqlSourcesOf(data, opts.workspace !== undefined ? { configDir: opts.baseDir, workspace: opts.workspace } : undefined);
  if (queries.length === 0) return undefined;
  let dir: string | undefined;
  const dispose = () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sources: ResolvedSource[] = [];
    for (const q of queries) {
      const kept = opts.refresh ? undefined : newestSnapshot(opts.store, q.name);
      if (kept) {
        opts.log(`[data] ${SQL_KEYS[q.role]}: reading the snapshot kept on ${new Date(kept.createdAt).toISOString()} (version ${kept.fingerprint.slice(0, 12)}); runlens train --refresh-data runs the query again`);
        sources.push({ path: q.name, role: q.role, file: kept.file, format: 'parquet' });
        continue;
      }
      opts.log(`[data] ${SQL_KEYS[q.role]}: running the query`);
      const result = await runQuery(q.url, q.query, SQL_KEYS[q.role], opts);
      dir ??= mkdtempSync(join(tmpdir(), 'runlens-query-'));
      const file = join(dir, `${q.role}.parquet`);
      writeQuerySnapshot(result, file);
      opts.log(`[data] ${SQL_KEYS[q.role]}: ${result.rows} rows, ${result.columns.length} columns`);
      sources.push({ path: q.name, role: q.role, file, format: 'parquet' });
    }
    return { sources, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** The newest version recorded under a query's name whose snapshot is still kept. */
function newestSnapshot(store: RunStore, name: string): { fingerprint: string; file: string; createdAt: number } | undefined {
  for (const use of store.datasets.listDatasetUses()) {
    if (use.path !== name) continue;
    const file = store.datasets.datasetSnapshotPath(use.fingerprint);
    if (file) return { fingerprint: use.fingerprint, file, createdAt: use.runCreatedAt };
  }
  return undefined;
}

/**
 * Keeps a query's result as its version's snapshot, whatever the snapshot
 * size limit: unlike a file, a query's past result exists nowhere else.
 */
export function recordQuerySnapshot(store: RunStore, fingerprint: string, file: string): void {
  const outcome = store.datasets.snapshotDataset(fingerprint, file);
  if (outcome === 'changed' || outcome === 'no-dataset') {
    throw new Error(`the query's result could not be kept as a snapshot (${outcome})`);
  }
}
