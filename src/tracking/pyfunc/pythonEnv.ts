/**
 * The environment files of an exported model, as MLflow writes them beside
 * an MLmodel (mlflow/utils/environment.py): what `mlflow models serve` and
 * `mlflow.pyfunc.spark_udf` install before they load the model.
 */

/** The MLflow the exported files were tested with (its MLmodel `mlflow_version`). */
export const MLFLOW_VERSION = '2.12.1';

/**
 * Python of the environment (`python_env.yaml`, `conda.yaml`, the flavour's
 * `python_version`). RunLens does not train in Python, so there is no
 * training interpreter to record: any Python 3 with NumPy and pandas loads
 * the model, and MLflow accepts a major.minor version (it installs the
 * newest patch release).
 */
export const DEFAULT_PYTHON_VERSION = '3.11';

/**
 * What the loader imports: MLflow itself, NumPy and pandas (which MLflow
 * depends on anyway), unpinned beyond the MLflow the files were tested with.
 */
export function pipRequirements(): string[] {
  return [`mlflow>=${MLFLOW_VERSION}`, 'numpy', 'pandas'];
}

/** `requirements.txt`. */
export function requirementsTxt(): string {
  return pipRequirements().join('\n') + '\n';
}

/** `python_env.yaml` (MLflow's virtualenv environment). */
export function pythonEnvYaml(pythonVersion: string): string {
  return [
    `python: '${pythonVersion}'`,
    'build_dependencies:',
    '- pip',
    '- setuptools',
    '- wheel',
    'dependencies:',
    '- -r requirements.txt',
    '',
  ].join('\n');
}

/** `conda.yaml` (MLflow's conda environment). */
export function condaYaml(pythonVersion: string): string {
  return [
    'channels:',
    '- conda-forge',
    'dependencies:',
    `- python=${pythonVersion}`,
    '- pip',
    '- pip:',
    ...pipRequirements().map((r) => `  - ${r}`),
    'name: mlflow-env',
    '',
  ].join('\n');
}
