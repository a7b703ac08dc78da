import { statfsSync } from 'node:fs';
import { gpuMetric, SYSTEM_METRICS as M } from '../../core/metrics/systemMetricNames';
import type { GpuQuery } from './gpuQuery';
import type { ProcSnapshot } from './procReader';
import { readProcSnapshot } from './procReader';
import type { GpuReading } from './procText';

/** One sample: the metric values at `timestamp` (milliseconds since the epoch). */
export interface SystemSample {
  readonly timestamp: number;
  readonly values: Readonly<Record<string, number>>;
  /** Whether the process tree was alive at this sample (its root still there). */
  readonly treeAlive: boolean;
}

export interface SystemSamplerOptions {
  /** The root of the process tree to measure: the worker itself, or a command run's process. */
  readonly rootPid: number;
  /** Reads `/proc` once; default `readProcSnapshot` (tests point it at captured text). */
  readonly readProc?: (rootPid: number) => ProcSnapshot;
  /** The GPU reader, if this machine has one (`nvidiaSmiQuery()`). */
  readonly gpus?: GpuQuery;
  /** The file system whose use is recorded (MLflow's disk metrics are of `/`); `null` for none. */
  readonly diskPath?: string | null;
  readonly now?: () => number;
}

const MB = 1e6;
const MIB = 1024 * 1024;

/**
 * Turns successive looks at `/proc` (and `nvidia-smi`) into metric values:
 * CPU figures are the change since the previous sample, so the first sample
 * has memory, disk and GPU values but no CPU. Disk read/write count from the
 * first sample and never go down (a process that leaves the tree takes its
 * bytes with it; the series holds its last total instead).
 */
export class SystemSampler {
  private previous: { at: number; proc: ProcSnapshot } | undefined;
  private diskBase: { read: number; write: number } | undefined;
  private diskTotals = { read: 0, write: 0 };
  private readonly readProc: (rootPid: number) => ProcSnapshot;
  private readonly now: () => number;

  constructor(private readonly o: SystemSamplerOptions) {
    this.readProc = o.readProc ?? readProcSnapshot;
    this.now = o.now ?? Date.now;
  }

  async sample(): Promise<SystemSample> {
    const gpus = this.o.gpus ? this.o.gpus() : Promise.resolve([]);
    const at = this.now();
    const proc = this.readProc(this.o.rootPid);
    const values: Record<string, number> = {};
    const treeAlive = proc.pids.length > 0;
    const prev = this.previous;
    if (prev && proc.machineCpu && prev.proc.machineCpu) {
      const total = proc.machineCpu.total - prev.proc.machineCpu.total;
      const idle = proc.machineCpu.idle - prev.proc.machineCpu.idle;
      if (total > 0) values[M.machineCpu] = clampPercent((1 - idle / total) * 100, 100);
    }
    if (treeAlive) {
      if (prev && prev.proc.pids.length > 0 && at > prev.at) {
        values[M.processCpu] = Math.max(0, proc.treeCpuSeconds - prev.proc.treeCpuSeconds) / ((at - prev.at) / 1000) * 100;
      }
      values[M.processMemory] = proc.treeRssBytes / MB;
      this.diskBase ??= { read: proc.treeReadBytes, write: proc.treeWriteBytes };
      this.diskTotals = {
        read: Math.max(this.diskTotals.read, proc.treeReadBytes - this.diskBase.read),
        write: Math.max(this.diskTotals.write, proc.treeWriteBytes - this.diskBase.write),
      };
      values[M.processDiskRead] = this.diskTotals.read / MB;
      values[M.processDiskWrite] = this.diskTotals.write / MB;
    }
    if (proc.memory) {
      const used = proc.memory.totalBytes - proc.memory.availableBytes;
      values[M.machineMemoryUsed] = used / MB;
      values[M.machineMemoryAvailable] = proc.memory.availableBytes / MB;
      if (proc.memory.totalBytes > 0) values[M.machineMemoryPercent] = (used / proc.memory.totalBytes) * 100;
    }
    this.addDisk(values);
    for (const gpu of await gpus) addGpu(values, gpu);
    this.previous = { at, proc };
    return { timestamp: at, values, treeAlive };
  }

  private addDisk(values: Record<string, number>): void {
    if (this.o.diskPath === null) return;
    try {
      const s = statfsSync(this.o.diskPath ?? '/');
      const total = s.blocks * s.bsize;
      const free = s.bavail * s.bsize;
      // As df: used is what is taken (blocks − bfree), the percentage is of what users can have (used + bavail).
      const used = (s.blocks - s.bfree) * s.bsize;
      if (total <= 0) return;
      values[M.diskUsed] = used / MB;
      values[M.diskAvailable] = free / MB;
      values[M.diskPercent] = used + free > 0 ? (used / (used + free)) * 100 : 0;
    } catch {
      // A file system that cannot be asked costs these three series, nothing else.
    }
  }
}

function addGpu(values: Record<string, number>, gpu: GpuReading): void {
  const i = gpu.index;
  if (gpu.utilizationPercent !== undefined) values[gpuMetric.utilization(i)] = gpu.utilizationPercent;
  if (gpu.memoryUsedMiB !== undefined) {
    values[gpuMetric.memoryUsed(i)] = (gpu.memoryUsedMiB * MIB) / MB;
    if (gpu.memoryTotalMiB) values[gpuMetric.memoryPercent(i)] = (gpu.memoryUsedMiB / gpu.memoryTotalMiB) * 100;
  }
  if (gpu.powerWatts !== undefined) values[gpuMetric.power(i)] = gpu.powerWatts;
}

function clampPercent(value: number, max: number): number {
  return Math.min(max, Math.max(0, value));
}
