/**
 * The compare page's "System" section: which chart keys are system series
 * and in what order they come. Import-free, so the page bundles it; the names
 * are those of src/core/metrics/systemMetricNames.ts.
 */
import type { XAxisMode } from '../../protocol/compare';

const PREFIX = 'system/';

/** First the run's own process tree, then the machine, then disk, then GPUs (by index, then kind). */
const ORDER = [
  'system/process_cpu_utilization_percentage',
  'system/process_memory_usage_megabytes',
  'system/cpu_utilization_percentage',
  'system/system_memory_usage_megabytes',
  'system/system_memory_available_megabytes',
  'system/system_memory_usage_percentage',
  'system/disk_read_megabytes',
  'system/disk_write_megabytes',
];

function rank(key: string): number {
  const i = ORDER.indexOf(key);
  if (i >= 0) return i;
  return key.startsWith('system/gpu_') ? ORDER.length + 1 : ORDER.length;
}

/** Chart keys split: the run's own metric curves, and the system series (ordered for reading). */
export function splitChartKeys(keys: readonly string[]): { metric: string[]; system: string[] } {
  const system = keys.filter((k) => k.startsWith(PREFIX));
  system.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }));
  return { metric: keys.filter((k) => !k.startsWith(PREFIX)), system };
}

/** System series are drawn against time: the wall clock when the user chose it, else time since each run started. */
export function systemXAxis(mode: XAxisMode): XAxisMode {
  return mode === 'wall' ? 'wall' : 'relative';
}
