import type { Db } from './connection';
import { withBusyRetry } from './connection';
import { StoreError } from './errors';

/** One schema step; migration i (0-based) takes the store from user_version i to i + 1. */
export type Migration = (db: Db) => void;

/**
 * Schema 1. Notes for other writers (e.g. the stdlib-sqlite3 Python helper):
 * - metric points are keyed by `metric_series.id`; `seq` is the 0-based index
 *   of the point in its series in logging order (= series `count` before it);
 * - a series row's summary (count, latest*, min, max) must be updated in the
 *   same transaction as its points; NaN is stored as NULL in `value`/`latest`;
 * - `metric_blocks` is an optional roll-up used by downsampling; a writer that
 *   does not maintain it leaves `rollup_n` alone and readers fall back to scans.
 */
const v1: Migration = (db) => {
  db.exec(`
    CREATE TABLE experiments (
      id          INTEGER PRIMARY KEY,
      name        TEXT NOT NULL UNIQUE,
      created_at  INTEGER NOT NULL
    );

    CREATE TABLE runs (
      id              TEXT PRIMARY KEY NOT NULL,
      experiment_id   INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      name            TEXT NOT NULL,
      status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'finished', 'failed', 'killed')),
      parent_id       TEXT REFERENCES runs(id) ON DELETE CASCADE,
      config_path     TEXT,
      config          TEXT,
      git_commit      TEXT,
      git_dirty       INTEGER,
      created_at      INTEGER NOT NULL,
      started_at      INTEGER,
      ended_at        INTEGER,
      heartbeat_at    INTEGER,
      pid             INTEGER,
      host            TEXT,
      starred         INTEGER NOT NULL DEFAULT 0,
      note            TEXT,
      error           TEXT,
      runlens_version TEXT
    );
    CREATE INDEX runs_by_experiment ON runs(experiment_id, name);
    CREATE INDEX runs_by_created ON runs(created_at);
    CREATE INDEX runs_by_parent ON runs(parent_id);
    CREATE INDEX runs_by_name ON runs(name);
    CREATE INDEX runs_live ON runs(status) WHERE status IN ('queued', 'running');

    -- num: the value as a number when it looks like one (numeric filters/sorts).
    CREATE TABLE params (
      run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      key     TEXT NOT NULL,
      value   TEXT NOT NULL,
      num     REAL,
      PRIMARY KEY (run_id, key)
    ) WITHOUT ROWID;

    CREATE TABLE tags (
      run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      key     TEXT NOT NULL,
      value   TEXT NOT NULL,
      num     REAL,
      PRIMARY KEY (run_id, key)
    ) WITHOUT ROWID;
    -- Filters find the runs with key = ? AND value/num <op> ? by range scans
    -- (these indexes also hold run_id, the primary key).
    CREATE INDEX params_by_value ON params(key, value);
    CREATE INDEX params_by_num ON params(key, num);
    CREATE INDEX tags_by_value ON tags(key, value);
    CREATE INDEX tags_by_num ON tags(key, num);

    -- One row per (run, key): the summary, kept in step with the points.
    -- AUTOINCREMENT: ids are cached by writers, so a deleted id must never come back.
    CREATE TABLE metric_series (
      id          INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      key         TEXT NOT NULL,
      count       INTEGER NOT NULL DEFAULT 0,
      latest      REAL,
      latest_step INTEGER,
      latest_ts   INTEGER,
      min         REAL,
      max         REAL,
      monotonic   INTEGER NOT NULL DEFAULT 1,
      rollup_n    INTEGER NOT NULL DEFAULT 0,
      UNIQUE (run_id, key)
    );
    -- For metric filters. Not on latest: every batch updates it, and the
    -- per-series lookup of latest by rowid is cheap.
    CREATE INDEX metric_series_by_key ON metric_series(key, run_id);

    -- No foreign key here on purpose: a per-row parent check would slow the
    -- hottest insert; the trigger below gives the cascade instead.
    CREATE TABLE metric_points (
      series_id INTEGER NOT NULL,
      step      INTEGER NOT NULL,
      seq       INTEGER NOT NULL,
      timestamp INTEGER NOT NULL,
      value     REAL,
      PRIMARY KEY (series_id, step, seq)
    ) WITHOUT ROWID;

    -- Roll-up of each complete block of 64 points (by seq) of a series whose
    -- steps never went backwards: first/last/min/max points of the block.
    CREATE TABLE metric_blocks (
      series_id   INTEGER NOT NULL,
      block       INTEGER NOT NULL,
      first_step  INTEGER NOT NULL, first_ts INTEGER NOT NULL, first_value REAL,
      last_step   INTEGER NOT NULL, last_ts  INTEGER NOT NULL, last_value  REAL,
      min_step    INTEGER, min_ts INTEGER, min_value REAL,
      max_step    INTEGER, max_ts INTEGER, max_value REAL,
      PRIMARY KEY (series_id, block)
    ) WITHOUT ROWID;

    CREATE TRIGGER metric_series_cascade AFTER DELETE ON metric_series BEGIN
      DELETE FROM metric_points WHERE series_id = OLD.id;
      DELETE FROM metric_blocks WHERE series_id = OLD.id;
    END;

    CREATE TABLE artifacts (
      run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      path        TEXT NOT NULL,
      sha256      TEXT NOT NULL,
      size        INTEGER NOT NULL,
      kind        TEXT NOT NULL,
      created_at  INTEGER NOT NULL,
      PRIMARY KEY (run_id, path)
    ) WITHOUT ROWID;
    CREATE INDEX artifacts_by_sha ON artifacts(sha256);

    CREATE TABLE datasets (
      fingerprint TEXT PRIMARY KEY NOT NULL,
      path        TEXT NOT NULL,
      rows        INTEGER,
      columns     INTEGER,
      schema      TEXT,
      stats       TEXT,
      created_at  INTEGER NOT NULL
    );

    CREATE TABLE run_inputs (
      run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      fingerprint TEXT NOT NULL REFERENCES datasets(fingerprint),
      role        TEXT NOT NULL CHECK (role IN ('train', 'test', 'eval')),
      path        TEXT NOT NULL,
      PRIMARY KEY (run_id, role, fingerprint)
    ) WITHOUT ROWID;
    CREATE INDEX run_inputs_by_dataset ON run_inputs(fingerprint);
  `);
};

