/**
 * The job spool's format: what a job on a compute node appends to
 * `<taskDir>/events.jsonl` (one JSON object per line, each line written whole
 * with its trailing `\n`) and what the login node reads back. A job never
 * opens the workspace's SQLite store (WAL must not be shared over NFS/Lustre):
 * the spool is the only thing it writes on the shared file system, with the
 * artifact blobs beside it in `<taskDir>/blobs/<sha256>`.
 *
 * Run ids in events (`id`, `parent`) are the node's scratch-store ids; ingest
 * maps the first run without a parent to the workspace run it fills, and every
 * other run to a new workspace run under its mapped parent.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { InputRole, RunStatus } from '../../store/types';

/** The events file inside a task folder. */
export const SPOOL_FILE = 'events.jsonl';
/** The blobs folder inside a task folder: artifacts and dataset snapshots by sha256. */
export const SPOOL_BLOBS = 'blobs';

/** A metric value as JSON can carry it: NaN and ±Infinity as strings. */
export type SpoolNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface SpoolPoint {
  readonly key: string;
  readonly value: SpoolNumber;
  readonly step: number;
  readonly timestamp: number;
}

/** What a dataset version is, as the node recorded it (`DatasetInfo`). */
export interface SpoolDataset {
  readonly fingerprint: string;
  readonly path: string;
  readonly rows: number | null;
  readonly columns: number | null;
  readonly schema: unknown;
  readonly stats: unknown;
}

export type SpoolEvent =
  | {
      readonly t: 'run'; readonly id: string; readonly parent: string | null; readonly name: string; readonly experiment: string;
      readonly configPath: string | null; readonly config: unknown; readonly gitCommit: string | null; readonly gitDirty: boolean | null;
      readonly createdAt: number; readonly startedAt: number | null; readonly runlensVersion: string | null;
    }
  /** `at`: when it started (`running`), ended (terminal) or was created (`queued`). */
  | { readonly t: 'status'; readonly id: string; readonly status: RunStatus; readonly error: string | null; readonly at: number }
  | { readonly t: 'params'; readonly id: string; readonly params: Readonly<Record<string, string>> }
  /** A null value: the tag was removed. */
  | { readonly t: 'tags'; readonly id: string; readonly tags: Readonly<Record<string, string | null>> }
  | { readonly t: 'metrics'; readonly id: string; readonly points: readonly SpoolPoint[] }
  /** Its blob is in `blobs/<sha256>` (complete and fsynced) before this line is written. */
  | { readonly t: 'artifact'; readonly id: string; readonly path: string; readonly sha256: string; readonly size: number; readonly kind: string }
  /** `path`: the path the run read it at (as the run's input records it); the dataset's own may differ. */
  | { readonly t: 'input'; readonly id: string; readonly role: InputRole; readonly path: string; readonly dataset: SpoolDataset }
  /** A dataset version's file, kept as `blobs/<fingerprint>` (a fingerprint is the file's sha256). */
  | { readonly t: 'snapshot'; readonly fingerprint: string }
  | { readonly t: 'heartbeat'; readonly id: string; readonly at: number }
  /** The job's last word: how its training ended (the job script's view; the root's own status came before). */
  | { readonly t: 'end'; readonly status: 'finished' | 'failed' | 'killed'; readonly exitCode: number | null; readonly error?: string | null };

export type SpoolEventType = SpoolEvent['t'];
const EVENT_TYPES: ReadonlySet<string> = new Set<SpoolEventType>(['run', 'status', 'params', 'tags', 'metrics', 'artifact', 'input', 'snapshot', 'heartbeat', 'end']);

export function encodeNumber(v: number): SpoolNumber {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(v: SpoolNumber): number {
  return typeof v === 'number' ? v : Number(v);
}

/** One event as the line it is written as (with its `\n`). */
export function spoolLine(event: SpoolEvent): string {
  return `${JSON.stringify(event)}\n`;
}

export interface SpoolLine {
  readonly event: SpoolEvent;
  /** Byte offset of the line's start. */
  readonly offset: number;
}

export interface SpoolRead {
  readonly lines: readonly SpoolLine[];
  /** Byte offset after the last complete line read (the next read starts here). */
  readonly nextOffset: number;
  /**
   * Complete lines that are not an event (skipped): a line torn by a crash
   * mid-write that a restarted job terminated (SpoolShipper starts a torn
   * file with `\n`), or an event type this version does not know.
   */
  readonly malformed: number;
}

const CHUNK = 1 << 20;

/**
 * The complete lines of a spool after byte `fromOffset`, up to about
 * `maxBytes` of them (at least one line when one is complete). A last line
 * without `\n` is incomplete (its writer may still be writing it) and is left
 * for a later read. `stopAfter` ends the read after a line it returns true
 * for. A missing file reads as empty.
 */
export function readSpoolLines(file: string, fromOffset: number, maxBytes = 16 * CHUNK, stopAfter?: (event: SpoolEvent) => boolean): SpoolRead {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], nextOffset: fromOffset, malformed: 0 };
    throw e;
  }
  const lines: SpoolLine[] = [];
  let malformed = 0;
  let pos = fromOffset;
  let carry: Buffer = Buffer.alloc(0);
  let lineStart = fromOffset;
  let stopped = false;
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    while (!stopped && lineStart - fromOffset < maxBytes) {
      const n = fs.readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) break;
      pos += n;
      const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let from = 0;
      for (let nl = data.indexOf(10, from); nl >= 0 && !stopped && lineStart - fromOffset < maxBytes; nl = data.indexOf(10, from)) {
        const event = parseEvent(data.toString('utf8', from, nl));
        if (event) lines.push({ event, offset: lineStart });
        else malformed++;
        lineStart += nl + 1 - from;
        from = nl + 1;
        stopped = event !== undefined && (stopAfter?.(event) ?? false);
      }
      carry = Buffer.from(data.subarray(from));
      // Stopped at maxBytes with lines still in the buffer: they are read next time.
      if (lineStart - fromOffset >= maxBytes) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { lines, nextOffset: lineStart, malformed };
}

function parseEvent(text: string): SpoolEvent | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const t = (value as { t?: unknown }).t;
  return typeof t === 'string' && EVENT_TYPES.has(t) ? (value as SpoolEvent) : undefined;
}

/** The events file and blobs folder of a task folder. */
export function spoolPaths(taskDir: string): { events: string; blobs: string; blob: (sha256: string) => string } {
  const blobs = path.join(taskDir, SPOOL_BLOBS);
  return { events: path.join(taskDir, SPOOL_FILE), blobs, blob: (sha256) => path.join(blobs, sha256) };
}
