import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Live logs. A run's log is saved as an artifact when the run ends
 * (`logs/train.log` for a built-in model, `logs/output.log` for a command
 * run); while the run is live the same text is appended to
 * `<store>/live/<run id>/<artifact path>`, so another process
 * (`runlens logs --follow`) can read it as it grows, as `docker logs -f`
 * does. The writer removes the file once the artifact is saved; the trainer's
 * parent removes it when the trainer died first, and gc removes what both
 * left (a run that is no longer live).
 */
export const LIVE_DIR = 'live';

/** The log artifacts a run may have, the one `runlens logs` shows first. */
export const RUN_LOG_ARTIFACTS = ['logs/output.log', 'logs/train.log'] as const;
export type RunLogArtifact = (typeof RUN_LOG_ARTIFACTS)[number];

/** The folder of one run's live logs. */
export function liveLogDir(storeDir: string, runId: string): string {
  return join(storeDir, LIVE_DIR, runId);
}

export function liveLogPath(storeDir: string, runId: string, artifact: RunLogArtifact): string {
  return join(liveLogDir(storeDir, runId), artifact);
}

/** The run's live log (the one `runlens logs` prefers), if one is being written. */
export function findLiveLog(storeDir: string, runId: string): string | undefined {
  return RUN_LOG_ARTIFACTS.map((a) => liveLogPath(storeDir, runId, a)).find((f) => existsSync(f));
}

/** Removes a run's live logs; never throws (a live log is a convenience, never a reason to fail). */
export function removeLiveLogs(storeDir: string, runId: string): void {
  try {
    rmSync(liveLogDir(storeDir, runId), { recursive: true, force: true });
  } catch {
    // Left for gc.
  }
}

/** The run ids that have a live-log folder. */
export function runsWithLiveLogs(storeDir: string): string[] {
  try {
    return readdirSync(join(storeDir, LIVE_DIR));
  } catch {
    return [];
  }
}

/**
 * One live log being written. Opened on the first write; a write that fails
 * (disk full, folder removed) stops the live copy and never the run: the
 * artifact saved at the end is the log of record.
 */
export class LiveLogFile {
  private fd: number | undefined;
  private broken = false;

  constructor(readonly file: string) {}

  write(text: string): void {
    if (this.broken || text === '') return;
    try {
      if (this.fd === undefined) {
        mkdirSync(dirname(this.file), { recursive: true });
        this.fd = openSync(this.file, 'w');
      }
      writeSync(this.fd, text);
    } catch {
      this.broken = true;
      this.closeFd();
    }
  }

  /** Closes and deletes the file and the run's folder once empty (call once the log is saved with the run). */
  remove(): void {
    this.broken = true;
    this.closeFd();
    try {
      rmSync(this.file, { force: true });
      // live/<run>/logs, then live/<run>: the other log of the run may still be there.
      for (const dir of [dirname(this.file), dirname(dirname(this.file))]) rmdirSync(dir);
    } catch {
      // Not empty, or already gone.
    }
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
    this.fd = undefined;
  }
}
