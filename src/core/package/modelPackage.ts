import type { ModelJSON, Task } from '../models/model';

/** Format tag of a saved model; bump `version` on incompatible changes. */
export const MODEL_PACKAGE_FORMAT = 'runlens-model';
export const MODEL_PACKAGE_VERSION = 1;

/**
 * Everything needed to predict exactly as at training time: the fitted model,
 * the fitted preprocessing (cleaning, encoding, scaling) and the label names.
 * Saved as the run's `model.json` artifact; serving (issue 6) loads it.
 */
export interface ModelPackage {
  readonly format: typeof MODEL_PACKAGE_FORMAT;
  readonly version: number;
  readonly task: Task;
  readonly target: string;
  /** Class labels in index order (classification only). */
  readonly classes?: readonly (string | number | boolean)[];
  /** Input columns the preprocessing expects (before encoding). */
  readonly inputColumns: readonly string[];
  /** Model input features after encoding, in matrix column order. */
  readonly featureNames: readonly string[];
  readonly preprocessor: unknown;
  readonly model: ModelJSON;
  readonly runId: string;
  readonly createdAt: number;
  readonly runlensVersion: string;
}

export function parseModelPackage(text: string, source: string): ModelPackage {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not a RunLens model package (invalid JSON: ${(e as Error).message})`);
  }
  const pkg = obj as Partial<ModelPackage>;
  if (pkg.format !== MODEL_PACKAGE_FORMAT) throw new Error(`${source}: not a RunLens model package`);
  if (typeof pkg.version !== 'number' || pkg.version > MODEL_PACKAGE_VERSION) {
    throw new Error(`${source}: model package version ${String(pkg.version)} is newer than this RunLens understands (${MODEL_PACKAGE_VERSION})`);
  }
  return pkg as ModelPackage;
}
