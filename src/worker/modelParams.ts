import type { TrainConfig } from '../core/config/trainConfig';
import { modelFamilies } from '../core/models/registry';

/**
 * The params a model is created with: `model.params`, plus the config's
 * top-level `seed` for families that take one and were not given their own
 * (the schema documents that default).
 */
export function modelParamsFor(config: TrainConfig): Record<string, unknown> {
  const params: Record<string, unknown> = { ...(config.model?.params ?? {}) };
  const family = modelFamilies().find((f) => f.type === config.model?.type);
  if (config.seed !== undefined && params.seed === undefined && family?.params.some((p) => p.name === 'seed')) params.seed = config.seed;
  return params;
}
