import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { UserError } from '../core/util/errors';
import type { RunStore } from '../store/runStore';
import type { ExperimentRecord, RunRow } from '../store/types';
import { readMetaYaml } from './fileStoreReader';
import {
  DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, MLFLOW_STATUS_INT, SOURCE_TYPE_LOCAL, TAG_GIT_COMMIT, TAG_PARENT_RUN_ID,
  TAG_RUN_NAME, TAG_USER, formatPythonFloat, invalidKeyReason, toMlflowStatus,
} from './mlflowFormat';

/** MLflow's tag for a run's description, which its UI shows and edits: where a RunLens note goes. */
const TAG_NOTE = 'mlflow.note.content';

export interface ExportOptions {
  /** Only runs of this experiment (by name). */
  readonly experiment?: string;
  /** Only runs matching this RunLens filter query. */
  readonly filter?: string;
  readonly onProgress?: (p: { done: number; total: number; run: string }) => void;
}

export interface ExportSummary {
  readonly dir: string;
  readonly experiments: number;
  readonly runs: number;
  readonly metricPoints: number;
  readonly artifacts: number;
  readonly warnings: readonly string[];
}

function writeYaml(file: string, data: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Keys sorted, as MLflow's write_yaml (yaml.safe_dump with sort_keys) writes them.
  const sorted = Object.fromEntries(Object.keys(data).sort().map((k) => [k, data[k]]));
  fs.writeFileSync(file, stringify(sorted, { lineWidth: 0 }));
}

/**
 * The file name MLflow would use for a key. Keys MLflow rejects (characters
 * outside `[/\w.\- ]`, `..` segments) are rewritten with `_`, so nothing is
 * ever written outside the run folder; the caller warns about the rename.
 */
function safeKey(kind: 'metric' | 'parameter' | 'tag', key: string): string {
  if (!invalidKeyReason(kind, key)) return key;
  const cleaned = key
    .replace(/[^/\w.\- ]/g, '_')
    .split('/')
    .map((p) => (p === '' || p === '.' || p === '..' ? '_' : p))
    .join('/')
    .slice(0, 250);
  return cleaned || '_';
}

/** Writes `values` as one file per key under `dir` (keys with '/' become folders). */
function writeKeyFiles(dir: string, kind: 'parameter' | 'tag', values: Readonly<Record<string, string>>, warn: (m: string) => void): void {
  for (const [key, value] of Object.entries(values)) {
    const file = safeKey(kind, key);
    if (file !== key) warn(`${kind} "${key}" written as "${file}" (MLflow does not accept that name)`);
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), value);
  }
}

/** Experiment ids already used in `dir`, by name. */
function existingExperiments(dir: string): Map<string, string> {
  const byName = new Map<string, string>();
  if (!fs.existsSync(dir)) return byName;
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const meta = path.join(dir, d.name, 'meta.yaml');
    if (d.isDirectory() && fs.existsSync(meta)) {
      const m = readMetaYaml(meta);
      if (typeof m.name === 'string') byName.set(m.name, String(m.experiment_id ?? d.name));
    }
  }
  return byName;
}

function assertExportTarget(dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new UserError(`${dir} exists and is not a folder`);
  const entries = fs.readdirSync(dir).filter((e) => e !== '.trash');
  if (entries.length > 0 && !fs.existsSync(path.join(dir, DEFAULT_EXPERIMENT_ID, 'meta.yaml'))) {
    throw new UserError(`${dir} is not empty and not an MLflow file store; export into an empty or new folder, or an existing mlruns folder`);
  }
}

/**
 * Writes RunLens runs as an MLflow file store that MLflow (its UI,
 * `mlflow.search_runs`, `runlens import mlflow`) reads: experiment and run
 * `meta.yaml`, `metrics/`, `params/`, `tags/` and `artifacts/` copied out of
 * the content-addressed store. Exporting into an existing mlruns folder adds
 * or replaces runs by id and reuses experiment ids by name.
 */
