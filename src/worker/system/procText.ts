/**
 * Parsers of the Linux `/proc` text the system-metrics sampler reads, and of
 * `nvidia-smi`'s CSV. Pure functions: the reading lives in `procReader.ts`,
 * so these are tested on captured text.
 */

/** The fields of `/proc/<pid>/stat` the sampler needs; times in clock ticks, RSS in pages. */
export interface ProcStatTimes {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
  /** utime + stime: the process's own CPU time. */
  readonly ownTicks: number;
  /** cutime + cstime: CPU time of its children that exited and were waited for. */
  readonly childTicks: number;
  readonly rssPages: number;
}

/**
 * One `/proc/<pid>/stat` line (`pid (comm) state ppid …`, see proc(5)). The
 * name may hold spaces and parentheses, so fields are counted from the last `)`.
 */
export function parseStatTimes(line: string): ProcStatTimes | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // After ") ": field 3 (state) is index 0, so field n of proc(5) is index n - 3.
  const f = line.slice(close + 2).split(' ');
  const pid = Number(line.slice(0, open).trim());
  const nums = [f[1], f[11], f[12], f[13], f[14], f[21]].map(Number);
  if (!Number.isInteger(pid) || f[0] === undefined || nums.some((n) => !Number.isFinite(n))) return undefined;
  const [ppid, utime, stime, cutime, cstime, rss] = nums as [number, number, number, number, number, number];
  return { pid, ppid, state: f[0], ownTicks: utime + stime, childTicks: cutime + cstime, rssPages: rss };
}

/** The machine's CPU time from the `cpu` line of `/proc/stat`, in clock ticks. */
export interface MachineCpuTimes {
  readonly total: number;
  /** idle + iowait: time no CPU worked. */
  readonly idle: number;
}

/** The aggregate `cpu ` line of `/proc/stat`; guest time is already inside user time, so it is not added again. */
export function parseMachineCpu(text: string): MachineCpuTimes | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (v.length < 4 || v.some((n) => !Number.isFinite(n))) return undefined;
  const total = v.reduce((a, b) => a + b, 0);
  return { total, idle: v[3]! + (v[4] ?? 0) };
}

/** Machine memory from `/proc/meminfo`, in bytes. */
export interface MachineMemory {
  readonly totalBytes: number;
  readonly availableBytes: number;
}

/** `MemTotal` and `MemAvailable` (kernels before 3.14 lack the latter: free + buffers + cached then). */
export function parseMeminfo(text: string): MachineMemory | undefined {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]));
  }
  const total = kb.get('MemTotal');
  if (total === undefined) return undefined;
  const available = kb.get('MemAvailable') ?? (kb.get('MemFree') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
  return { totalBytes: total * 1024, availableBytes: available * 1024 };
}

/** Bytes a process made the storage layer read and write (`/proc/<pid>/io`), its reaped children included. */
export interface ProcIo {
  readonly readBytes: number;
  readonly writeBytes: number;
}

export function parseProcIo(text: string): ProcIo | undefined {
  const read = /^read_bytes:\s*(\d+)/m.exec(text);
  const write = /^write_bytes:\s*(\d+)/m.exec(text);
  if (!read || !write) return undefined;
  return { readBytes: Number(read[1]), writeBytes: Number(write[1]) };
}

/** One GPU as `nvidia-smi` reports it. */
export interface GpuReading {
  readonly index: number;
  readonly utilizationPercent?: number;
  readonly memoryUsedMiB?: number;
  readonly memoryTotalMiB?: number;
  readonly powerWatts?: number;
}

/** The query `parseNvidiaSmi` reads: one line per GPU, in this column order. */
export const NVIDIA_SMI_ARGS = [
  '--query-gpu=index,utilization.gpu,memory.used,memory.total,power.draw',
  '--format=csv,noheader,nounits',
] as const;

/**
 * The CSV of `nvidia-smi` with `NVIDIA_SMI_ARGS`. A value the card does not
 * report (`[N/A]`, `[Not Supported]`) is left out rather than read as 0.
 */
export function parseNvidiaSmi(text: string): GpuReading[] {
  const out: GpuReading[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length < 5) continue;
    const [index, util, used, total, power] = cells.map(numberOrUndefined);
    if (index === undefined || !Number.isInteger(index)) continue;
    out.push({
      index,
      ...(util !== undefined ? { utilizationPercent: util } : {}),
      ...(used !== undefined ? { memoryUsedMiB: used } : {}),
      ...(total !== undefined ? { memoryTotalMiB: total } : {}),
      ...(power !== undefined ? { powerWatts: power } : {}),
    });
  }
  return out;
}

function numberOrUndefined(cell: string | undefined): number | undefined {
  if (cell === undefined || !/^-?\d+(\.\d+)?$/.test(cell)) return undefined;
  return Number(cell);
}
