import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { RequestLogLine } from '../serve/requestLog';
import type { LiveValues } from './inputDrift';

/** The most recent logged inputs, column by column. */
export interface LiveWindow {
  /** Rows collected (from the newest request backwards). */
  readonly rows: number;
  /** Requests those rows came from. */
  readonly requests: number;
  readonly columns: Record<string, LiveValues>;
  /** Epoch ms of the oldest and newest request in the window; null when empty. */
  readonly from: number | null;
  readonly to: number | null;
  /** Lines that were not valid JSON (a torn last line while the server appends). */
  readonly skippedLines: number;
}

export interface WindowOptions {
  /** Stop once this many rows are collected; default 5000. */
  readonly maxRows?: number;
  /** Bytes read from the end of each file; default 32 MiB. */
  readonly maxBytes?: number;
}

/**
 * Reads the recent window of a request log written by the model server:
 * successful requests with inputs, newest first, from `<file>` and then its
 * rotated `<file>.1`, until `maxRows` rows. A missing file is an empty window.
 */
export function readLiveWindow(file: string, options: WindowOptions = {}): LiveWindow {
  const maxRows = options.maxRows ?? 5000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const columns: Record<string, (number | string | boolean | null)[]> = {};
  const chunks: Record<string, (number | string | boolean | null)[]>[] = [];
  let rows = 0;
  let requests = 0;
  let skippedLines = 0;
  let from: number | null = null;
  let to: number | null = null;
  for (const path of [file, `${file}.1`]) {
    if (rows >= maxRows) break;
    const lines = tailLines(path, maxBytes);
    for (let i = lines.length - 1; i >= 0 && rows < maxRows; i--) {
      let entry: RequestLogLine;
      try {
        entry = JSON.parse(lines[i]) as RequestLogLine;
      } catch {
        skippedLines++;
        continue;
      }
      if (!entry.inputs || entry.status < 200 || entry.status >= 300) continue;
      const take = Math.min(maxRows - rows, ...Object.values(entry.inputs).map((v) => v.length));
      if (take <= 0) continue;
      // Of a request that does not fit whole, its last (newest) rows.
      chunks.push(Object.fromEntries(Object.entries(entry.inputs).map(([k, v]) => [k, v.slice(v.length - take)])));
      rows += take;
      requests++;
      to ??= entry.ts;
      from = entry.ts;
    }
  }
  // Chunks were gathered newest first; put the values back in arrival order.
  for (let c = chunks.length - 1; c >= 0; c--) {
    for (const [k, v] of Object.entries(chunks[c])) (columns[k] ??= []).push(...v);
  }
  return { rows, requests, columns, from, to, skippedLines };
}

/** The complete lines within the last `maxBytes` of a file ([] when it does not exist). */
function tailLines(path: string, maxBytes: number): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    let read = 0;
    while (read < buf.length) {
      const n = readSync(fd, buf, read, buf.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    const text = buf.subarray(0, read).toString('utf8');
    const lines = text.split('\n');
    if (start > 0) lines.shift(); // cut mid-line
    return lines.filter((l) => l.trim() !== '');
  } finally {
    closeSync(fd);
  }
}
