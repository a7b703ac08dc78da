/**
 * The SQL of schema 3 onwards (build pids, the sync ledger, MLflow's soft
 * delete, experiment tags, model versions and datasets, pulled runs). The
 * Python helper (python/runlens.py) holds the same statements; storeShape.ts
 * checks stores against them.
 */
import type { Migration } from './schema';

/**
 * Schema 3: a build records the pid and host of the process that runs it, so
 * a build whose process was killed (SIGKILL, a closed editor) can be told
 * from one still running: listing builds marks it failed (staleBuilds.ts).
 * Both NULL on builds recorded before schema 3 (never checked).
 */
export const v3: Migration = (db) => {
  db.exec(`
    ALTER TABLE model_builds ADD COLUMN pid INTEGER;
    ALTER TABLE model_builds ADD COLUMN host TEXT;
  `);
};

/**
 * Schema 4: the sync ledger of pushes to tracking servers (syncRepo.ts).
 * `remote_runs` links a local run to its copy on a server; `remote_series`
 * counts the points of each series the server confirmed (`pending` while a
 * batch is in flight); `remote_artifacts` the artifact content it has. Other
 * writers (the Python helper) never touch these tables; deleting a run
 * deletes its links (the server's copy stays).
 */
export const v4: Migration = (db) => {
  db.exec(`
    CREATE TABLE remote_runs (
      run_id                TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      server                TEXT NOT NULL,
      remote_run_id         TEXT NOT NULL,
      remote_experiment_id  TEXT NOT NULL,
      artifact_uri          TEXT NOT NULL,
      status_sent           TEXT,
      inputs_sent           INTEGER NOT NULL DEFAULT 0,
      updated_at            INTEGER NOT NULL,
      PRIMARY KEY (run_id, server),
      UNIQUE (server, remote_run_id)
    ) WITHOUT ROWID;

    CREATE TABLE remote_series (
      run_id   TEXT NOT NULL,
      server   TEXT NOT NULL,
      key      TEXT NOT NULL,
      shipped  INTEGER NOT NULL,
      pending  INTEGER,
      PRIMARY KEY (run_id, server, key),
      FOREIGN KEY (run_id, server) REFERENCES remote_runs(run_id, server) ON DELETE CASCADE
    ) WITHOUT ROWID;

    CREATE TABLE remote_artifacts (
      run_id  TEXT NOT NULL,
      server  TEXT NOT NULL,
      path    TEXT NOT NULL,
      sha256  TEXT NOT NULL,
      PRIMARY KEY (run_id, server, path),
      FOREIGN KEY (run_id, server) REFERENCES remote_runs(run_id, server) ON DELETE CASCADE
    ) WITHOUT ROWID;
  `);
};

/**
 * Schema 5: what the MLflow client needs that RunLens did not keep (issue 13).
 * - `deleted_at` on runs and experiments: MLflow's soft delete
 *   (`lifecycle_stage = deleted`); a deleted run is hidden from listings
 *   unless asked for, and stays restorable until `runlens delete` removes it.
 *   Deleting an experiment marks its runs too; restoring it restores them.
 * - `experiment_tags`: MLflow experiment tags.
 * - `model_versions`: `source` is the model URI an MLflow client registered
 *   (NULL for versions registered by RunLens); `package_format` says what
 *   `package_sha256` holds: a RunLens model package (`runlens`), or, for an
 *   MLflow model (`mlflow`), the blob of its MLmodel file (or of the source
 *   URI text when the store has no MLmodel for it), kept alive like a
 *   package; `stage` is MLflow's (deprecated) stage, `updated_at` the last
 *   change to the version (NULL: never changed since created_at).
 * - `mlflow_datasets` / `mlflow_inputs`: MLflow's dataset entity (name,
 *   digest, source, schema, profile) for a dataset version RunLens records
 *   under a fingerprint made from name and digest, and the input tags of
 *   each run's use of it (`mlflow.data.context`); the run also gets a
 *   `run_inputs` row, its role read from the context.
 */
export const v5: Migration = (db) => {
  db.exec(`
    ALTER TABLE experiments ADD COLUMN deleted_at INTEGER;
    ALTER TABLE runs ADD COLUMN deleted_at INTEGER;

    CREATE TABLE experiment_tags (
      experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      key            TEXT NOT NULL,
      value          TEXT NOT NULL,
      PRIMARY KEY (experiment_id, key)
    ) WITHOUT ROWID;

    ALTER TABLE model_versions ADD COLUMN source TEXT;
    ALTER TABLE model_versions ADD COLUMN package_format TEXT NOT NULL DEFAULT 'runlens' CHECK (package_format IN ('runlens', 'mlflow'));
    ALTER TABLE model_versions ADD COLUMN stage TEXT NOT NULL DEFAULT 'None';
    ALTER TABLE model_versions ADD COLUMN updated_at INTEGER;

    CREATE TABLE mlflow_datasets (
      fingerprint  TEXT PRIMARY KEY NOT NULL REFERENCES datasets(fingerprint) ON DELETE CASCADE,
      name         TEXT NOT NULL,
      digest       TEXT NOT NULL,
      source_type  TEXT NOT NULL,
      source       TEXT NOT NULL,
      schema       TEXT,
      profile      TEXT
    ) WITHOUT ROWID;

    CREATE TABLE mlflow_inputs (
      run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      fingerprint  TEXT NOT NULL REFERENCES datasets(fingerprint),
      tags         TEXT NOT NULL,
      created_at   INTEGER NOT NULL,
      PRIMARY KEY (run_id, fingerprint)
    ) WITHOUT ROWID;
    CREATE INDEX mlflow_inputs_by_dataset ON mlflow_inputs(fingerprint);
  `);
};

/**
 * Schema 6: `runlens pull` (src/tracking/pull). `remote_runs.pulled_at` is
 * set when the local run is a copy of the server's run that a pull created
 * (same id as on the server): the server is where it lives, so a live one
 * has no local process or heartbeat to check. NULL for a link a push made
 * (the local run is the original).
 */
export const v6: Migration = (db) => {
  db.exec(`
    ALTER TABLE remote_runs ADD COLUMN pulled_at INTEGER;
  `);
};

/**
 * Schema 7: run queries at team scale (100,000 runs). A filter comparing a
 * metric with a constant becomes a range scan of this index, which also
 * holds run_id so the scan never visits the table; metric_series_by_key
 * alone made every such filter read every series row of the key. Costs one
 * index update per series per logged batch (latest changes), not per point.
 */
export const v7: Migration = (db) => {
  db.exec(`
    CREATE INDEX metric_series_by_latest ON metric_series(key, latest, run_id);
  `);
};

/**
 * Schema 8: a limited page of runs in the default order (newest first, ties
 * by id) walks this index and stops when the page is full; runs_by_created
 * alone left the id tie-break to a sort of every run sharing a created_at.
 */
export const v8: Migration = (db) => {
  db.exec(`
    CREATE INDEX runs_by_created_id ON runs(created_at DESC, id);
  `);
};

/**
 * Schema 9: each roll-up block also holds its 64 points packed (steps,
 * timestamps, values; src/store/blockPoints.ts), written in the same
 * transaction as the block, so a full history of a monotonic series reads one
 * row per block instead of one per point (packedHistory.ts). Blocks written
 * before schema 9 keep NULL: their series read the points as before. Deleting
 * a series deletes its blocks (the metric_series_cascade trigger), so run
 * deletion and gc need nothing new.
 */
export const v9: Migration = (db) => {
  db.exec(`
    ALTER TABLE metric_blocks ADD COLUMN points BLOB;
  `);
};
