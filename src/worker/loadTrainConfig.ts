import { basename, dirname } from 'node:path';
import type { TrainConfig } from '../core/config/trainConfig';
import { loadConfigFile, ConfigError, validateConfig, checkDataFiles } from '../core/config/parseConfig';
import { applyOverrides } from '../core/config/overrides';

// Kept apart from trainRun.ts so that hosts which only plan work (the sweep
// runner in the extension host) do not bundle the models and TensorFlow.js.

/** Reads, overrides and validates a config; throws ConfigError with positions. */
export function loadTrainConfig(configPath: string, overrides: readonly string[] = []): TrainConfig {
  const loaded = loadConfigFile(configPath);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !loaded.config) throw new ConfigError(configPath, errors);
  const config = overrides.length > 0 ? applyOverrides(loaded.config, overrides) : loaded.config;
  if (overrides.length > 0) {
    const after = validateConfig(config).filter((d) => d.severity === 'error');
    if (after.length > 0) throw new ConfigError(configPath, after);
  }
  const missing = checkDataFiles(config, dirname(configPath), undefined, overrides.length > 0 ? undefined : loaded.locate).filter((d) => d.severity === 'error');
  if (missing.length > 0) throw new ConfigError(configPath, missing);
  return config;
}

/** The experiment a config logs to: `experiment`, else the file name without `.train.yaml`. */
export function experimentName(config: TrainConfig, configPath: string): string {
  return config.experiment ?? basename(configPath).replace(/\.train\.(ya?ml|json)$/i, '').replace(/\.(ya?ml|json)$/i, '');
}
