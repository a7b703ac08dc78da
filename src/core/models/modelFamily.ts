import type { Model, ModelJSON, Task } from './model';
import type { ParamInfo } from './params';

/**
 * One entry of the model registry: how to build a family from config params
 * and how to load it back from JSON. A new family (e.g. mlp) is one object
 * implementing this, added to the map in `registry.ts`.
 */
export interface ModelFamily {
  readonly type: string;
  readonly tasks: readonly Task[];
  readonly params: readonly ParamInfo[];
  /** Validates `params` (unknown names and bad values throw) and returns an unfitted model. */
  create(params: Readonly<Record<string, unknown>>, task: Task): Model;
  fromJSON(json: ModelJSON): Model;
}
