/**
 * How a run's system metrics read in one line (the Runs view's tooltip) and
 * in a few (`runlens show`): from its latest metric values, no vscode.
 */
import { gpuMetric, isSystemMetric, SYSTEM_METRICS as M } from '../../core/metrics/systemMetricNames';

/** `412 MB`, `1.8 GB`: megabytes as the metrics hold them (10^6 bytes, as MLflow's). */
export function formatMegabytes(mb: number): string {
  if (mb >= 1000) return `${(mb / 1000).toFixed(mb >= 100_000 ? 0 : 1)} GB`;
  return `${Math.round(mb)} MB`;
}

/** `97%`, `180%`: CPU of the process tree in % of one core (it may pass 100 with more than one core busy). */
function percent(value: number): string {
  return `${Math.round(value)}%`;
}

/** `peak memory 412 MB · mean CPU 97% of one core`, or undefined for a run without them (sampling off, an older run). */
export function systemSummaryLine(metrics: Readonly<Record<string, number>>): string | undefined {
  const parts: string[] = [];
  const peak = metrics[M.peakMemory];
  const cpu = metrics[M.meanCpu];
  if (peak !== undefined && Number.isFinite(peak)) parts.push(`peak memory ${formatMegabytes(peak)}`);
  if (cpu !== undefined && Number.isFinite(cpu)) parts.push(`mean CPU ${percent(cpu)} of one core`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The GPUs a run's metrics mention, by index. */
function gpuIndexes(metrics: Readonly<Record<string, number>>): number[] {
  const found = new Set<number>();
  for (const key of Object.keys(metrics)) {
    const m = /^system\/gpu_(\d+)_/.exec(key);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * The lines `runlens show` prints under `system`: the process tree's peak
 * memory and CPU, its disk I/O, then one line per GPU. Empty when the run has
 * no system metrics.
 */
export function systemSummaryLines(metrics: Readonly<Record<string, number>>): string[] {
  const lines: string[] = [];
  const head = systemSummaryLine(metrics);
  const peakCpu = metrics[M.peakCpu];
  if (head) lines.push(`${head}${peakCpu !== undefined ? ` (peak ${percent(peakCpu)})` : ''}`);
  const read = metrics[M.processDiskRead];
  const written = metrics[M.processDiskWrite];
  if (read !== undefined || written !== undefined) lines.push(`disk read ${formatMegabytes(read ?? 0)} · written ${formatMegabytes(written ?? 0)}`);
  for (const i of gpuIndexes(metrics)) {
    const parts = [`gpu ${i}`];
    const mem = metrics[gpuMetric.peakMemory(i)];
    const util = metrics[gpuMetric.meanUtilization(i)];
    if (mem !== undefined) parts.push(`peak memory ${formatMegabytes(mem)}`);
    if (util !== undefined) parts.push(`mean use ${percent(util)}`);
    if (parts.length > 1) lines.push(parts.join(' · ').replace(' · ', ': '));
  }
  return lines;
}

/** A run's metrics split in two: its own, and the system ones. */
export function splitSystemMetrics<T extends { readonly key: string }>(metrics: readonly T[]): { own: T[]; system: T[] } {
  return { own: metrics.filter((m) => !isSystemMetric(m.key)), system: metrics.filter((m) => isSystemMetric(m.key)) };
}
