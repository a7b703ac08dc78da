import type { SystemMetricsConfig } from '../../core/config/trainConfig';

/** Seconds between samples when neither the config nor the editor says otherwise. */
export const DEFAULT_SYSTEM_METRICS_INTERVAL_S = 5;

/** Whether and how often a run samples its system metrics. */
export interface SystemMetricsSettings {
  readonly enabled: boolean;
  readonly intervalMs: number;
}

/**
 * What a run's config and environment ask for. `RUNLENS_SYSTEM_METRICS=0`
 * (or `false`/`off`) turns sampling off whatever the config says: it is the
 * machine's switch. The interval is the config's `system_metrics.interval`,
 * else `RUNLENS_SYSTEM_METRICS_INTERVAL` (seconds; the editor passes its
 * `runlens.systemMetrics.interval` setting this way), else 5 s.
 */
export function systemMetricsSettings(config: SystemMetricsConfig | undefined, env: NodeJS.ProcessEnv = process.env): SystemMetricsSettings {
  const off = /^(0|false|off|no)$/i.test(env.RUNLENS_SYSTEM_METRICS?.trim() ?? '');
  const fromEnv = Number(env.RUNLENS_SYSTEM_METRICS_INTERVAL);
  const seconds = config?.interval ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_SYSTEM_METRICS_INTERVAL_S);
  return { enabled: !off && config?.enabled !== false, intervalMs: Math.round(seconds * 1000) };
}
