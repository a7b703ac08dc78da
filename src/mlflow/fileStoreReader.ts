import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { UserError } from '../core/util/errors';
import type { MetricPoint, RunStatus } from '../store/types';
import { TAG_RUN_NAME, fromMlflowStatus, parsePythonFloat } from './mlflowFormat';
import type { MlflowExperiment, MlflowRun, MlflowSource } from './mlflowSource';

const TRASH = '.trash';
/** Folders of an experiment that are not runs (MLflow's RESERVED_EXPERIMENT_FOLDERS). */
const RESERVED_EXPERIMENT_FOLDERS = new Set(['tags', 'datasets', 'traces']);
/** Folders of the store root that are not experiments. */
const NOT_EXPERIMENTS = new Set([TRASH, 'models', '.runlens']);

/** Parses a meta.yaml into a plain object; a syntax error names file, line and column. */
export function readMetaYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  const doc = parseDocument(text);
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new UserError(`${where}: malformed meta.yaml: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, file, pos?.line, pos?.col);
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(`${file}:1:1: malformed meta.yaml: expected a mapping of keys to values`, file, 1, 1);
  }
  return value as Record<string, unknown>;
}

function requireKey(meta: Record<string, unknown>, key: string, file: string): string {
  const v = meta[key];
  if (v === undefined || v === null || v === '') throw new UserError(`${file}: malformed meta.yaml: missing "${key}"`, file);
  return String(v);
}

function optionalTime(meta: Record<string, unknown>, key: string, file: string): number | null {
  const v = meta[key];
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n)) throw new UserError(`${file}: malformed meta.yaml: "${key}" must be milliseconds since the epoch, got ${JSON.stringify(v)}`, file);
  return n;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function subdirs(dir: string): string[] {
  if (!isDir(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** Files under `dir`, as '/'-separated paths relative to it (MLflow keys with '/' are folders). */
function filesUnder(dir: string): string[] {
  if (!isDir(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(child);
      else if (d.isFile()) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/**
 * Reads a metric file: one point per line, `timestamp value step`; MLflow
 * before 1.0 wrote `timestamp value` (step 0). A bad line names file:line.
 */
export function readMetricFile(file: string, key: string): MetricPoint[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const points: MetricPoint[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    const bad = (why: string) =>
      new UserError(`${file}:${i + 1}: unreadable metric line "${line.slice(0, 80)}": ${why}`, file, i + 1);
    if (parts.length !== 2 && parts.length !== 3) throw bad(`expected "timestamp value step" (or the old "timestamp value"), got ${parts.length} fields`);
    const timestamp = Number(parts[0]);
    if (!/^-?\d+$/.test(parts[0]!) || !Number.isSafeInteger(timestamp)) throw bad(`timestamp "${parts[0]}" is not an integer`);
    const value = parsePythonFloat(parts[1]!);
    if (value === undefined) throw bad(`value "${parts[1]}" is not a number`);
    const step = parts.length === 3 ? Number(parts[2]) : 0;
    if (parts.length === 3 && (!/^-?\d+$/.test(parts[2]!) || !Number.isSafeInteger(step))) throw bad(`step "${parts[2]}" is not an integer`);
    points.push({ key, value, timestamp, step });
  }
  return points;
}

/** The local folder an `artifact_uri` names (`file:///…` or an absolute path); null for remote URIs. */
export function localArtifactPath(uri: string): string | null {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return null;
    }
  }
  if (path.isAbsolute(uri)) return uri;
  return null;
}

/** Whether `dir` looks like an MLflow file store (an experiment folder with a meta.yaml naming it). */
export function isFileStore(dir: string): boolean {
  if (!isDir(dir)) return false;
  const candidates = [...subdirs(dir).filter((d) => !NOT_EXPERIMENTS.has(d)), ...subdirs(path.join(dir, TRASH)).map((d) => path.join(TRASH, d))];
  return candidates.some((d) => fs.existsSync(path.join(dir, d, 'meta.yaml')));
}

