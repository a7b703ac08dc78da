import { gpuMetric, SYSTEM_METRICS as M } from '../../core/metrics/systemMetricNames';
import type { Timers } from '../../core/util/timers';
import { realTimers } from '../../core/util/timers';
import type { PendingPoint } from '../metricBuffer';
import type { SystemSample } from './systemSampler';

/** Something that samples (a `SystemSampler`). */
export interface Sampler {
  sample(): Promise<SystemSample>;
}

export interface SystemMetricsRecorderOptions {
  readonly sampler: Sampler;
  readonly intervalMs: number;
  /** Where the points go: the run's `MetricBuffer`, so they share its batches. */
  readonly add: (points: PendingPoint[]) => void;
  readonly timers?: Timers;
  /** A sample that threw (it never should: the sampler swallows what it cannot read); default ignored. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Samples a run's system metrics every `intervalMs` (the first at `start`)
 * into the run's metric batches, with step = the sample's index and the
 * wall-clock time of the sample. `stop` takes a last sample while the tree
 * is still there and adds the run's summary metrics (`system/peak_memory_megabytes`,
 * `system/mean_cpu_utilization_percentage`, …) at step 0.
 */
export class SystemMetricsRecorder {
  private index = 0;
  private timer: unknown;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private turnWaiting = false;
  private readonly timers: Timers;
  private peakMemory: number | undefined;
  private peakCpu: number | undefined;
  private cpuWeighted = 0;
  private cpuMs = 0;
  private lastAliveAt: number | undefined;
  private lastTimestamp: number | undefined;
  private readonly gpus = new Map<number, { peakMemory?: number; utilSum: number; utilCount: number }>();

  constructor(private readonly o: SystemMetricsRecorderOptions) {
    this.timers = o.timers ?? realTimers;
  }

  /** Takes the first sample now and schedules the next. */
  start(): void {
    this.tick();
  }

  /**
   * Stops sampling: waits for a sample in progress, takes a last one
   * (`finalSample`, for a tree that is still alive, e.g. the worker's own)
   * and adds the summaries. Safe to call twice.
   */
  async stop(finalSample = true): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (finalSample) await this.takeSample();
    const summary = this.summary();
    if (summary.length > 0) this.o.add(summary);
  }

  /**
   * Fixed-rate: the next sample is scheduled before this one is taken. A turn
   * that comes while a sample is still being taken (a slow nvidia-smi) runs
   * right after it; more than one such turn is one.
   */
  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.timer = this.timers.setTimeout(() => this.tick(), this.o.intervalMs);
    if (this.inFlight) {
      if (this.turnWaiting) return;
      this.turnWaiting = true;
      this.inFlight = this.inFlight.then(() => {
        this.turnWaiting = false;
        return this.takeSample();
      });
    } else this.inFlight = this.takeSample();
    const mine = this.inFlight;
    void mine.finally(() => {
      if (this.inFlight === mine) this.inFlight = undefined;
    });
  }

  private async takeSample(): Promise<void> {
    let sample: SystemSample;
    try {
      sample = await this.o.sampler.sample();
    } catch (e) {
      this.o.onError?.(e);
      return;
    }
    const step = this.index++;
    const points = Object.entries(sample.values).map(([key, value]) => ({ key, value, step, timestamp: sample.timestamp }));
    this.observe(sample);
    if (points.length > 0) this.o.add(points);
  }

  private observe(sample: SystemSample): void {
    const v = sample.values;
    this.lastTimestamp = sample.timestamp;
    const memory = v[M.processMemory];
    if (memory !== undefined) this.peakMemory = Math.max(this.peakMemory ?? 0, memory);
    const cpu = v[M.processCpu];
    if (cpu !== undefined && this.lastAliveAt !== undefined) {
      const ms = sample.timestamp - this.lastAliveAt;
      this.cpuWeighted += cpu * ms;
      this.cpuMs += ms;
      this.peakCpu = Math.max(this.peakCpu ?? 0, cpu);
    }
    this.lastAliveAt = sample.treeAlive ? sample.timestamp : undefined;
    for (const [key, value] of Object.entries(v)) {
      const m = /^system\/gpu_(\d+)_(utilization_percentage|memory_usage_megabytes)$/.exec(key);
      if (!m) continue;
      const i = Number(m[1]);
      const g = this.gpus.get(i) ?? { utilSum: 0, utilCount: 0 };
      if (m[2] === 'utilization_percentage') {
        g.utilSum += value;
        g.utilCount++;
      } else g.peakMemory = Math.max(g.peakMemory ?? 0, value);
      this.gpus.set(i, g);
    }
  }

  private summary(): PendingPoint[] {
    const out: Record<string, number> = {};
    if (this.peakMemory !== undefined) out[M.peakMemory] = this.peakMemory;
    if (this.cpuMs > 0) out[M.meanCpu] = this.cpuWeighted / this.cpuMs;
    if (this.peakCpu !== undefined) out[M.peakCpu] = this.peakCpu;
    for (const [i, g] of this.gpus) {
      if (g.peakMemory !== undefined) out[gpuMetric.peakMemory(i)] = g.peakMemory;
      if (g.utilCount > 0) out[gpuMetric.meanUtilization(i)] = g.utilSum / g.utilCount;
    }
    const timestamp = this.lastTimestamp ?? Date.now();
    return Object.entries(out).map(([key, value]) => ({ key, value, step: 0, timestamp }));
  }
}
