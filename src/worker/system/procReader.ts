import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { MachineCpuTimes, MachineMemory, ProcStatTimes } from './procText';
import { parseMachineCpu, parseMeminfo, parseProcIo, parseStatTimes } from './procText';

/** What one look at `/proc` says about a process tree and the machine; counters are cumulative. */
export interface ProcSnapshot {
  /** Live processes of the tree (zombies left out), the root first. */
  readonly pids: readonly number[];
  /** CPU seconds of the tree: each live member's own time plus that of its children it reaped. */
  readonly treeCpuSeconds: number;
  readonly treeRssBytes: number;
  readonly treeReadBytes: number;
  readonly treeWriteBytes: number;
  readonly machineCpu?: MachineCpuTimes;
  readonly memory?: MachineMemory;
}

/** Whether this system has a Linux-style `/proc` (the sampler records nothing without one). */
export function hasProcFs(root = '/proc'): boolean {
  try {
    return parseStatTimes(readFileSync(`${root}/self/stat`, 'utf8')) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Reads `/proc` once: the tree under `rootPid` (found from each process's
 * ppid in `/proc/<pid>/stat`; one scan, so a child that re-parents away from
 * the tree stops counting), its CPU, RSS and I/O, and the machine's CPU and
 * memory. A process that exits mid-scan is skipped. `root` is the proc mount
 * (tests point it elsewhere).
 */
export function readProcSnapshot(rootPid: number, root = '/proc'): ProcSnapshot {
  const stats = new Map<number, ProcStatTimes>();
  const children = new Map<number, number[]>();
  for (const entry of readdirSync(root)) {
    if (entry.charCodeAt(0) > 57 || !/^\d+$/.test(entry)) continue;
    const stat = readOptional(`${root}/${entry}/stat`);
    const parsed = stat === undefined ? undefined : parseStatTimes(stat);
    if (!parsed || parsed.state === 'Z' || parsed.state === 'X') continue;
    stats.set(parsed.pid, parsed);
    const siblings = children.get(parsed.ppid);
    if (siblings) siblings.push(parsed.pid);
    else children.set(parsed.ppid, [parsed.pid]);
  }
  const pids: number[] = [];
  const queue = stats.has(rootPid) ? [rootPid] : [];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    pids.push(pid);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  const { ticksPerSecond, pageBytes } = kernelUnits();
  let ticks = 0;
  let rssPages = 0;
  let readBytes = 0;
  let writeBytes = 0;
  for (const pid of pids) {
    const s = stats.get(pid)!;
    ticks += s.ownTicks + s.childTicks;
    rssPages += s.rssPages;
    const io = parseProcIo(readOptional(`${root}/${pid}/io`) ?? '');
    if (io) {
      readBytes += io.readBytes;
      writeBytes += io.writeBytes;
    }
  }
  const machineCpu = parseMachineCpu(readOptional(`${root}/stat`) ?? '');
  const memory = parseMeminfo(readOptional(`${root}/meminfo`) ?? '');
  return {
    pids,
    treeCpuSeconds: ticks / ticksPerSecond,
    treeRssBytes: rssPages * pageBytes,
    treeReadBytes: readBytes,
    treeWriteBytes: writeBytes,
    ...(machineCpu ? { machineCpu } : {}),
    ...(memory ? { memory } : {}),
  };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // exited while we looked, or not ours to read
  }
}

let units: { ticksPerSecond: number; pageBytes: number } | undefined;

/**
 * Clock ticks per second and the page size, which `/proc/<pid>/stat` counts
 * in. Node exposes neither; `getconf` is asked once per process. 100 and 4096
 * are what Linux uses on x86-64 and arm64 when it cannot be asked.
 */
export function kernelUnits(): { ticksPerSecond: number; pageBytes: number } {
  units ??= { ticksPerSecond: getconf('CLK_TCK') ?? 100, pageBytes: getconf('PAGESIZE') ?? 4096 };
  return units;
}

function getconf(name: string): number | undefined {
  try {
    const n = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
