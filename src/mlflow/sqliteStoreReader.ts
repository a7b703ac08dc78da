import fs from 'node:fs';
import { UserError } from '../core/util/errors';
import type { Db } from '../store/connection';
import { loadDriver } from '../store/connection';
import type { MetricPoint } from '../store/types';
import { localArtifactPath } from './fileStoreReader';
import { TAG_RUN_NAME, fromMlflowStatus } from './mlflowFormat';
import type { MlflowExperiment, MlflowRun, MlflowSource } from './mlflowSource';

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Whether `file` starts with SQLite's 16-byte header. */
export function isSqliteFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(16);
    return fs.readSync(fd, buf, 0, 16, 0) === 16 && buf.toString('latin1') === SQLITE_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function columns(db: Db, table: string): Set<string> {
  return new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
}

interface RunRow {
  run_uuid: string;
  name: string | null;
  status: string | null;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment_id: number;
}

/**
 * An MLflow SQLite tracking database (`mlflow server --backend-store-uri
 * sqlite:///mlflow.db`), read-only: tables `experiments`, `runs`, `params`,
 * `tags`, `metrics` as in MLflow's `dbmodels/models.py`. Artifacts come from
 * each run's `artifact_uri` when it is a local path.
 */
export function openSqliteStore(file: string): MlflowSource {
  const Driver = loadDriver();
  let db: Db;
  try {
    db = new Driver(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new UserError(`cannot open ${file} as SQLite: ${(e as Error).message}`, file);
  }
  try {
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name));
    const missing = ['experiments', 'runs', 'params', 'tags', 'metrics'].filter((t) => !tables.has(t));
    if (missing.length > 0 || !columns(db, 'runs').has('run_uuid')) {
      throw new UserError(
        `${file} is a SQLite database but not an MLflow tracking database (expected tables experiments, runs, params, tags, metrics; missing ${missing.join(', ') || 'runs.run_uuid'})`,
        file,
      );
    }
  } catch (e) {
    db.close();
    throw e;
  }
  const warnings: string[] = [];
  const expCols = columns(db, 'experiments');
  const experiments: MlflowExperiment[] = (
    db
      .prepare(`SELECT experiment_id, name, lifecycle_stage${expCols.has('creation_time') ? ', creation_time' : ', NULL AS creation_time'} FROM experiments ORDER BY experiment_id`)
      .all() as { experiment_id: number; name: string; lifecycle_stage: string | null; creation_time: number | null }[]
  ).map((r) => ({ id: String(r.experiment_id), name: r.name, deleted: r.lifecycle_stage === 'deleted', creationTime: r.creation_time }));
  const hasIsNan = columns(db, 'metrics').has('is_nan');

  const kv = (table: string, runId: string): Record<string, string> => {
    const rows = db.prepare(`SELECT key, value FROM ${table} WHERE run_uuid = ? ORDER BY key`).raw().all(runId) as [string, string | null][];
    return Object.fromEntries(rows.map(([k, v]) => [k, v ?? '']));
  };

  return {
    description: `MLflow SQLite database ${file}`,
    experiments,
    warnings,
    runIds(experimentId) {
      return db.prepare('SELECT run_uuid FROM runs WHERE experiment_id = ? ORDER BY start_time, run_uuid').pluck().all(Number(experimentId)) as string[];
    },
    readRun(experimentId, runId) {
      const row = db.prepare('SELECT run_uuid, name, status, start_time, end_time, lifecycle_stage, artifact_uri, experiment_id FROM runs WHERE run_uuid = ?').get(runId) as RunRow | undefined;
      if (!row) throw new UserError(`${file}: no run ${runId} in table runs`, file);
      const status = fromMlflowStatus(row.status ?? 'RUNNING');
      if (!status) throw new UserError(`${file}: run ${runId} has unknown status "${row.status}"`, file);
      const tags = kv('tags', runId);
      const metrics: MetricPoint[] = (
        db
          .prepare(`SELECT key, value, timestamp, step${hasIsNan ? ', is_nan' : ', 0 AS is_nan'} FROM metrics WHERE run_uuid = ? ORDER BY key, timestamp, step`)
          .all(runId) as { key: string; value: number; timestamp: number; step: number | null; is_nan: number }[]
      ).map((m) => ({ key: m.key, value: m.is_nan ? NaN : m.value, timestamp: m.timestamp, step: m.step ?? 0 }));
      let artifactDir: string | null = null;
      if (row.artifact_uri) {
        const local = localArtifactPath(row.artifact_uri);
        if (local && fs.existsSync(local)) artifactDir = local;
        else if (!local) warnings.push(`run ${runId}: artifacts at ${row.artifact_uri} are not local; not imported`);
      }
      return {
        runId,
        experimentId: String(row.experiment_id ?? experimentId),
        name: row.name || tags[TAG_RUN_NAME] || null,
        status,
        startTime: row.start_time,
        endTime: row.end_time,
        deleted: row.lifecycle_stage === 'deleted',
        params: kv('params', runId),
        tags,
        metrics,
        artifactDir,
      } satisfies MlflowRun;
    },
    close() {
      db.close();
    },
  };
}
