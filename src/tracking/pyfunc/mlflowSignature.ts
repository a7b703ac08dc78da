import type { FeatureSpec } from '../../core/data/features';
import type { PreprocessorJSON } from '../../core/data/preprocessor';
import { Preprocessor } from '../../core/data/preprocessor';
import type { Label } from '../../core/data/targetEncoding';
import type { ModelPackage } from '../../core/package/modelPackage';

/** One column of an MLflow column-based schema (mlflow/types/schema.py ColSpec.to_dict). */
export interface MlflowColSpec {
  readonly type: 'double' | 'long' | 'boolean' | 'string';
  readonly name?: string;
  readonly required: boolean;
}

/** The `signature` of an MLmodel: MLflow stores each schema as a JSON string. */
export interface MlflowSignature {
  readonly inputs: string;
  readonly outputs: string;
  readonly params: null;
}

/**
 * The MLflow type of an input column. Numbers are doubles (RunLens reads
 * every number as one; MLflow then refuses int64 columns, so pass floats),
 * 0/1 columns booleans, categorical columns strings.
 */
function inputType(spec: FeatureSpec): MlflowColSpec['type'] {
  if (spec.kind === 'numeric') return 'double';
  if (spec.kind === 'boolean') return 'boolean';
  return 'string';
}

/** The MLflow type of what `predict` returns: the class labels' type, or double for regression. */
export function outputType(pkg: ModelPackage, classes: readonly Label[] | undefined): MlflowColSpec['type'] {
  if (pkg.task === 'regression' || !classes || classes.length === 0) return 'double';
  if (classes.every((c) => typeof c === 'boolean')) return 'boolean';
  if (classes.every((c) => typeof c === 'number' && Number.isSafeInteger(c))) return 'long';
  if (classes.every((c) => typeof c === 'number')) return 'double';
  return 'string';
}

/**
 * The input columns, their types and the output type of a model package, as
 * MLflow writes a model's signature. Every input column is required: RunLens
 * needs each one (a missing value is sent as null/NaN, not left out).
 */
export function mlflowSignature(pkg: ModelPackage): MlflowSignature {
  const pre = Preprocessor.fromJSON(pkg.preprocessor as PreprocessorJSON);
  const inputs: MlflowColSpec[] = pre.state.specs.map((s) => ({ type: inputType(s), name: s.column, required: true }));
  const outputs: MlflowColSpec[] = [{ type: outputType(pkg, pkg.classes ?? pre.classes), required: true }];
  return { inputs: pythonJson(inputs), outputs: pythonJson(outputs), params: null };
}

/** JSON as Python's json.dumps writes it (", " and ": " separators, non-ASCII escaped), so the MLmodel reads like MLflow's own. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(value);
}
