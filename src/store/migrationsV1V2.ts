/**
 * The SQL of schema 1 (runs, params, tags, metrics, artifacts, datasets) and
 * schema 2 (the model registry). The Python helper (python/runlens.py) holds
 * the same statements; storeShape.ts checks stores against them.
 */
import type { Migration } from './schema';

/**
 * Schema 1. Notes for other writers (e.g. the stdlib-sqlite3 Python helper):
 * - metric points are keyed by `metric_series.id`; `seq` is the 0-based index
 *   of the point in its series in logging order (= series `count` before it);
 * - a series row's summary (count, latest*, min, max) must be updated in the
 *   same transaction as its points; NaN is stored as NULL in `value`/`latest`;
 * - `metric_blocks` is an optional roll-up used by downsampling; a writer that
 *   does not maintain it leaves `rollup_n` alone and readers fall back to scans.
 */
export const v1: Migration = (db) => {
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
export const v2: Migration = (db) => {
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

