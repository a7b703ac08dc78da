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
 * Reads `/proc` once: the tree under `rootPid`, its CPU, RSS and I/O, and the
 * machine's CPU and memory. The tree is walked through each thread's
 * `task/<tid>/children` (Linux 3.5+ with CONFIG_PROC_CHILDREN, as Debian and
 * Ubuntu kernels have), so the cost follows the tree, not the machine's
 * process count; without those files, every `/proc/<pid>/stat` is read for
 * its ppid. A process that exits mid-look is skipped; zombies are left out.
 * `root` is the proc mount (tests point it elsewhere).
 */
export function readProcSnapshot(rootPid: number, root = '/proc'): ProcSnapshot {
  const stats = hasChildrenFiles(rootPid, root) ? walkChildren(rootPid, root) : scanAll(rootPid, root);
  const pids = [...stats.keys()];
  const { ticksPerSecond, pageBytes } = kernelUnits();
  let ticks = 0;
  let rssPages = 0;
  let readBytes = 0;
  let writeBytes = 0;
  for (const [pid, s] of stats) {
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

/** Whether the kernel lists each thread's children (the root's main thread is asked). */
function hasChildrenFiles(rootPid: number, root: string): boolean {
  return readOptional(`${root}/${rootPid}/task/${rootPid}/children`) !== undefined;
}

/** The tree breadth-first from `rootPid` through the children files, the root first. */
function walkChildren(rootPid: number, root: string): Map<number, ProcStatTimes> {
  const stats = new Map<number, ProcStatTimes>();
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (stats.has(pid)) continue;
    const stat = parseStatTimes(readOptional(`${root}/${pid}/stat`) ?? '');
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    stats.set(pid, stat);
    let threads: string[];
    try {
      threads = readdirSync(`${root}/${pid}/task`);
    } catch {
      continue; // exited while we looked
    }
    for (const tid of threads) {
      for (const child of (readOptional(`${root}/${pid}/task/${tid}/children`) ?? '').split(' ')) {
        if (child) queue.push(Number(child));
      }
    }
  }
  return stats;
}

/** The tree found from every process's ppid: one read of each `/proc/<pid>/stat`, the root first. */
function scanAll(rootPid: number, root: string): Map<number, ProcStatTimes> {
  const all = new Map<number, ProcStatTimes>();
  const children = new Map<number, number[]>();
  for (const entry of readdirSync(root)) {
    if (entry.charCodeAt(0) > 57 || !/^\d+$/.test(entry)) continue;
    const parsed = parseStatTimes(readOptional(`${root}/${entry}/stat`) ?? '');
    if (!parsed || parsed.state === 'Z' || parsed.state === 'X') continue;
    all.set(parsed.pid, parsed);
    const siblings = children.get(parsed.ppid);
    if (siblings) siblings.push(parsed.pid);
    else children.set(parsed.ppid, [parsed.pid]);
  }
  const stats = new Map<number, ProcStatTimes>();
  const queue = all.has(rootPid) ? [rootPid] : [];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    stats.set(pid, all.get(pid)!);
    for (const child of children.get(pid) ?? []) queue.push(child);
  }
  return stats;
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
