/**
 * MLflow's vocabulary as RunLens maps it: run statuses (names on the wire, an
 * int enum in the file store's meta.yaml), system tags and the documented
 * request limits. Taken from MLflow's docs and its `mlflow/entities`,
 * `mlflow/utils/validation.py` and `mlflow/utils/mlflow_tags.py`.
 */
import type { RunStatus } from '../store/types';

export type MlflowStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** MLflow's `RunStatus` enum values, as the file store writes them into meta.yaml. */
export const MLFLOW_STATUS_INT: Readonly<Record<MlflowStatus, number>> = {
  RUNNING: 1,
  SCHEDULED: 2,
  FINISHED: 3,
  FAILED: 4,
  KILLED: 5,
};

const FROM_MLFLOW: Readonly<Record<MlflowStatus, RunStatus>> = {
  RUNNING: 'running',
  SCHEDULED: 'queued',
  FINISHED: 'finished',
  FAILED: 'failed',
  KILLED: 'killed',
};

const TO_MLFLOW: Readonly<Record<RunStatus, MlflowStatus>> = {
  running: 'RUNNING',
  queued: 'SCHEDULED',
  finished: 'FINISHED',
  failed: 'FAILED',
  killed: 'KILLED',
};

export function isMlflowStatus(s: unknown): s is MlflowStatus {
  return typeof s === 'string' && Object.hasOwn(MLFLOW_STATUS_INT, s);
}

/** A RunLens status for an MLflow status given as its name or its int enum; undefined when unknown. */
export function fromMlflowStatus(s: unknown): RunStatus | undefined {
  if (isMlflowStatus(s)) return FROM_MLFLOW[s];
  if (typeof s === 'number') {
    const name = (Object.keys(MLFLOW_STATUS_INT) as MlflowStatus[]).find((k) => MLFLOW_STATUS_INT[k] === s);
    return name && FROM_MLFLOW[name];
  }
  return undefined;
}

export function toMlflowStatus(s: RunStatus): MlflowStatus {
  return TO_MLFLOW[s];
}

/** MLflow's `SourceType.LOCAL` (NOTEBOOK=1, JOB=2, PROJECT=3, LOCAL=4, UNKNOWN=1000). */
export const SOURCE_TYPE_LOCAL = 4;
export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';

/** System tags MLflow clients set and read. */
export const TAG_RUN_NAME = 'mlflow.runName';
export const TAG_PARENT_RUN_ID = 'mlflow.parentRunId';
export const TAG_USER = 'mlflow.user';
/** JSON list of the models `log_model` recorded on a run (MLflow's record_logged_model). */
export const TAG_LOGGED_MODELS = 'mlflow.log-model.history';
export const TAG_SOURCE_NAME = 'mlflow.source.name';
export const TAG_GIT_COMMIT = 'mlflow.source.git.commit';
/** Set by `runlens import mlflow`: the MLflow run id, which makes a second import skip the run. */
export const TAG_IMPORTED_RUN_ID = 'mlflow.runId';

/** LogBatch limits from MLflow's REST API documentation (`MAX_*_PER_BATCH` in validation.py). */
export const MAX_METRICS_PER_BATCH = 1000;
export const MAX_PARAMS_TAGS_PER_BATCH = 100;
export const MAX_ENTITIES_PER_BATCH = 1000;
export const MAX_BATCH_REQUEST_BYTES = 1_000_000;
export const MAX_ENTITY_KEY_LENGTH = 250;
export const MAX_PARAM_VALUE_LENGTH = 6000;
export const MAX_TAG_VALUE_LENGTH = 5000;

/**
 * MLflow's `_VALID_PARAM_AND_METRIC_NAMES` (`^[/\w.\- ]*$`): Python's `\w` on
 * a str is Unicode-aware, exactly letters, numbers and `_` (checked against
 * Python over every code point of its Unicode version), so `café` and `ключ`
 * are valid. Unlike Python's `$`, this does not also accept a trailing newline.
 */
const VALID_NAME_RE = /^[\p{L}\p{N}_/.\- ]*$/u;

/** Python's `posixpath.normpath`, which MLflow's `path_not_unique` compares a name with. */
export function pythonNormpath(p: string): string {
  if (p === '') return '.';
  const initial = !p.startsWith('/') ? 0 : p.startsWith('//') && !p.startsWith('///') ? 2 : 1;
  const out: string[] = [];
  for (const comp of p.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (initial === 0 && out.length === 0) || out.at(-1) === '..') out.push(comp);
    else out.pop();
  }
  return '/'.repeat(initial) + out.join('/') || '.';
}

const KEY_LABEL = { metric: 'Metric name', parameter: 'Param key', tag: 'Tag key' } as const;

/**
 * Why `name` is not a valid MLflow key, or undefined when it is: MLflow's
 * `_validate_{metric,param,tag}_name` and key length limit, with its messages.
 */
export function invalidKeyReason(kind: 'metric' | 'parameter' | 'tag', name: unknown): string | undefined {
  const label = kind.charAt(0).toUpperCase() + kind.slice(1);
  if (typeof name !== 'string') return `${label} name cannot be None. A key name must be provided.`;
  if (!VALID_NAME_RE.test(name)) {
    return `Invalid ${kind} name: '${name}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`;
  }
  // MLflow's path_not_unique: the name may become a file path in its file store.
  const norm = pythonNormpath(name);
  if (norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    return `Invalid ${kind} name: '${name}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`;
  }
  // Python's len counts code points, not UTF-16 units.
  const length = [...name].length;
  if (length > MAX_ENTITY_KEY_LENGTH) return `${KEY_LABEL[kind]} '${[...name].slice(0, 250).join('')}' had length ${length}, which exceeded length limit of ${MAX_ENTITY_KEY_LENGTH}`;
  return undefined;
}

/**
 * A metric value as Python's `str(float)` writes it into a file store line
 * (`nan`, `inf`, `-inf` included); undefined when the text is not a number.
 */
export function parsePythonFloat(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** `value` the way Python's `str(float)` would print it, so MLflow reads it back. */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}
