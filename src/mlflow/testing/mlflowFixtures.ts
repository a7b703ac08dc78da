/**
 * MLflow stores for tests, written from MLflow's documented formats (Python
 * mlflow is not installable here): a file store as `mlflow.FileStore` lays it
 * out, and a SQLite tracking database with the tables of MLflow's
 * `store/tracking/dbmodels/models.py`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDriver } from '../../store/connection';

export const PARENT_ID = 'b0a1c2d3e4f5061728394a5b6c7d8e9f';
/** Sorts before the parent, so the importer meets the child first. */
export const CHILD_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const DELETED_ID = 'dddddddddddddddddddddddddddddddd';
export const MNIST_RUN_ID = 'c0ffee00c0ffee00c0ffee00c0ffee00';
export const T0 = 1_700_000_000_000;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function experimentMeta(root: string, id: string, name: string): string {
  return [
    `artifact_location: ${pathToFileURL(path.join(root, id)).href}`,
    `creation_time: ${T0 - 1000}`,
    `experiment_id: '${id}'`,
    `last_update_time: ${T0 - 1000}`,
    'lifecycle_stage: active',
    `name: ${name}`,
    '',
  ].join('\n');
}

interface RunMeta {
  readonly id: string;
  readonly exp: string;
  readonly status: number;
  readonly start: number;
  readonly end: number | null;
  readonly runName?: string;
  readonly lifecycle?: string;
  readonly artifactUri: string;
}

function runMeta(m: RunMeta): string {
  return [
    `artifact_uri: ${m.artifactUri}`,
    `end_time: ${m.end ?? 'null'}`,
    "entry_point_name: ''",
    `experiment_id: '${m.exp}'`,
    `lifecycle_stage: ${m.lifecycle ?? 'active'}`,
    `run_id: ${m.id}`,
    // MLflow < 2 wrote no run_name; the name is then only the mlflow.runName tag.
    ...(m.runName !== undefined ? [`run_name: ${m.runName}`] : []),
    `run_uuid: ${m.id}`,
    "source_name: ''",
    'source_type: 4',
    "source_version: ''",
    `start_time: ${m.start}`,
    `status: ${m.status}`,
    'tags: []',
    'user_id: alice',
    '',
  ].join('\n');
}

/**
 * An `mlruns/` folder: Default (0, empty), "iris" (1) with a parent run, a
 * nested child (old two-field metric lines, a `val/loss` key, name only in
 * its tag) and a deleted run; "mnist" (2) with one killed run whose
 * artifact_uri points to where the store used to live.
 */
export function writeFileStoreFixture(root: string): void {
  write(path.join(root, '0', 'meta.yaml'), experimentMeta(root, '0', 'Default'));
  write(path.join(root, '1', 'meta.yaml'), experimentMeta(root, '1', 'iris'));
  write(path.join(root, '2', 'meta.yaml'), experimentMeta(root, '2', 'mnist'));
  fs.mkdirSync(path.join(root, '.trash'), { recursive: true });

  const parent = path.join(root, '1', PARENT_ID);
  write(path.join(parent, 'meta.yaml'), runMeta({
    id: PARENT_ID, exp: '1', status: 3, start: T0, end: T0 + 60_000, runName: 'sweep-parent',
    artifactUri: pathToFileURL(path.join(parent, 'artifacts')).href,
  }));
  write(path.join(parent, 'params', 'lr'), '0.01');
  write(path.join(parent, 'params', 'max_depth'), '4');
  write(path.join(parent, 'tags', 'mlflow.runName'), 'sweep-parent');
  write(path.join(parent, 'tags', 'mlflow.user'), 'alice');
  write(path.join(parent, 'tags', 'mlflow.source.name'), 'train.py');
  write(path.join(parent, 'tags', 'mlflow.source.git.commit'), 'abc123');
  write(path.join(parent, 'tags', 'team'), 'vision');
  write(path.join(parent, 'metrics', 'loss'), `${T0 + 1} 0.9 0\n${T0 + 2} 0.5 1\n${T0 + 3} 0.25 2\n`);
  write(path.join(parent, 'metrics', 'accuracy'), `${T0 + 3} 0.97 2\n`);
  write(path.join(parent, 'artifacts', 'model', 'model.pkl'), 'pickled-bytes');
  write(path.join(parent, 'artifacts', 'notes.txt'), 'hello from mlflow\n');

  const child = path.join(root, '1', CHILD_ID);
  write(path.join(child, 'meta.yaml'), runMeta({
    id: CHILD_ID, exp: '1', status: 4, start: T0 + 10_000, end: T0 + 20_000,
    artifactUri: pathToFileURL(path.join(child, 'artifacts')).href,
  }));
  write(path.join(child, 'params', 'lr'), '0.1');
  write(path.join(child, 'tags', 'mlflow.runName'), 'trial-1');
  write(path.join(child, 'tags', 'mlflow.parentRunId'), PARENT_ID);
  // MLflow < 1.0 wrote "timestamp value" (no step): read as step 0.
  write(path.join(child, 'metrics', 'old_metric'), `${T0 + 11} 1.5\n${T0 + 12} nan\n`);
  write(path.join(child, 'metrics', 'val', 'loss'), `${T0 + 13} 0.7 5\n${T0 + 14} inf 6\n`);

  const deleted = path.join(root, '1', DELETED_ID);
  write(path.join(deleted, 'meta.yaml'), runMeta({
    id: DELETED_ID, exp: '1', status: 3, start: T0 + 30_000, end: T0 + 31_000, runName: 'oops', lifecycle: 'deleted',
    artifactUri: pathToFileURL(path.join(deleted, 'artifacts')).href,
  }));
  write(path.join(deleted, 'params', 'lr'), '5');

  const mnist = path.join(root, '2', MNIST_RUN_ID);
  write(path.join(mnist, 'meta.yaml'), runMeta({
    id: MNIST_RUN_ID, exp: '2', status: 5, start: T0 + 40_000, end: T0 + 50_000, runName: 'cnn',
    // The store was moved: the absolute URI is stale, the run's own artifacts/ folder holds the files.
    artifactUri: 'file:///nonexistent/old/place/mlruns/2/c0ffee/artifacts',
  }));
  write(path.join(mnist, 'metrics', 'acc'), `${T0 + 41} 0.5 0\n`);
  write(path.join(mnist, 'artifacts', 'plot.txt'), 'curve');
}

