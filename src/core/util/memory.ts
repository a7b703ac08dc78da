import { freemem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/** Memory this process can still use, in bytes. */
export interface MemoryBudget {
  /** Free memory of the machine, or of the container's cgroup where one limits it. */
  readonly systemBytes: number;
  /**
   * Room left under the V8 heap limit (`--max-old-space-size`): strings and
   * JS arrays live there, typed arrays do not.
   */
  readonly heapBytes: number;
}

/** What this process has left now (`process.availableMemory` knows cgroup limits; `os.freemem` where it is absent). */
export function currentMemoryBudget(): MemoryBudget {
  const available = (process as { availableMemory?: () => number }).availableMemory?.();
  const heap = getHeapStatistics();
  return {
    systemBytes: available !== undefined && available > 0 ? available : freemem(),
    heapBytes: Math.max(0, heap.heap_size_limit - heap.used_heap_size),
  };
}

/** Bytes for people: `412 GB`, `3.1 GB`, `950 MB`, `12 KB`. */
export function formatBytes(bytes: number): string {
  const gb = bytes / 2 ** 30;
  if (gb >= 100) return `${Math.round(gb)} GB`;
  if (gb >= 1) return `${gb.toFixed(1)} GB`;
  if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)} MB`;
  return `${Math.max(1, Math.ceil(bytes / 1024))} KB`;
}

/** An integer with thousands separators (`998,231`), the same on every machine. */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
