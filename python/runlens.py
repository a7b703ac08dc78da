"""RunLens logging helper: log params, metrics, tags and artifacts from Python
into a RunLens store (`.runlens/store.db`), standard library only.

    import runlens
    with runlens.start_run(experiment="churn", tags={"team": "ml"}):
        runlens.log_params({"lr": 0.01, "epochs": 20})
        for step in range(20):
            runlens.log_metric("loss", loss, step=step)
        runlens.log_artifact("model.pkl")

It follows the write protocol of the TypeScript store (src/store/schema.ts with its SQL in migrationsV1V2.ts and migrationsV3On.ts,
metricRepo.ts, artifactStore.ts): every write is one BEGIN IMMEDIATE
transaction; a metric series' summary is updated in the same transaction as
its points; NaN is stored as NULL; `rollup_n`/`metric_blocks` are left alone.
"""

from __future__ import annotations

import atexit
import contextlib
import decimal
import hashlib
import json
import math
import operator
import os
import random
import re
import secrets
import shutil
import socket
import sqlite3
import sys
import threading
import time
import types

__version__ = "0.1.0"
__all__ = [
    "RunLensError", "Run", "start_run", "end_run", "active_run", "log_param", "log_params",
    "log_metric", "log_metrics", "set_tag", "set_tags", "log_artifact", "sklearn",
]

SCHEMA_VERSION = 9  # = len(_MIGRATIONS), checked below
BUSY_TIMEOUT_MS = 10_000
#: A buffered metric batch is written once it holds this many points ...
FLUSH_POINTS = 1000
#: ... or this many seconds after its first point (also checked by a background thread).
FLUSH_SECONDS = 2.0
#: An idle run still writes a heartbeat this often (see src/store/staleRuns.ts).
HEARTBEAT_SECONDS = 15.0
DEFAULT_EXPERIMENT = "default"


class RunLensError(Exception):
    """A failure the user can act on (newer store, changed param, unknown run...)."""


# ── store ────────────────────────────────────────────────────────────────────

# A copy of the schema steps of src/store/migrationsV1V2.ts and migrationsV3On.ts (1: runs, 2: the model
# registry, 3: the pid and host of a model build), so a Python-only user can
# log without installing the Node CLI first. pythonHelper.test.ts checks that a store created here has exactly the
# schema the TypeScript side creates. The helper writes no registry rows; it
# creates those tables so that the store it makes is the latest schema.
_SCHEMA_V1 = """
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
CREATE INDEX params_by_value ON params(key, value);
CREATE INDEX params_by_num ON params(key, num);
CREATE INDEX tags_by_value ON tags(key, value);
CREATE INDEX tags_by_num ON tags(key, num);
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
CREATE INDEX metric_series_by_key ON metric_series(key, run_id);
CREATE TABLE metric_points (
  series_id INTEGER NOT NULL,
  step      INTEGER NOT NULL,
  seq       INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value     REAL,
  PRIMARY KEY (series_id, step, seq)
) WITHOUT ROWID;
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
"""

_SCHEMA_V2 = """
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
"""

_SCHEMA_V3 = """
ALTER TABLE model_builds ADD COLUMN pid INTEGER;
ALTER TABLE model_builds ADD COLUMN host TEXT;
"""

# Schema 4: the sync ledger of pushes to tracking servers (schema.ts v4); this helper only creates it.
_SCHEMA_V4 = """CREATE TABLE remote_runs (
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
"""

# Schema 5: MLflow soft delete, experiment tags, MLflow model versions and datasets (schema.ts v5).
_SCHEMA_V5 = """
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
"""

# Schema 6: runs a pull copied from a tracking server (schema.ts v6); this helper only creates it.
_SCHEMA_V6 = """
ALTER TABLE remote_runs ADD COLUMN pulled_at INTEGER;
"""

# Schema 7: an index for metric filters at team scale (schema.ts v7).
_SCHEMA_V7 = """
CREATE INDEX metric_series_by_latest ON metric_series(key, latest, run_id);
"""

# Schema 8: a page of runs newest first walks this index (schema.ts v8).
_SCHEMA_V8 = """
CREATE INDEX runs_by_created_id ON runs(created_at DESC, id);
"""

# Schema 9: roll-up blocks hold their points packed (schema.ts v9); this helper writes no blocks.
_SCHEMA_V9 = """
ALTER TABLE metric_blocks ADD COLUMN points BLOB;
"""

# Step i takes a store from user_version i to i + 1, as MIGRATIONS in schema.ts.
_MIGRATIONS = (_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3, _SCHEMA_V4, _SCHEMA_V5, _SCHEMA_V6, _SCHEMA_V7, _SCHEMA_V8, _SCHEMA_V9)
assert len(_MIGRATIONS) == SCHEMA_VERSION


def _now_ms() -> int:
    return int(time.time() * 1000)


def _is_workspace_root(d: str) -> bool:
    """A folder holding `.git`, `package.json` or a `*.train.*` config (as storeLocation.ts's isWorkspaceRoot)."""
    if os.path.exists(os.path.join(d, ".git")) or os.path.exists(os.path.join(d, "package.json")):
        return True
    try:
        return any(not n.startswith(".") and ".train." in n for n in os.listdir(d))
    except OSError:
        return False