/**
 * An MLflow file store (`mlruns/`): `<exp>/meta.yaml`, `<exp>/<run>/meta.yaml`,
 * `metrics/`, `params/`, `tags/`, `artifacts/`; deleted experiments in `.trash/`.
 */
export function openFileStore(root: string): MlflowSource {
  const warnings: string[] = [];
  const expDirs = new Map<string, string>();
  const experiments: MlflowExperiment[] = [];
  const addExperiment = (dir: string, inTrash: boolean) => {
    const metaFile = path.join(dir, 'meta.yaml');
    if (!fs.existsSync(metaFile)) return;
    const meta = readMetaYaml(metaFile);
    const id = requireKey(meta, 'experiment_id', metaFile);
    if (expDirs.has(id)) return;
    expDirs.set(id, dir);
    experiments.push({
      id,
      name: requireKey(meta, 'name', metaFile),
      deleted: inTrash || meta.lifecycle_stage === 'deleted',
      creationTime: optionalTime(meta, 'creation_time', metaFile),
    });
  };
  for (const d of subdirs(root)) if (!NOT_EXPERIMENTS.has(d)) addExperiment(path.join(root, d), false);
  for (const d of subdirs(path.join(root, TRASH))) addExperiment(path.join(root, TRASH, d), true);

  return {
    description: `MLflow file store ${root}`,
    experiments,
    warnings,
    runIds(experimentId) {
      const dir = expDirs.get(experimentId);
      if (!dir) return [];
      return subdirs(dir).filter((d) => !RESERVED_EXPERIMENT_FOLDERS.has(d) && fs.existsSync(path.join(dir, d, 'meta.yaml')));
    },
    readRun(experimentId, runId) {
      const runDir = path.join(expDirs.get(experimentId) ?? root, runId);
      return readRunDir(runDir, experimentId, warnings);
    },
    close() {},
  };
}

function readKeyValues(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of filesUnder(dir)) out[key] = fs.readFileSync(path.join(dir, key), 'utf8');
  return out;
}

function readRunDir(runDir: string, experimentId: string, warnings: string[]): MlflowRun {
  const metaFile = path.join(runDir, 'meta.yaml');
  const meta = readMetaYaml(metaFile);
  const runId = String(meta.run_id ?? meta.run_uuid ?? '') || path.basename(runDir);
  // A missing status means RUNNING in MLflow's reader.
  const status: RunStatus | undefined = meta.status === undefined || meta.status === null ? 'running' : fromMlflowStatus(meta.status);
  if (!status) throw new UserError(`${metaFile}: malformed meta.yaml: unknown status ${JSON.stringify(meta.status)} (expected 1-5 or RUNNING, SCHEDULED, FINISHED, FAILED, KILLED)`, metaFile);
  const tags = readKeyValues(path.join(runDir, 'tags'));
  const metrics: MetricPoint[] = [];
  const metricsDir = path.join(runDir, 'metrics');
  for (const key of filesUnder(metricsDir)) metrics.push(...readMetricFile(path.join(metricsDir, key), key));

  let artifactDir: string | null = null;
  const uri = typeof meta.artifact_uri === 'string' ? meta.artifact_uri : '';
  const declared = uri ? localArtifactPath(uri) : null;
  const fallback = path.join(runDir, 'artifacts');
  if (declared && isDir(declared)) artifactDir = declared;
  else if (isDir(fallback)) artifactDir = fallback;
  else if (uri && !declared) warnings.push(`run ${runId}: artifacts at ${uri} are not local; not imported`);

  const metaName = typeof meta.run_name === 'string' && meta.run_name.trim() ? meta.run_name : null;
  return {
    runId,
    experimentId: String(meta.experiment_id ?? experimentId),
    name: metaName ?? tags[TAG_RUN_NAME] ?? null,
    status,
    startTime: optionalTime(meta, 'start_time', metaFile),
    endTime: optionalTime(meta, 'end_time', metaFile),
    deleted: meta.lifecycle_stage === 'deleted',
    params: readKeyValues(path.join(runDir, 'params')),
    tags,
    metrics,
    artifactDir,
  };
}