export function exportMlflow(store: RunStore, dir: string, opts: ExportOptions = {}): ExportSummary {
  const root = path.resolve(dir);
  assertExportTarget(root);
  const warnings: string[] = [];
  const runs = store.listRuns({ experiment: opts.experiment, filter: opts.filter, sort: 'attributes.created_at ASC' });
  if (opts.experiment !== undefined && !store.findExperiment(opts.experiment)) throw new UserError(`no experiment named "${opts.experiment}"`);
  const allExperiments = store.listExperiments();
  const wanted = opts.experiment !== undefined || opts.filter ? allExperiments.filter((e) => runs.some((r) => r.experimentId === e.id)) : allExperiments;

  fs.mkdirSync(path.join(root, '.trash'), { recursive: true });
  const byName = existingExperiments(root);
  const used = new Set(byName.values());
  const expIds = new Map<number, string>();
  const now = Date.now();
  const writeExperiment = (id: string, name: string, createdAt: number) => {
    writeYaml(path.join(root, id, 'meta.yaml'), {
      artifact_location: pathToFileURL(path.join(root, id)).href,
      creation_time: createdAt,
      experiment_id: id,
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    });
  };
  const idFor = (e: ExperimentRecord): string => {
    const existing = byName.get(e.name) ?? (e.name === DEFAULT_EXPERIMENT_NAME ? DEFAULT_EXPERIMENT_ID : undefined);
    if (existing !== undefined) return existing;
    let id = String(e.id);
    for (let n = e.id; used.has(id); n++) id = String(n + 1);
    used.add(id);
    return id;
  };
  if (!byName.has(DEFAULT_EXPERIMENT_NAME) && !fs.existsSync(path.join(root, DEFAULT_EXPERIMENT_ID, 'meta.yaml'))) {
    writeExperiment(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, now);
  }
  used.add(DEFAULT_EXPERIMENT_ID);
  for (const e of wanted) {
    const id = idFor(e);
    expIds.set(e.id, id);
    writeExperiment(id, e.name, e.createdAt);
  }

  let metricPoints = 0;
  let artifacts = 0;
  runs.forEach((run, i) => {
    const expId = expIds.get(run.experimentId)!;
    const counts = writeRun(store, path.join(root, expId), expId, run, (m) => warnings.push(`run ${run.name}: ${m}`));
    metricPoints += counts.metricPoints;
    artifacts += counts.artifacts;
    opts.onProgress?.({ done: i + 1, total: runs.length, run: run.name });
  });
  return { dir: root, experiments: wanted.length, runs: runs.length, metricPoints, artifacts, warnings };
}

function writeRun(store: RunStore, expDir: string, expId: string, run: RunRow, warn: (m: string) => void): { metricPoints: number; artifacts: number } {
  const runDir = path.join(expDir, run.id);
  fs.rmSync(runDir, { recursive: true, force: true });
  const artifactsDir = path.join(runDir, 'artifacts');
  fs.mkdirSync(artifactsDir, { recursive: true });
  const tags: Record<string, string> = { ...run.tags, [TAG_RUN_NAME]: run.name };
  if (run.parentId) tags[TAG_PARENT_RUN_ID] = run.parentId;
  if (run.gitCommit) tags[TAG_GIT_COMMIT] = run.gitCommit;
  if (run.note) tags[TAG_NOTE] = run.note;
  const user = run.tags[TAG_USER] ?? safeUser();
  tags[TAG_USER] ??= user;
  writeYaml(path.join(runDir, 'meta.yaml'), {
    artifact_uri: pathToFileURL(artifactsDir).href,
    end_time: run.endedAt,
    entry_point_name: '',
    experiment_id: expId,
    lifecycle_stage: 'active',
    run_id: run.id,
    run_name: run.name,
    run_uuid: run.id,
    source_name: '',
    source_type: SOURCE_TYPE_LOCAL,
    source_version: '',
    start_time: run.startedAt ?? run.createdAt,
    status: MLFLOW_STATUS_INT[toMlflowStatus(run.status)],
    tags: [],
    user_id: user,
  });
  writeKeyFiles(path.join(runDir, 'params'), 'parameter', run.params, warn);
  writeKeyFiles(path.join(runDir, 'tags'), 'tag', tags, warn);

  let metricPoints = 0;
  const metricsDir = path.join(runDir, 'metrics');
  fs.mkdirSync(metricsDir, { recursive: true });
  for (const s of store.getMetricSummaries(run.id)) {
    const h = store.getMetricHistory(run.id, s.key);
    const lines: string[] = new Array<string>(h.values.length);
    for (let i = 0; i < h.values.length; i++) lines[i] = `${h.timestamps[i]} ${formatPythonFloat(h.values[i]!)} ${h.steps[i]}\n`;
    const file = safeKey('metric', s.key);
    if (file !== s.key) warn(`metric "${s.key}" written as "${file}" (MLflow does not accept that name)`);
    fs.mkdirSync(path.dirname(path.join(metricsDir, file)), { recursive: true });
    fs.writeFileSync(path.join(metricsDir, file), lines.join(''));
    metricPoints += lines.length;
  }

  const artifacts = store.listArtifacts(run.id);
  for (const a of artifacts) {
    const target = path.join(artifactsDir, a.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(store.artifactPath(a.sha256), target);
  }
  return { metricPoints, artifacts: artifacts.length };
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
