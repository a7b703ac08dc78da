import type { TrainConfig } from '../core/config/trainConfig';

export type ParamValue = string | number | boolean | null;

/**
 * The params a run records for a config: the model type and each model param
 * by its own name (as MLflow's autologging does, so `params.max_depth` reads
 * naturally in filters), plus the data settings that change results.
 */
export function paramsForConfig(config: TrainConfig, task: string): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  const put = (key: string, value: unknown) => {
    if (value === undefined) return;
    out[key] = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? value
      : JSON.stringify(value);
  };
  put('model', config.model?.type);
  for (const [k, v] of Object.entries(config.model?.params ?? {})) put(k, v);
  put('task', task);
  const data = config.data;
  if (data) {
    put('data.path', data.path);
    put('data.train', data.train);
    put('data.test', data.test);
    put('target', data.target);
    if (data.path) {
      put('split.test', data.split?.test ?? 0.2);
      put('split.seed', data.split?.seed ?? 42);
      put('split.stratify', data.split?.stratify ?? task === 'classification');
    }
    put('clean.missing', data.clean?.missing);
    put('clean.outliers', data.clean?.outliers);
    put('clean.infinite', data.clean?.infinite);
    put('features.scale', data.features?.scale ?? 'none');
    put('features.onehot', data.features?.onehot);
    put('features.include', data.features?.include);
    put('features.exclude', data.features?.exclude);
  }
  for (const [k, v] of Object.entries(config.params ?? {})) put(k, v);
  return out;
}