def find_store_dir(cwd: str | None = None) -> str:
    """`$RUNLENS_STORE`, else the nearest `.runlens/` holding a store.db from cwd up to its workspace root (and
    never above $HOME), else `./.runlens`: the CLI's rule (src/cli/storeLocation.ts), so a stray `.runlens/`
    in a shared parent folder does not collect the runs of every project below it."""
    cwd = os.path.abspath(cwd or os.getcwd())
    env = os.environ.get("RUNLENS_STORE", "").strip()
    if env:
        return os.path.abspath(os.path.join(cwd, env))
    home = os.path.abspath(os.environ.get("HOME") or os.path.expanduser("~"))
    d = cwd
    while True:
        if os.path.exists(os.path.join(d, ".runlens", "store.db")):
            return os.path.join(d, ".runlens")
        parent = os.path.dirname(d)
        if _is_workspace_root(d) or d == home or parent == d:
            break
        d = parent
    return os.path.join(cwd, ".runlens")


def _is_busy(e: Exception) -> bool:
    return isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "busy" in str(e))


# ── refusing what RunLens did not make (as src/store/openDatabase.ts) ────────

_STATE_FILE = "store-state.json"
_OPTIONAL_TABLES = ("sqlite_stat1", "sqlite_stat4")
_expected_cache: dict = {}


def _statements(script: str):
    stmt = ""
    for line in script.splitlines(keepends=True):
        stmt += line
        if sqlite3.complete_statement(stmt):
            yield stmt
            stmt = ""


def _schema_objects(conn: sqlite3.Connection) -> dict:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return {name: (typ, tbl, None if sql is None else " ".join(sql.split())) for typ, name, tbl, sql in rows}


def _expected_objects(version: int) -> dict:
    """The objects a fresh store of schema `version` has (our own SQL, in memory)."""
    if version not in _expected_cache:
        mem = sqlite3.connect(":memory:")
        try:
            for step in _MIGRATIONS[:version]:
                for stmt in _statements(step):
                    mem.execute(stmt)
            _expected_cache[version] = _schema_objects(mem)
        finally:
            mem.close()
    return _expected_cache[version]


def _check_shape(conn: sqlite3.Connection, db_path: str) -> tuple[int, bool]:
    """Refuses a store that is not exactly what RunLens creates for its user_version (a view or
    trigger slipped in could hang or mislead the next query), before any other query.
    Returns (version, blank). One snapshot: another process may be creating the store."""
    conn.execute("BEGIN")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        actual = _schema_objects(conn)
    finally:
        conn.execute("COMMIT")
    if version > SCHEMA_VERSION:
        raise RunLensError(
            f"{db_path} was written by a newer RunLens (schema {version}, this Python helper knows "
            f"{SCHEMA_VERSION}); upgrade the runlens Python package")
    if version < 0:
        raise RunLensError(f"{db_path} is not a RunLens store: unknown schema version {version} (PRAGMA user_version)")
    expected = _expected_objects(version)
    for name, (typ, tbl, sql) in expected.items():
        got = actual.get(name)
        if got is None:
            raise RunLensError(f'{db_path} is not a RunLens store of schema {version}: {typ} "{name}" is missing')
        if got[0] != typ:
            raise RunLensError(f'{db_path} is not a RunLens store of schema {version}: "{name}" is a {got[0]}, RunLens created a {typ}')
        if got[1] != tbl or got[2] != sql:
            raise RunLensError(f'{db_path} is not a RunLens store of schema {version}: {got[0]} "{name}" does not have the shape RunLens created')
    for name, (typ, _, _) in actual.items():
        if name in expected or (typ == "table" and name in _OPTIONAL_TABLES):
            continue
        of = "" if version == 0 else f" of schema {version}"
        raise RunLensError(f'{db_path} is not a RunLens store{of}: it has a {typ} "{name}" that RunLens did not create')
    return version, not actual


