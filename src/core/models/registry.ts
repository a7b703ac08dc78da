import { decisionTreeFamily } from './decisionTree';
import { linearRegressionFamily } from './linearRegression';
import { logisticRegressionFamily } from './logisticRegression';
import type { Model, ModelJSON, Task } from './model';
import type { ModelFamily } from './modelFamily';
import { mlpFamily } from './mlp/mlp';

/**
 * The built-in model families by `type`. A new family (e.g. `mlp`) is one
 * more entry here: an object implementing `ModelFamily`.
 */
const families: ReadonlyMap<string, ModelFamily> = new Map(
  [linearRegressionFamily, logisticRegressionFamily, decisionTreeFamily, mlpFamily].map((f) => [f.type, f]),
);

/** Every registered family, for config validation, completion and docs. */
export function modelFamilies(): readonly ModelFamily[] {
  return [...families.values()];
}

/** The registered `type` names. */
export function modelTypes(): string[] {
  return [...families.keys()];
}

function family(type: string): ModelFamily {
  const f = families.get(type);
  if (!f) throw new Error(`Unknown model type "${type}". Available types: ${modelTypes().join(', ')}.`);
  return f;
}

/**
 * An unfitted model of `type` for `task`. Throws on an unknown type, a task
 * the family does not support, an unknown parameter (naming the valid ones)
 * or a bad parameter value.
 */
export function createModel(type: string, params: Readonly<Record<string, unknown>>, task: Task): Model {
  const f = family(type);
  if (!f.tasks.includes(task)) {
    throw new Error(`Model "${type}" does not support ${task}; it supports ${f.tasks.join(' and ')}.`);
  }
  return f.create(params ?? {}, task);
}

/** Loads a model saved with `toJSON`; predictions are identical to the saved model's. */
export function modelFromJSON(json: ModelJSON): Model {
  if (json === null || typeof json !== 'object' || typeof json.type !== 'string') {
    throw new Error('Invalid model JSON: missing "type".');
  }
  return family(json.type).fromJSON(json);
}