/**
 * Schema 2: the model registry. Notes:
 * - versions count up per model from `models.next_version` and are never
 *   reused after a delete (the model row stays when its last version goes);
 * - `model_versions.run_id` has no foreign key on purpose: a registered
 *   version outlives its source run, as in MLflow's registry. It keeps the
 *   package blob alive (gc and run deletion keep `package_sha256`) and a
 *   lineage snapshot taken at registration (run name, experiment, config
 *   path, git commit, datasets), which never changes for a finished run;
 * - an alias points at one version of its model at a time (primary key);
 *   deleting a version drops its aliases, tags, builds and deployments;
 * - `model_builds.log_sha256` is a blob kept alive like an artifact.
 */
const v2: Migration = (db) => {
  db.exec(`
    CREATE TABLE models (
      name          TEXT PRIMARY KEY NOT NULL,
      description   TEXT,
      next_version  INTEGER NOT NULL DEFAULT 1,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE model_tags (
      name   TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
      key    TEXT NOT NULL,
      value  TEXT NOT NULL,
      PRIMARY KEY (name, key)
    ) WITHOUT ROWID;

    CREATE TABLE model_versions (
      name            TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
      version         INTEGER NOT NULL CHECK (version >= 1),
      run_id          TEXT NOT NULL,
      package_sha256  TEXT NOT NULL,
      description     TEXT,
      run_name        TEXT NOT NULL,
      experiment      TEXT NOT NULL,
      config_path     TEXT,
      git_commit      TEXT,
      git_dirty       INTEGER,
      created_at      INTEGER NOT NULL,
      PRIMARY KEY (name, version)
    ) WITHOUT ROWID;
    CREATE INDEX model_versions_by_run ON model_versions(run_id);
    CREATE INDEX model_versions_by_package ON model_versions(package_sha256);

    CREATE TABLE model_version_tags (
      name     TEXT NOT NULL,
      version  INTEGER NOT NULL,
      key      TEXT NOT NULL,
      value    TEXT NOT NULL,
      PRIMARY KEY (name, version, key),
      FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
    ) WITHOUT ROWID;

    -- The datasets the source run read, copied at registration (no foreign
    -- key to datasets: a dataset row may be collected with its last run).
    CREATE TABLE model_version_inputs (
      name         TEXT NOT NULL,
      version      INTEGER NOT NULL,
      role         TEXT NOT NULL,
      fingerprint  TEXT NOT NULL,
      path         TEXT NOT NULL,
      PRIMARY KEY (name, version, role, fingerprint),
      FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
    ) WITHOUT ROWID;

    CREATE TABLE model_aliases (
      name     TEXT NOT NULL,
      alias    TEXT NOT NULL,
      version  INTEGER NOT NULL,
      PRIMARY KEY (name, alias),
      FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX model_aliases_by_version ON model_aliases(name, version);

    CREATE TABLE model_builds (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      name          TEXT NOT NULL,
      version       INTEGER NOT NULL,
      tag           TEXT NOT NULL,
      cli           TEXT,
      base_image    TEXT NOT NULL,
      context_dir   TEXT NOT NULL,
      status        TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
      image_id      TEXT,
      started_at    INTEGER NOT NULL,
      ended_at      INTEGER,
      log_sha256    TEXT,
      error         TEXT,
      FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
    );
    CREATE INDEX model_builds_by_version ON model_builds(name, version);
    CREATE INDEX model_builds_by_log ON model_builds(log_sha256) WHERE log_sha256 IS NOT NULL;

    CREATE TABLE deployments (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      name         TEXT NOT NULL,
      version      INTEGER NOT NULL,
      kind         TEXT NOT NULL CHECK (kind IN ('local', 'container')),
      url          TEXT NOT NULL,
      pid          INTEGER,
      host         TEXT,
      image        TEXT,
      request_log  TEXT,
      started_at   INTEGER NOT NULL,
      stopped_at   INTEGER,
      FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
    );
    CREATE INDEX deployments_by_version ON deployments(name, version);
    CREATE INDEX deployments_live ON deployments(stopped_at) WHERE stopped_at IS NULL;
  `);
};

