import type { SystemMetricsConfig } from '../../core/config/trainConfig';
import type { Timers } from '../../core/util/timers';
import type { PendingPoint } from '../metricBuffer';
import { nvidiaSmiQuery } from './gpuQuery';
import { hasProcFs } from './procReader';
import { SystemMetricsRecorder } from './systemMetricsRecorder';
import { systemMetricsSettings } from './systemMetricsSettings';
import { SystemSampler } from './systemSampler';

export interface RunSystemMetricsOptions {
  /** The root of the run's process tree. */
  readonly rootPid: number;
  /** The config's `system_metrics` section. */
  readonly config?: SystemMetricsConfig;
  /** Where `RUNLENS_SYSTEM_METRICS*` and `PATH` (for `nvidia-smi`) are read; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** The run's metric batches. */
  readonly add: (points: PendingPoint[]) => void;
  readonly timers?: Timers;
}

/**
 * Starts sampling a run's process tree and machine as its config and
 * environment ask (see `systemMetricsSettings`); undefined when sampling is
 * off or this system has no `/proc` (macOS, Windows: not measured yet).
 * The caller stops the recorder before it records the run's end.
 */
export function startRunSystemMetrics(o: RunSystemMetricsOptions): SystemMetricsRecorder | undefined {
  const env = o.env ?? process.env;
  const settings = systemMetricsSettings(o.config, env);
  if (!settings.enabled || !hasProcFs()) return undefined;
  const gpus = nvidiaSmiQuery(env);
  const sampler = new SystemSampler({ rootPid: o.rootPid, ...(gpus ? { gpus } : {}) });
  const recorder = new SystemMetricsRecorder({ sampler, intervalMs: settings.intervalMs, add: o.add, ...(o.timers ? { timers: o.timers } : {}) });
  recorder.start();
  return recorder;
}
