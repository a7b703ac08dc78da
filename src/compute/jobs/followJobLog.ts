/**
 * Following a job's `output.log` (sbatch's --output) as Slurm's node writes
 * it: `runlens logs --follow`, `--wait` and the editor's Output channel. The
 * file is on a shared file system, where change notifications do not cross
 * machines, so it is read from the last offset on a timer.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { realTimers, type Timers } from '../../core/util/timers';

export interface FollowJobLogOptions {
  readonly file: string;
  /** Bytes already shown (default 0: from the start). */
  readonly from?: number;
  /** New text, whole UTF-8 characters only. */
  readonly onText: (text: string) => void;
  /** Default 500 ms. */
  readonly intervalMs?: number;
  readonly timers?: Timers;
}

export interface JobLogFollower {
  /** Reads what was appended since the last read, now; returns the offset after it. */
  poll(): number;
  /** Stops the timer after one last read (the job's last lines). */
  stop(): void;
}

const CHUNK = 64 * 1024;

export function followJobLog(o: FollowJobLogOptions): JobLogFollower {
  const timers = o.timers ?? realTimers;
  const decoder = new StringDecoder('utf8');
  let offset = o.from ?? 0;
  let handle: unknown;
  let stopped = false;
  const poll = (): number => {
    let size: number;
    try {
      size = statSync(o.file).size;
    } catch {
      return offset; // not created yet: Slurm makes it when the job starts
    }
    if (size < offset) offset = 0; // truncated: a requeued job starts its log over
    if (size === offset) return offset;
    const fd = openSync(o.file, 'r');
    try {
      const buf = Buffer.alloc(CHUNK);
      while (offset < size) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, size - offset), offset);
        if (n === 0) break;
        offset += n;
        const text = decoder.write(buf.subarray(0, n));
        if (text) o.onText(text);
      }
    } finally {
      closeSync(fd);
    }
    return offset;
  };
  const tick = (): void => {
    if (stopped) return;
    poll();
    handle = timers.setTimeout(tick, o.intervalMs ?? 500);
  };
  tick();
  return {
    poll,
    stop: () => {
      if (stopped) return;
      stopped = true;
      timers.clearTimeout(handle);
      poll();
    },
  };
}
