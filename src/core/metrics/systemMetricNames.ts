/**
 * The names system metrics are recorded under. Machine-wide ones are
 * MLflow's (mlflow/system_metrics/metrics: same name, same unit, megabytes
 * of 10^6 bytes), so they mean the same after an export or a push to MLflow;
 * the process-tree ones and the run summaries are RunLens's own, under the
 * same `system/` prefix.
 */
export const SYSTEM_PREFIX = 'system/';

export const SYSTEM_METRICS = {
  /** The machine's CPU use, all cores together (0-100), as MLflow. */
  machineCpu: 'system/cpu_utilization_percentage',
  /** Machine memory in use (total − available), as MLflow. */
  machineMemoryUsed: 'system/system_memory_usage_megabytes',
  machineMemoryPercent: 'system/system_memory_usage_percentage',
  machineMemoryAvailable: 'system/system_memory_available_megabytes',
  /** The file system of `/`, as MLflow. */
  diskUsed: 'system/disk_usage_megabytes',
  diskPercent: 'system/disk_usage_percentage',
  diskAvailable: 'system/disk_available_megabytes',
  /** The run's process tree: CPU in % of one core (200 = two cores busy). */
  processCpu: 'system/process_cpu_utilization_percentage',
  /** The run's process tree: resident memory (RSS) summed over its processes. */
  processMemory: 'system/process_memory_usage_megabytes',
  /** The run's process tree: bytes read from / written to storage since the run started. */
  processDiskRead: 'system/disk_read_megabytes',
  processDiskWrite: 'system/disk_write_megabytes',
  /** Summary (one value, at the end): the process tree's peak resident memory. */
  peakMemory: 'system/peak_memory_megabytes',
  /** Summary: the process tree's CPU time over the sampled wall time, in % of one core. */
  meanCpu: 'system/mean_cpu_utilization_percentage',
  /** Summary: the highest process-tree CPU of one sampling interval. */
  peakCpu: 'system/peak_cpu_utilization_percentage',
} as const;

/** Per-GPU series (MLflow's names; power as MLflow 2.13+ names it). */
export const gpuMetric = {
  utilization: (i: number) => `system/gpu_${i}_utilization_percentage`,
  memoryUsed: (i: number) => `system/gpu_${i}_memory_usage_megabytes`,
  memoryPercent: (i: number) => `system/gpu_${i}_memory_usage_percentage`,
  power: (i: number) => `system/gpu_${i}_power_usage_watts`,
  /** Summary: the GPU's peak memory in use during the run. */
  peakMemory: (i: number) => `system/gpu_${i}_peak_memory_megabytes`,
  /** Summary: the GPU's mean utilisation over the samples. */
  meanUtilization: (i: number) => `system/gpu_${i}_mean_utilization_percentage`,
};

/** Whether a metric key is a system metric (recorded by the sampler, not the training). */
export function isSystemMetric(key: string): boolean {
  return key.startsWith(SYSTEM_PREFIX);
}

/** The summaries a run gets at its end (one value each), as opposed to the sampled series. */
export function isSystemSummary(key: string): boolean {
  return /^system\/(peak_|mean_|gpu_\d+_(peak|mean)_)/.test(key);
}
