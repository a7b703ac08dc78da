import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';

/** A live process in a process group. */
export interface GroupMember {
  readonly pid: number;
  /** The program's short name (`sleep`, `python3`), for the run's log. */
  readonly name: string;
}

/**
 * The live processes of process group `pgid`, zombies left out (a container's
 * pid 1 may never reap an orphan that already exited; it runs nothing).
 * Node has no API for this: Linux is read from `/proc`, which costs no child
 * process; other POSIX systems (macOS, BSD) ask `ps`. Windows has no process
 * groups: always empty there.
 */
export function listGroupMembers(pgid: number): GroupMember[] {
  if (process.platform === 'win32') return [];
  return hasProc() ? fromProc(pgid) : fromPs(pgid);
}

let procAvailable: boolean | undefined;
function hasProc(): boolean {
  if (procAvailable === undefined) {
    try {
      readFileSync('/proc/self/stat', 'utf8');
      procAvailable = true;
    } catch {
      procAvailable = false;
    }
  }
  return procAvailable;
}

function fromProc(pgid: number): GroupMember[] {
  const out: GroupMember[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const member = parseProcStat(stat);
    if (member && member.pgid === pgid && member.state !== 'Z' && member.state !== 'X') out.push({ pid: member.pid, name: member.name });
  }
  return out;
}

/**
 * One `/proc/<pid>/stat` line: `pid (comm) state ppid pgrp …`. The name may
 * hold spaces and parentheses, so the fields after it are found from the last `)`.
 */
export function parseProcStat(line: string): { pid: number; name: string; state: string; pgid: number } | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = line.slice(close + 2).split(' ');
  const pid = Number(line.slice(0, open).trim());
  const pgid = Number(fields[2]);
  if (!Number.isInteger(pid) || !Number.isInteger(pgid) || fields[0] === undefined) return undefined;
  return { pid, name: line.slice(open + 1, close), state: fields[0], pgid };
}

function fromPs(pgid: number): GroupMember[] {
  let text: string;
  try {
    text = execFileSync('ps', ['-A', '-o', 'pid=,pgid=,stat=,comm='], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  const out: GroupMember[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!m || Number(m[2]) !== pgid || m[3]!.startsWith('Z')) continue;
    out.push({ pid: Number(m[1]), name: basename(m[4]!.trim()) });
  }
  return out;
}
