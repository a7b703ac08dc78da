import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import type { ModelPackage } from '../../core/package/modelPackage';
import { MODEL_PACKAGE_FORMAT } from '../../core/package/modelPackage';
import { mlflowSignature } from './mlflowSignature';
import { PYFUNC_LOADER_FILE, readPyfuncLoader } from './pyfuncLoader';
import { DEFAULT_PYTHON_VERSION, MLFLOW_VERSION, condaYaml, pythonEnvYaml, requirementsTxt } from './pythonEnv';

/** One file of an MLflow model directory, relative to it (`/`-separated). */
export interface MlflowModelFile {
  readonly path: string;
  readonly bytes: Buffer;
}

export interface MlflowModelOptions {
  /**
   * The model package's bytes as stored (the run's `model.json` artifact);
   * default: the package serialised again. Same predictions either way.
   */
  readonly packageJson?: Buffer | string;
  /** MLflow's id of the run the model is logged to (MLmodel `run_id`); leave out for a standalone folder. */
  readonly mlflowRunId?: string;
  /** Where the model sits in that run's artifacts (MLmodel `artifact_path`), e.g. `model`; with `mlflowRunId`. */
  readonly artifactPath?: string;
  /** MLmodel `model_uuid` (32 hex digits); default: a new random one, as MLflow does per save. */
  readonly modelUuid?: string;
  /** MLmodel `utc_time_created`; default: when the package was created (the end of training). */
  readonly created?: Date;
  /** Python of the environment files (major.minor or major.minor.patch); default 3.11. */
  readonly pythonVersion?: string;
  /** The loader module's source; default: `python/runlens_pyfunc.py` as RunLens ships it. */
  readonly loaderSource?: Buffer;
}

/** Files of the `python_function` flavour, relative to the model directory. */
export const MLFLOW_MODEL_LAYOUT = {
  mlmodel: 'MLmodel',
  data: 'model.json',
  code: 'code',
  loader: `code/${PYFUNC_LOADER_FILE}`,
  conda: 'conda.yaml',
  virtualenv: 'python_env.yaml',
  requirements: 'requirements.txt',
} as const;

/** `datetime.utcnow()` as MLflow writes it: `2026-12-07 15:12:12.323190`. */
function mlflowTime(d: Date): string {
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 23)}000`;
}

/**
 * The files of an MLflow model directory holding a RunLens model package:
 * `mlflow.pyfunc.load_model(dir)` (or `runs:/…/model`, `models:/name@alias`
 * once logged) gives a model whose `predict(DataFrame)` answers as
 * `runlens serve` does, and `mlflow models serve` serves it. The
 * `python_function` flavour loads `code/runlens_pyfunc.py` with `model.json`
 * as its data; the signature lists the input columns and their types, so
 * MLflow itself refuses a DataFrame that lacks one. Pure except for reading
 * the shipped loader when `loaderSource` is not given.
 */
export function mlflowModelFiles(pkg: ModelPackage, opts: MlflowModelOptions = {}): MlflowModelFile[] {
  const pythonVersion = opts.pythonVersion ?? DEFAULT_PYTHON_VERSION;
  if (!/^3\.\d+(\.\d+)?$/.test(pythonVersion)) throw new Error(`the Python version must look like 3.11 or 3.11.2, got "${pythonVersion}"`);
  if (opts.artifactPath !== undefined && opts.mlflowRunId === undefined) throw new Error('an artifact path is only meaningful with the MLflow run id the model is logged to');
  const modelUuid = opts.modelUuid ?? randomUUID().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(modelUuid)) throw new Error(`a model uuid is 32 lowercase hex digits, got "${modelUuid}"`);

  const L = MLFLOW_MODEL_LAYOUT;
  const body: MlflowModelFile[] = [
    { path: L.data, bytes: Buffer.from(opts.packageJson ?? JSON.stringify(pkg)) },
    { path: L.loader, bytes: opts.loaderSource ?? readPyfuncLoader() },
    { path: L.conda, bytes: Buffer.from(condaYaml(pythonVersion)) },
    { path: L.virtualenv, bytes: Buffer.from(pythonEnvYaml(pythonVersion)) },
    { path: L.requirements, bytes: Buffer.from(requirementsTxt()) },
  ];
  const mlmodel = {
    ...(opts.artifactPath !== undefined ? { artifact_path: opts.artifactPath } : {}),
    flavors: {
      python_function: {
        code: L.code,
        data: L.data,
        env: { conda: L.conda, virtualenv: L.virtualenv },
        loader_module: PYFUNC_LOADER_FILE.replace(/\.py$/, ''),
        python_version: pythonVersion,
      },
    },
    mlflow_version: MLFLOW_VERSION,
    // As MLflow counts it: every file of the directory but the MLmodel.
    model_size_bytes: body.reduce((n, f) => n + f.bytes.length, 0),
    model_uuid: modelUuid,
    ...(opts.mlflowRunId !== undefined ? { run_id: opts.mlflowRunId } : {}),
    // What RunLens knows of the model, for MLflow users (Model.load keeps unknown keys as attributes).
    runlens: {
      format: MODEL_PACKAGE_FORMAT,
      package_version: pkg.version,
      runlens_version: pkg.runlensVersion,
      run_id: pkg.runId,
      model_type: pkg.model.type,
      task: pkg.task,
      target: pkg.target,
    },
    signature: mlflowSignature(pkg),
    utc_time_created: mlflowTime(opts.created ?? new Date(pkg.createdAt)),
  };
  // YAML 1.1 rules, as PyYAML reads it: a time or version string that would parse as a timestamp or float is quoted.
  return [{ path: L.mlmodel, bytes: Buffer.from(stringify(mlmodel, { version: '1.1', lineWidth: 0 })) }, ...body];
}