def _data_evidence(directory: str, blank_db: bool) -> str | None:
    """The first thing in the store folder that shows a store lived there (storeFolder.ts)."""
    try:
        names = sorted(os.listdir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return None
    for name in names:
        full = os.path.join(directory, name)
        if name == ".gitignore":
            continue
        if re.fullmatch(r"store\.db(-wal|-shm|-journal)?", name) and (blank_db or (os.path.isfile(full) and os.path.getsize(full) == 0)):
            continue
        if name == "artifacts" and os.path.isdir(full):
            for inner in sorted(os.listdir(full)):
                if inner == "tmp" and os.path.isdir(os.path.join(full, inner)) and not os.listdir(os.path.join(full, inner)):
                    continue
                return f"artifacts/{inner}"
            continue
        return name
    return None


def _refuse_new_store(directory: str, db_path: str, what: str) -> None:
    evidence = _data_evidence(directory, what == "holds no tables")
    if evidence is not None:
        raise RunLensError(
            f"{db_path} {what} but {directory} still holds RunLens data ({evidence}); RunLens will not start a new "
            "store over it: restore store.db from a backup, or run `runlens doctor --repair` to set it aside and start "
            "a new store (nothing is deleted)")


def _stamp(path: str):
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return {"size": st.st_size, "mtimeMs": st.st_mtime_ns / 1e6, "ino": st.st_ino}


def _same_stamp(a, b) -> bool:
    return bool(a and b) and a.get("size") == b["size"] and a.get("ino") == b["ino"] \
        and round(a.get("mtimeMs", -1)) == round(b["mtimeMs"])


def _read_state(directory: str) -> dict:
    try:
        with open(os.path.join(directory, _STATE_FILE), encoding="utf-8") as f:
            state = json.load(f)
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def _update_state(directory: str, patch: dict) -> None:
    """Merges `patch` into store-state.json (temp file + rename), as storeState.ts; best effort."""
    state = {**_read_state(directory), **patch}
    temp = os.path.join(directory, f".{_STATE_FILE}.{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(temp, "x", encoding="utf-8") as f:
            f.write(json.dumps(state) + "\n")
        os.replace(temp, os.path.join(directory, _STATE_FILE))
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(temp)


def _quick_check_if_changed(conn: sqlite3.Connection, directory: str, db_path: str) -> None:
    """quick_check when store.db changed since the last check that passed (integrity.ts); a damaged
    file is refused, since this helper only writes."""
    before = _stamp(db_path)
    if _same_stamp(_read_state(directory).get("checked"), before):
        return
    try:
        first = str(conn.execute("PRAGMA quick_check(1)").fetchone()[0])
    except sqlite3.DatabaseError as e:
        first = str(e)
    if first != "ok":
        finding = re.sub(r"\s*\n\s*", "; ", re.sub(r"^\*\*\* in database \w+ \*\*\*\s*", "", first)).strip()
        raise RunLensError(
            f"{db_path} is damaged (quick_check: {finding}); writes are refused: run `runlens doctor --repair` to copy "
            "what is readable into a new store")
    if before and _same_stamp(before, _stamp(db_path)):
        _update_state(directory, {"checked": {**before, "at": _now_ms()}})


def _explain(e: sqlite3.DatabaseError, db_path: str) -> RunLensError:
    """SQLite's errors about the file itself, naming the file (errors.ts explainSqliteError)."""
    msg = str(e)
    if "file is not a database" in msg:
        return RunLensError(f"{db_path} is not a SQLite database ({msg}); restore it from a backup, or run `runlens doctor`")
    if "malformed" in msg:
        return RunLensError(f"{db_path} is damaged ({msg}); run `runlens doctor --repair` to copy what is readable into a new store")
    if "readonly" in msg or "read-only" in msg:
        return RunLensError(f"cannot write to {db_path}: {msg}")
    return RunLensError(f"{db_path}: {msg}")


class _Store:
    """One connection to a store directory; `write(fn)` runs fn in BEGIN IMMEDIATE."""

    def __init__(self, directory: str):
        self.dir = os.path.abspath(directory)
        self.db_path = os.path.join(self.dir, "store.db")
        self.artifacts = os.path.join(self.dir, "artifacts")
        self.tmp = os.path.join(self.artifacts, "tmp")
        # Never a new store over an old one's data: a lost or emptied store.db would make its blobs orphans.
        if os.path.isdir(self.db_path):
            raise RunLensError(f"{self.db_path} is a folder, not a RunLens store database; move it away, or restore "
                               "store.db from a backup")
        if not os.path.exists(self.db_path):
            _refuse_new_store(self.dir, self.db_path, "is missing")
        elif os.path.getsize(self.db_path) == 0:
            _refuse_new_store(self.dir, self.db_path, "is empty (0 bytes)")
        os.makedirs(self.dir, exist_ok=True)
        # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves. The
        # lock serialises the user's thread and the flush thread on one connection.
        self.conn = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                    check_same_thread=False)
        self.lock = threading.RLock()
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.conn.execute("PRAGMA trusted_schema = OFF")
            self.conn.execute("PRAGMA foreign_keys = ON")
            # The shape check runs before any other query, and before journal_mode (which writes).
            try:
                version, blank = _check_shape(self.conn, self.db_path)
                if blank:
                    _refuse_new_store(self.dir, self.db_path, "holds no tables")
                else:
                    _quick_check_if_changed(self.conn, self.dir, self.db_path)
            except sqlite3.DatabaseError as e:
                raise _explain(e, self.db_path) from None
            os.makedirs(self.tmp, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                with open(os.path.join(self.dir, ".gitignore"), "x") as f:
                    f.write("*\n")
            self._retry(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.write(self._create_schema)
        except BaseException:
            self.conn.close()
            raise

    def _version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise RunLensError(
                f"{self.db_path} was written by a newer RunLens (schema {version}, this Python helper knows "
                f"{SCHEMA_VERSION}); upgrade the runlens Python package")

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        version = self._version()  # re-read under the write lock: another process may have created it
        self._check_version(version)
        if version == SCHEMA_VERSION:
            return
        # A new store gets every step; an older one (schema 1) the missing ones.
        # executescript would COMMIT first; run statement by statement inside our transaction.
        for step in _MIGRATIONS[version:]:
            stmt = ""
            for line in step.splitlines(keepends=True):
                stmt += line
                if sqlite3.complete_statement(stmt):
                    conn.execute(stmt)
                    stmt = ""
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @staticmethod
    def _retry(fn, attempts: int = 8):
        # busy_timeout covers almost everything; SQLite returns BUSY without
        # waiting in a few cases (WAL recovery), as connection.ts withBusyRetry notes.
        for i in range(attempts):
            try:
                return fn()
            except sqlite3.OperationalError as e:
                if not _is_busy(e) or i + 1 >= attempts:
                    raise
                time.sleep(min(1.0, 0.02 * 2 ** i) * (0.5 + random.random()))

    def write(self, fn):
        with self.lock:
            def tx():
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(self.conn)
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise
                self.conn.execute("COMMIT")
                return result
            return self._retry(tx)

    def close(self) -> None:
        with self.lock:
            self.conn.close()


# ── value text (mirrors src/store/keyValues.ts) ──────────────────────────────

_NUMERIC_RE = re.compile(r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_INFINITY_RE = re.compile(r"^([-+]?)inf(inity)?$", re.IGNORECASE)


def _numeric_value(text: str):
    t = text.strip()
    if _NUMERIC_RE.match(t):
        return float(t)
    m = _INFINITY_RE.match(t)
    if m:
        return -math.inf if m.group(1) == "-" else math.inf
    return None


def _js_number(v: float) -> str:
    """JavaScript's String(number), so a value logged from Python and from the
    TS side (e.g. a config's `lr: 1.0`) gives the same param text."""
    if v != v:
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "0"
    sign, digits, exp = decimal.Decimal(repr(v)).normalize().as_tuple()
    ds = "".join(map(str, digits))
    k, n = len(ds), exp + len(ds)
    if k <= n <= 21:
        s = ds + "0" * (n - k)
    elif 0 < n <= 21:
        s = ds[:n] + "." + ds[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * -n + ds
    else:
        e = n - 1
        s = ds[0] + ("." + ds[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return ("-" if sign else "") + s


def _value_text(value) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):
        return "true" if value else "false"
    if isinstance(value, int) or (hasattr(value, "__index__") and not isinstance(value, float)):
        with contextlib.suppress(TypeError):
            return str(operator.index(value))
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        return _js_number(float(value))
    return str(value)


def _check_key(kind: str, key) -> str:
    if not isinstance(key, str) or not key:
        raise TypeError(f"{kind} key must be a non-empty string")
    return key


def _normalize_artifact_path(p: str) -> str:
    clean = re.sub(r"/+", "/", re.sub(r"^(\./)+", "", p.replace("\\", "/")))
    if not clean or clean.startswith("/") or re.match(r"^[a-zA-Z]:", clean) or ".." in clean.split("/"):
        raise RunLensError(f'invalid artifact path "{p}" (use a relative path inside the run, without "..")')
    return clean


_ADJECTIVES = ("amber bold brave bright calm clever cosmic crisp daring eager fancy fast fierce gentle golden happy "
               "hidden jolly keen kind lively lucky mellow mighty misty noble polite proud quick quiet rapid rustic "
               "shiny silent silver sleek smooth snowy solid steady sunny swift tidy vivid warm wild wise witty young "
               "zesty").split()
_ANIMALS = ("badger bat bear beaver bison crane crow deer dingo dolphin eagle falcon ferret finch fox gecko goose "
            "hare hawk heron ibis jackal koala lemur lion lynx marten mole moose newt otter owl panda puffin quail "
            "raven robin seal shrew sloth squid stoat swan tapir tiger toad trout walrus wolf yak").split()


def _unique_run_name(conn: sqlite3.Connection, experiment_id: int) -> str:
    """Like ids.ts uniqueRunName: `brave-otter-42`, the number growing after collisions."""
    for i in range(1000):
        name = f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_ANIMALS)}-{secrets.randbelow(100)}"
        if i >= 20:
            name += str(1000 + secrets.randbelow(999_000))
        if conn.execute("SELECT 1 FROM runs WHERE experiment_id = ? AND name = ?", (experiment_id, name)).fetchone() is None:
            return name
    raise RunLensError("could not find a free run name")


# ── runs ─────────────────────────────────────────────────────────────────────

class Run:
    """A run being logged. Use the module functions, or these methods directly."""

    def __init__(self, store: _Store, run_id: str, attached: bool):
        self.id = run_id
        self.store = store
        #: True when the run belongs to a RunLens-launched command (RUNLENS_RUN_ID): its status is the launcher's.
        self.attached = attached
        self.ended = False
        self._buffer: list[tuple[str, float, int | None, int]] = []
        self._first_buffered = 0.0
        self._last_heartbeat = time.monotonic()
        #: The notebook this run was started from (tag runlens.notebook); snapshotted as an artifact at the end.
        self.notebook: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._flush_loop, name="runlens-flush", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"<runlens.Run {self.id}>"

    def _repr_html_(self) -> str:
        """Jupyter's rich display: name, status, params, latest metrics and a sparkline each (runlens_notebook)."""
        import runlens_notebook
        return runlens_notebook.run_html(self)

    # context manager: an exception marks the run failed, Ctrl-C killed.
    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.end(*_status_for(exc_type, exc))

    def log_params(self, params: dict) -> None:
        """Params are immutable: logging a key again with the same value is fine, another value raises."""
        items = [(_check_key("param", k), _value_text(v)) for k, v in params.items()]

        def tx(conn):
            for key, text in items:
                cur = conn.execute("INSERT INTO params (run_id, key, value, num) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                   (self.id, key, text, _numeric_value(text)))
                if cur.rowcount == 0:
                    old = conn.execute("SELECT value FROM params WHERE run_id = ? AND key = ?", (self.id, key)).fetchone()[0]
                    if old != text:
                        raise RunLensError(f'param "{key}" of run {self.id[:8]} is already "{old}"; cannot change it '
                                           f'to "{text}" (params are immutable)')
        self.store.write(tx)

    def set_tags(self, tags: dict) -> None:
        """Tags are mutable; a None value deletes the tag."""
        items = [(_check_key("tag", k), None if v is None else _value_text(v)) for k, v in tags.items()]

        def tx(conn):
            for key, text in items:
                if text is None:
                    conn.execute("DELETE FROM tags WHERE run_id = ? AND key = ?", (self.id, key))
                else:
                    conn.execute("INSERT INTO tags (run_id, key, value, num) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key) "
                                 "DO UPDATE SET value = excluded.value, num = excluded.num",
                                 (self.id, key, text, _numeric_value(text)))
        self.store.write(tx)

    def log_metrics(self, metrics: dict, step: int | None = None, timestamp: int | None = None) -> None:
        """Buffers the points; they are written in one transaction per batch. `timestamp`: milliseconds
        since the epoch when the values were measured (default: now), as MLflow's log_metric takes it."""
        if self.ended:
            raise RunLensError(f"run {self.id[:8]} has ended")
        if step is not None:
            if isinstance(step, (bool, float)):
                raise RunLensError(f"step must be an integer, got {step!r}")
            step = operator.index(step)
        ts = _now_ms() if timestamp is None else int(timestamp)
        points = []
        for key, value in metrics.items():
            _check_key("metric", key)
            if isinstance(value, (str, bytes, bool)) or value is None:
                raise RunLensError(f'metric "{key}": value must be a number, got {type(value).__name__}')
            points.append((key, float(value), step, ts))
        with self.store.lock:
            if not self._buffer:
                self._first_buffered = time.monotonic()
            self._buffer.extend(points)
            if len(self._buffer) >= FLUSH_POINTS or time.monotonic() - self._first_buffered >= FLUSH_SECONDS:
                self.flush()

    def log_artifact(self, local_path: str, artifact_path: str | None = None) -> list[dict]:
        """Stores a file (or every file of a directory) under `artifact_path/<name>`, as MLflow does.
        Returns [{path, sha256, size}]."""
        local_path = os.fspath(local_path)
        base = os.path.basename(os.path.normpath(local_path))
        prefix = (artifact_path.rstrip("/\\") + "/") if artifact_path else ""
        if os.path.isdir(local_path):
            files = []
            for root, _dirs, names in os.walk(local_path):
                for n in sorted(names):
                    full = os.path.join(root, n)
                    files.append((full, prefix + base + "/" + os.path.relpath(full, local_path).replace(os.sep, "/")))
        else:
            files = [(local_path, prefix + base)]
        return [self._log_file(src, _normalize_artifact_path(rel)) for src, rel in files]

    def _log_file(self, src: str, rel: str) -> dict:
        temp = os.path.join(self.store.tmp, f"{os.getpid()}-{secrets.token_hex(6)}.tmp")
        h = hashlib.sha256()
        size = 0
        try:
            try:
                fin = open(src, "rb")
            except OSError as e:
                raise RunLensError(f"cannot read artifact file {src}: {e}") from e
            with fin, open(temp, "xb") as fout:
                while chunk := fin.read(1 << 20):
                    h.update(chunk)
                    fout.write(chunk)
                    size += len(chunk)
            sha = h.hexdigest()
            blob = os.path.join(self.store.artifacts, sha[:2], sha)

            def tx(conn):
                # Blob check, rename and row insert under the write lock, as in
                # artifactStore.ts, so a concurrent gc cannot drop a blob being referenced.
                if conn.execute("SELECT 1 FROM runs WHERE id = ?", (self.id,)).fetchone() is None:
                    raise RunLensError(f"no run with id {self.id}")
                row = conn.execute("SELECT sha256 FROM artifacts WHERE run_id = ? AND path = ?", (self.id, rel)).fetchone()
                if not os.path.exists(blob):
                    os.makedirs(os.path.dirname(blob), exist_ok=True)
                    os.replace(temp, blob)
                conn.execute("INSERT OR REPLACE INTO artifacts (run_id, path, sha256, size, kind, created_at) "
                             "VALUES (?, ?, ?, ?, 'file', ?)", (self.id, rel, sha, size, _now_ms()))
                if row is not None and row[0] != sha and conn.execute(
                        "SELECT 1 FROM artifacts WHERE sha256 = ? LIMIT 1", (row[0],)).fetchone() is None:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(self.store.artifacts, row[0][:2], row[0]))
            self.store.write(tx)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        return {"path": rel, "sha256": sha, "size": size}

    def flush(self, status: str | None = None, error: str | None = None) -> None:
        """Writes the buffered points (and a heartbeat), plus the final status when given, in one transaction."""
        with self.store.lock:
            points, self._buffer = self._buffer, []
            try:
                self.store.write(lambda conn: self._flush_tx(conn, points, status, error))
            except BaseException:
                self._buffer = points + self._buffer  # keep them for the next attempt
                raise
            self._last_heartbeat = time.monotonic()

    def _flush_tx(self, conn, points, status, error) -> None:
        now = _now_ms()
        series: dict[str, dict] = {}
        for key, value, step, ts in points:
            s = series.get(key)
            if s is None:
                s = series[key] = self._load_series(conn, key)
            if step is None:
                step = s["latest_step"] + 1 if s["latest_step"] is not None else 0
            seq = s["count"]
            s["count"] += 1
            finite_or_inf = value == value
            conn.execute("INSERT INTO metric_points (series_id, step, seq, timestamp, value) VALUES (?, ?, ?, ?, ?)",
                         (s["id"], step, seq, ts, value if finite_or_inf else None))
            if s["latest_step"] is None or step >= s["latest_step"]:
                s["latest_step"], s["latest"], s["latest_ts"] = step, value, ts
            else:
                s["monotonic"] = 0
            if finite_or_inf:
                if s["min"] is None:
                    s["min"] = s["max"] = value
                elif value < s["min"]:
                    s["min"] = value
                elif value > s["max"]:
                    s["max"] = value
        for s in series.values():
            latest = s["latest"]
            # rollup_n is left as it is (see schema.ts): readers fall back to scanning the tail.
            conn.execute("UPDATE metric_series SET count = ?, latest = ?, latest_step = ?, latest_ts = ?, min = ?, "
                         "max = ?, monotonic = ? WHERE id = ?",
                         (s["count"], latest if latest is not None and latest == latest else None, s["latest_step"],
                          s["latest_ts"], s["min"], s["max"], s["monotonic"], s["id"]))
        if status is None or self.attached:
            conn.execute("UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status IN ('running', 'queued')", (now, self.id))
        else:
            cur = conn.execute("UPDATE runs SET status = ?, ended_at = ?, heartbeat_at = ?, error = ? WHERE id = ?",
                               (status, now, now, error, self.id))
            if cur.rowcount == 0:
                raise RunLensError(f"no run with id {self.id}")

    def _load_series(self, conn, key: str) -> dict:
        cols = ("id", "count", "latest", "latest_step", "latest_ts", "min", "max", "monotonic")
        sql = f"SELECT {', '.join(cols)} FROM metric_series WHERE run_id = ? AND key = ?"
        row = conn.execute(sql, (self.id, key)).fetchone()
        if row is None:
            try:
                conn.execute("INSERT INTO metric_series (run_id, key) VALUES (?, ?)", (self.id, key))
            except sqlite3.IntegrityError as e:
                raise RunLensError(f"no run with id {self.id}") from e
            row = conn.execute(sql, (self.id, key)).fetchone()
        s = dict(zip(cols, row))
        if s["latest"] is None and s["latest_step"] is not None:
            s["latest"] = math.nan  # NULL latest of a series with points = a NaN latest
        return s

    def _flush_loop(self) -> None:
        # Writes buffered points within FLUSH_SECONDS, and heartbeats while the
        # user's code is busy elsewhere (a long fit logs nothing).
        while not self._stop.wait(min(FLUSH_SECONDS, HEARTBEAT_SECONDS) / 2):
            try:
                with self.store.lock:
                    if self.ended:
                        return
                    due = self._buffer and time.monotonic() - self._first_buffered >= FLUSH_SECONDS
                    if due or time.monotonic() - self._last_heartbeat >= HEARTBEAT_SECONDS:
                        self.flush()
            except Exception as e:  # never kill the user's program from here; the next flush retries
                print(f"runlens: background flush failed: {e}", file=sys.stderr)

    def end(self, status: str = "finished", error: str | None = None) -> None:
        """Flushes and sets the final status (finished, failed or killed). Attached runs keep the status
        their launcher sets."""
        if status not in ("finished", "failed", "killed"):
            raise RunLensError(f'unknown final status "{status}" (expected finished, failed or killed)')
        # ── system metrics (#19, python/runlens_system.py): the last sample and the summaries, before the lock
        system, self._system = getattr(self, "_system", None), None
        if system is not None and not self.ended:
            with contextlib.suppress(Exception):
                system.stop()
        # ── end of system metrics
        with self.store.lock:
            if self.ended:
                return
            self._snapshot_notebook()
            self.flush(status, error)
            self.ended = True
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        global _active
        if _active is self:
            _active = None

    def _snapshot_notebook(self) -> None:
        """The notebook's .ipynb as it is on disk now, as the artifact notebook/<name>.ipynb (best effort)."""
        if not self.notebook:
            return
        try:
            self.log_artifact(self.notebook, artifact_path="notebook")
        except Exception as e:  # a moved or unreadable notebook must not keep the run from ending
            print(f"runlens: no snapshot of the notebook {self.notebook}: {e}", file=sys.stderr)


def _status_for(exc_type, exc) -> tuple[str, str | None]:
    if exc_type is None:
        return "finished", None
    if issubclass(exc_type, KeyboardInterrupt):
        return "killed", "interrupted (KeyboardInterrupt)"
    if issubclass(exc_type, SystemExit) and exc is not None and exc.code in (None, 0):
        return "finished", None
    return "failed", f"{exc_type.__name__}: {exc}"


# ── module-level API (one active run per process, like MLflow) ───────────────

_active: Run | None = None
_stores: dict[str, _Store] = {}
_exit_status: tuple[str, str | None] | None = None


def _store(directory: str) -> _Store:
    key = os.path.abspath(directory)
    if key not in _stores:
        _stores[key] = _Store(key)
    return _stores[key]


def start_run(experiment: str | None = None, name: str | None = None, tags: dict | None = None,
              store: str | None = None, notebook: str | None = None) -> Run:
    """Starts a run (or attaches to the one RunLens launched this process for, when RUNLENS_RUN_ID is set)
    and makes it the active run. Use it as `with start_run(...):` or call `end_run()` yourself (in a notebook,
    the run stays open across cells). `notebook`: the .ipynb this runs in, found by itself in VS Code and
    Jupyter; it is tagged runlens.notebook and snapshotted as an artifact when the run ends."""
    global _active
    if _active is not None and not _active.ended:
        raise RunLensError(f"run {_active.id[:8]} is already active; end it first (runlens.end_run())")
    attach_id = os.environ.get("RUNLENS_RUN_ID", "").strip().lower()
    nb = None
    if notebook is not None or "IPython" in sys.modules:  # only then: a script never imports the notebook module
        import runlens_notebook
        nb = runlens_notebook.notebook_path(notebook)
        # In IPython, a cell's metrics are in the store when the cell ends: a kernel that dies later loses none.
        runlens_notebook.flush_after_each_cell(lambda: active_run() and active_run().flush())
    # A notebook's store is found from the notebook's folder: its kernel may run somewhere else.
    from_dir = os.path.dirname(nb) if nb and not os.environ.get("RUNLENS_STORE", "").strip() else None
    s = _store(store or find_store_dir(from_dir))
    if attach_id:
        if not s.conn.execute("SELECT 1 FROM runs WHERE id = ?", (attach_id,)).fetchone():
            raise RunLensError(f"RUNLENS_RUN_ID={attach_id} names no run in {s.dir}")
        run = Run(s, attach_id, attached=True)
    else:
        exp = (experiment or os.environ.get("RUNLENS_EXPERIMENT") or DEFAULT_EXPERIMENT).strip()
        if not exp:
            raise RunLensError("experiment name must not be empty")

        def tx(conn):
            now = _now_ms()
            conn.execute("INSERT INTO experiments (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING", (exp, now))
            exp_id = conn.execute("SELECT id FROM experiments WHERE name = ?", (exp,)).fetchone()[0]
            run_id = secrets.token_hex(16)
            conn.execute("INSERT INTO runs (id, experiment_id, name, status, created_at, started_at, heartbeat_at, pid, host, "
                         "runlens_version) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                         (run_id, exp_id, (name or "").strip() or _unique_run_name(conn, exp_id), now, now, now,
                          os.getpid(), socket.gethostname(), f"python-{__version__}"))
            return run_id
        run = Run(s, s.write(tx), attached=False)
    _active = run
    _install_exit_hooks()
    if nb:
        run.notebook = nb
        run.set_tags({runlens_notebook.NOTEBOOK_TAG: nb})
    if tags:
        run.set_tags(tags)
    # ── system metrics (#19, python/runlens_system.py): off for a run RunLens launched (run.attached: RUNLENS_RUN_ID
    # is set), whose launcher samples the command's whole process tree, this process included
    try:
        import runlens_system
        run._system = runlens_system.start_for(run)
    except ImportError:  # runlens.py copied alone, without its sibling module
        run._system = None
    # ── end of system metrics
    return run


def active_run() -> Run | None:
    return _active if _active is not None and not _active.ended else None


def _run() -> Run:
    """The active run, started on first use (as MLflow does)."""
    return active_run() or start_run()


def end_run(status: str = "finished", error: str | None = None) -> None:
    run = active_run()
    if run is not None:
        run.end(status, error)


def log_param(key: str, value) -> None:
    _run().log_params({key: value})


def log_params(params: dict) -> None:
    _run().log_params(params)


def log_metric(key: str, value, step: int | None = None) -> None:
    _run().log_metrics({key: value}, step)


def log_metrics(metrics: dict, step: int | None = None) -> None:
    _run().log_metrics(metrics, step)


def set_tag(key: str, value) -> None:
    _run().set_tags({key: value})


def set_tags(tags: dict) -> None:
    _run().set_tags(tags)


def log_artifact(local_path: str, artifact_path: str | None = None) -> list[dict]:
    return _run().log_artifact(local_path, artifact_path)


_hooks_installed = False


def _install_exit_hooks() -> None:
    """An uncaught exception outside a `with` block fails the active run (Ctrl-C kills it); a normal exit finishes it."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    previous = sys.excepthook

    def hook(exc_type, exc, tb):
        global _exit_status
        _exit_status = _status_for(exc_type, exc)
        previous(exc_type, exc, tb)
    sys.excepthook = hook
    atexit.register(_at_exit)


def _at_exit() -> None:
    run = active_run()
    if run is not None:
        with contextlib.suppress(Exception):
            run.end(*(_exit_status or ("finished", None)))
    for s in _stores.values():
        with contextlib.suppress(Exception):
            s.close()


# ── scikit-learn ─────────────────────────────────────────────────────────────

_fit_depth = threading.local()


def _param_text(v) -> object:
    text = v if isinstance(v, (str, int, float, bool)) or v is None else repr(v)
    return text[:500] if isinstance(text, str) else text


def _log_fit(estimator, X, y) -> None:
    run = _run()
    params = {k: _param_text(v) for k, v in estimator.get_params(deep=True).items()}
    try:
        run.log_params(params)
    except RunLensError as e:  # a second fit with other params in the same run: keep training
        print(f"runlens: {e}", file=sys.stderr)
    run.set_tags({"estimator_class": f"{type(estimator).__module__}.{type(estimator).__name__}"})
    if y is not None and hasattr(estimator, "score"):
        with contextlib.suppress(Exception):
            run.log_metrics({"training_score": estimator.score(X, y)})


def _is_model(estimator) -> bool:
    from sklearn.base import is_classifier, is_regressor
    return is_classifier(estimator) or is_regressor(estimator) or type(estimator).__name__ == "Pipeline"


def _wrap_fit(original):
    def fit(self, *args, **kwargs):
        depth = getattr(_fit_depth, "n", 0)
        _fit_depth.n = depth + 1
        try:
            result = original(self, *args, **kwargs)
        finally:
            _fit_depth.n = depth
        # Only the outermost fit of a model: a Pipeline or forest fits inner estimators too.
        if depth == 0 and _is_model(self):
            X = args[0] if args else kwargs.get("X")
            y = args[1] if len(args) > 1 else kwargs.get("y")
            started = active_run() is None
            try:
                _log_fit(self, X, y)
            finally:
                if started:
                    end_run()
        return result
    fit.__wrapped__ = original
    fit.__name__ = getattr(original, "__name__", "fit")
    fit.__doc__ = getattr(original, "__doc__", None)
    fit._runlens = True
    return fit


def autolog() -> None:
    """Patches `fit` of every scikit-learn estimator (at the class that defines it) to log
    `get_params()` as params and `score(X, y)` as `training_score`. A fit outside a run gets its own run."""
    from sklearn.pipeline import Pipeline
    from sklearn.utils import all_estimators
    # Models only: a transformer's fit (StandardScaler, LabelEncoder inside f1_score...) is not a training run.
    classes = [c for _name, c in all_estimators(type_filter=["classifier", "regressor"])] + [Pipeline]
    for cls in classes:
        for owner in cls.__mro__:
            f = owner.__dict__.get("fit")
            if f is None:
                continue
            if not getattr(f, "_runlens", False) and callable(f):
                setattr(owner, "fit", _wrap_fit(f))
            break


def log_test_metrics(estimator, X_test, y_test, prefix: str = "test_") -> dict:
    """Logs accuracy and f1 (classifiers) or r2 and rmse (regressors) on a held-out set; returns them."""
    from sklearn import metrics as m
    from sklearn.base import is_classifier
    pred = estimator.predict(X_test)
    if is_classifier(estimator):
        labels = {str(v) for v in list(y_test)}
        binary = labels <= {"0", "1"} or labels <= {"False", "True"}
        out = {"accuracy": m.accuracy_score(y_test, pred),
               "f1": m.f1_score(y_test, pred, average="binary" if binary else "weighted")}
    else:
        out = {"r2": m.r2_score(y_test, pred), "rmse": math.sqrt(m.mean_squared_error(y_test, pred))}
    out = {prefix + k: float(v) for k, v in out.items()}
    _run().log_metrics(out)
    return out


#: `runlens.sklearn.autolog()`, `runlens.sklearn.log_test_metrics(...)`.
sklearn = types.SimpleNamespace(autolog=autolog, log_test_metrics=log_test_metrics)
