/**
 * The editor's Output channel view of cluster jobs' output files
 * (`<storeDir>/jobs/<root>/<task>/output.log`, sbatch's --output): one
 * {@link followJobLog} per followed job, started when sync first sees the job
 * on a node and stopped (with a last read) when sync stops following it. The
 * channel gets whole lines, each prefixed with its run's name: a line still
 * being written waits for its end. No vscode import.
 */
import { statSync } from 'node:fs';
import type { Timers } from '../../core/util/timers';
import { followJobLog, type JobLogFollower } from '../../compute/jobs/followJobLog';

/** A job whose output is followed: the run it fills and its output file. */
export interface FollowedLog {
  readonly runId: string;
  /** The prefix of its lines in the Output channel (the run's name). */
  readonly name: string;
  readonly file: string;
}

export interface JobOutputStreamsOptions {
  readonly output: (name: string, text: string) => void;
  /** A job first seen with more output than this shows only its last whole lines within it (the editor opened mid-job). */
  readonly tailBytes?: number;
  readonly intervalMs?: number;
  readonly timers?: Timers;
}

interface Stream {
  readonly follower: JobLogFollower;
  readonly line: LineBuffer;
}

/** Cuts text into whole lines; `skipFirst` drops the cut line a read from the middle of a file starts with. */
class LineBuffer {
  private partial = '';
  constructor(private readonly emit: (lines: string) => void, private skipFirst: boolean) {}

  push(text: string): void {
    let all = this.partial + text;
    if (this.skipFirst) {
      const nl = all.indexOf('\n');
      if (nl < 0) {
        this.partial = '';
        return;
      }
      all = all.slice(nl + 1);
      this.skipFirst = false;
    }
    const cut = all.lastIndexOf('\n') + 1;
    this.partial = all.slice(cut);
    if (cut > 0) this.emit(all.slice(0, cut));
  }

  flush(): void {
    if (this.partial && !this.skipFirst) this.emit(this.partial);
    this.partial = '';
  }
}

export class JobOutputStreams {
  private readonly streams = new Map<string, Stream>();

  constructor(private readonly options: JobOutputStreamsOptions) {}

  /** Run ids followed now. */
  get following(): string[] {
    return [...this.streams.keys()];
  }

  /** Follows exactly these jobs: new ones start (from the tail of what they wrote), ones gone get a last read. */
  update(logs: readonly FollowedLog[]): void {
    const wanted = new Set(logs.map((l) => l.runId));
    for (const id of [...this.streams.keys()]) if (!wanted.has(id)) this.stop(id);
    for (const log of logs) {
      if (this.streams.has(log.runId)) continue;
      const tail = this.options.tailBytes ?? 64 * 1024;
      const size = sizeOf(log.file);
      const from = size > tail ? size - tail : 0;
      const line = new LineBuffer((text) => this.options.output(log.name, text), from > 0);
      // set before the follower's first read, which happens as it starts
      const stream: { follower?: JobLogFollower; line: LineBuffer } = { line };
      this.streams.set(log.runId, stream as Stream);
      stream.follower = followJobLog({
        file: log.file,
        from,
        onText: (text) => line.push(text),
        intervalMs: this.options.intervalMs ?? 1_000,
        ...(this.options.timers ? { timers: this.options.timers } : {}),
      });
    }
  }

  private stop(runId: string): void {
    const s = this.streams.get(runId);
    if (!s) return;
    this.streams.delete(runId);
    s.follower.stop();
    s.line.flush();
  }

  /** Stops every stream (each with its last read). */
  dispose(): void {
    for (const id of [...this.streams.keys()]) this.stop(id);
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