/** MLflow's SQLite tracking schema (the tables `runlens import mlflow` reads, plus the bookkeeping ones). */
const MLFLOW_SQLITE_SCHEMA = `
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
CREATE TABLE experiments (
  experiment_id INTEGER NOT NULL, name VARCHAR(256) NOT NULL, artifact_location VARCHAR(256),
  lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT,
  CONSTRAINT experiment_pk PRIMARY KEY (experiment_id), UNIQUE (name),
  CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')));
CREATE TABLE experiment_tags (
  key VARCHAR(250) NOT NULL, value VARCHAR(5000), experiment_id INTEGER NOT NULL,
  CONSTRAINT experiment_tag_pk PRIMARY KEY (key, experiment_id), FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE runs (
  run_uuid VARCHAR(32) NOT NULL, name VARCHAR(250), source_type VARCHAR(20), source_name VARCHAR(500),
  entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT,
  deleted_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200),
  experiment_id INTEGER,
  CONSTRAINT run_pk PRIMARY KEY (run_uuid),
  CONSTRAINT status CHECK (status IN ('SCHEDULED', 'FAILED', 'FINISHED', 'RUNNING', 'KILLED')),
  CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
  FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE tags (
  key VARCHAR(250) NOT NULL, value VARCHAR(5000), run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE TABLE params (
  key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT param_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE TABLE metrics (
  key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL, run_uuid VARCHAR(32) NOT NULL,
  step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL,
  CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan),
  FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE TABLE latest_metrics (
  key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT, step BIGINT NOT NULL, is_nan BOOLEAN NOT NULL,
  run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
`;

/**
 * `mlflow.db`: Default (0) and "churn" (1) with a finished parent, a nested
 * child (a NaN point stored as is_nan) and a deleted run; the parent's
 * artifact_uri is the local folder `artifactRoot/<run>/artifacts`.
 */
export function writeSqliteFixture(file: string, artifactRoot: string): void {
  const Driver = loadDriver();
  const db = new Driver(file);
  try {
    db.exec(MLFLOW_SQLITE_SCHEMA);
    db.prepare('INSERT INTO alembic_version VALUES (?)').run('4465047574b1');
    const exp = db.prepare('INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?)');
    exp.run(0, 'Default', pathToFileURL(path.join(artifactRoot, '0')).href, 'active', T0, T0);
    exp.run(1, 'churn', pathToFileURL(path.join(artifactRoot, '1')).href, 'active', T0, T0);
    const run = db.prepare(`INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,
      start_time, end_time, deleted_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
      VALUES (?, ?, 'LOCAL', '', '', 'bob', ?, ?, ?, NULL, '', ?, ?, 1)`);
    const artifacts = (id: string) => path.join(artifactRoot, '1', id, 'artifacts');
    run.run(PARENT_ID, 'gbm-parent', 'FINISHED', T0, T0 + 5000, 'active', pathToFileURL(artifacts(PARENT_ID)).href);
    run.run(CHILD_ID, 'gbm-fold-0', 'KILLED', T0 + 100, T0 + 900, 'active', pathToFileURL(artifacts(CHILD_ID)).href);
    run.run(DELETED_ID, 'gone', 'FINISHED', T0 + 200, T0 + 300, 'deleted', pathToFileURL(artifacts(DELETED_ID)).href);
    const tag = db.prepare('INSERT INTO tags VALUES (?, ?, ?)');
    tag.run('mlflow.runName', 'gbm-parent', PARENT_ID);
    tag.run('mlflow.user', 'bob', PARENT_ID);
    tag.run('mlflow.runName', 'gbm-fold-0', CHILD_ID);
    tag.run('mlflow.parentRunId', PARENT_ID, CHILD_ID);
    const param = db.prepare('INSERT INTO params VALUES (?, ?, ?)');
    param.run('n_estimators', '200', PARENT_ID);
    param.run('fold', '0', CHILD_ID);
    const metric = db.prepare('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)');
    metric.run('auc', 0.81, T0 + 10, PARENT_ID, 0, 0);
    metric.run('auc', 0.86, T0 + 20, PARENT_ID, 1, 0);
    metric.run('loss', 0, T0 + 30, CHILD_ID, 0, 1);
    metric.run('loss', 0.4, T0 + 40, CHILD_ID, 1, 0);
    db.prepare('INSERT INTO latest_metrics VALUES (?, ?, ?, ?, ?, ?)').run('auc', 0.86, T0 + 20, 1, 0, PARENT_ID);
    fs.mkdirSync(artifacts(PARENT_ID), { recursive: true });
    fs.writeFileSync(path.join(artifacts(PARENT_ID), 'feature_importance.json'), '{"age": 0.4}');
  } finally {
    db.close();
  }
}
