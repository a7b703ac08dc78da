import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { MlflowModelFile } from './mlflowModel';

/**
 * Writes an MLflow model directory at `dir`, which must not exist yet or be
 * an empty folder (as `mlflow.pyfunc.save_model` refuses an existing path).
 * The files are written into a temporary sibling that is then renamed, so an
 * interrupted export never leaves a half-written model that MLflow would load.
 * Returns the absolute path.
 */
export function writeMlflowModel(dir: string, files: readonly MlflowModelFile[]): string {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new Error(`${target} exists and is not a folder; give a new folder for the MLflow model`);
    if (readdirSync(target).length > 0) throw new Error(`${target} already exists and is not empty; give a new folder for the MLflow model`);
    rmSync(target, { recursive: true });
  }
  mkdirSync(dirname(target), { recursive: true });
  const staging = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const f of files) {
      if (f.path.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new Error(`not a path inside the model folder: "${f.path}"`);
      const file = join(staging, ...f.path.split('/'));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, f.bytes);
    }
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return target;
}