/**
 * Schema 3: a build records the pid and host of the process that runs it, so
 * a build whose process was killed (SIGKILL, a closed editor) can be told
 * from one still running: listing builds marks it failed (staleBuilds.ts).
 * Both NULL on builds recorded before schema 3 (never checked).
 */
const v3: Migration = (db) => {
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
const v4: Migration = (db) => {
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
const v5: Migration = (db) => {
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
const v6: Migration = (db) => {
  db.exec(`
    ALTER TABLE remote_runs ADD COLUMN pulled_at INTEGER;
  `);
};

/** The ordered schema steps; the store's schema version is the count applied. */
export const MIGRATIONS: readonly Migration[] = [v1, v2, v3, v4, v5, v6];
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses a store written by a newer RunLens, before anything touches the file. */
export function assertNotNewer(db: Db, file: string, known: number = SCHEMA_VERSION): number {
  const version = schemaVersion(db);
  if (version > known) {
    throw new StoreError(
      `${file} was written by a newer RunLens (schema ${version}, this version knows ${known}); upgrade RunLens`,
    );
  }
  return version;
}

/**
 * Applies the missing migrations, each in its own BEGIN IMMEDIATE transaction
 * that re-reads user_version, so processes opening a fresh store together
 * migrate it exactly once.
 */
export function migrate(db: Db, file: string, migrations: readonly Migration[] = MIGRATIONS): void {
  for (;;) {
    const applied = withBusyRetry(() =>
      db
        .transaction(() => {
          const version = assertNotNewer(db, file, migrations.length);
          if (version === migrations.length) return false;
          migrations[version](db);
          db.pragma(`user_version = ${version + 1}`);
          return true;
        })
        .immediate(),
    );
    if (!applied) return;
  }
}
