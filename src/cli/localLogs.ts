import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { isTerminal } from '../compute/jobs/clusterRuns';
import { findLiveLog, RUN_LOG_ARTIFACTS } from '../store/liveLogs';
import type { RunStore } from '../store/runStore';
import { CliError, type CliContext } from './context';

/** How often `logs --follow` looks at a local run's live log and status (a file another process appends to). */
const FOLLOW_POLL_MS = 250;

/**
 * `runlens logs <run> [--follow]` for a run trained on this machine: the
 * saved log (a command run's `logs/output.log`, else `logs/train.log`); while
 * the run is live, its live copy (see store/liveLogs.ts). `--follow` prints
 * the log as it grows until the run ends, then its status on stderr.
 */
export async function localRunLogs(ctx: CliContext, store: RunStore, runId: string, follow: boolean): Promise<number> {
  const run = store.getRun(runId);
  if (follow && !isTerminal(run.status)) return followLocalRun(ctx, store, runId);
  const saved = savedLog(store, run.id);
  const live = isTerminal(run.status) ? undefined : findLiveLog(ctx.storeDir, run.id);
  if (live !== undefined) ctx.raw.out(readFileSync(live, 'utf8'));
  else if (saved !== undefined) ctx.raw.out(saved);
  else {
    throw new CliError(`run ${run.name} (${run.id.slice(0, 8)}) has no log${isTerminal(run.status) ? '' : ` yet: it is ${run.status} (--follow waits for it)`}`);
  }
  return 0;
}

async function followLocalRun(ctx: CliContext, store: RunStore, runId: string): Promise<number> {
  let run = store.getRun(runId);
  let file: string | undefined;
  let offset = 0;
  let noted = false;
  for (;;) {
    file ??= findLiveLog(ctx.storeDir, run.id);
    if (file !== undefined) offset += copyFrom(ctx, file, offset);
    run = store.getRun(run.id);
    if (isTerminal(run.status)) break;
    if (file === undefined && !noted) {
      ctx.err(`${run.name} is ${run.status}: waiting for its log…\n`);
      noted = true;
    }
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
  // The writer removes its live copy only after the run's status: the rest is read from it, or,
  // if it went meanwhile, from the saved log past what was printed.
  if (file !== undefined && existsSync(file)) copyFrom(ctx, file, offset, true);
  else {
    const saved = savedLog(store, run.id);
    const bytes = saved === undefined ? undefined : Buffer.from(saved, 'utf8');
    if (bytes && bytes.length > offset) ctx.raw.out(bytes.subarray(offset).toString('utf8'));
  }
  ctx.err(`${run.name}: ${run.status}${run.error ? ` (${run.error})` : ''}\n`);
  return 0;
}

/** The run's saved log, the command run's output first. */
function savedLog(store: RunStore, runId: string): string | undefined {
  const artifacts = store.listArtifacts(runId);
  const log = RUN_LOG_ARTIFACTS.map((path) => artifacts.find((a) => a.path === path)).find((a) => a !== undefined);
  return log ? readFileSync(store.artifactPath(log.sha256), 'utf8') : undefined;
}

/**
 * Prints the bytes of `file` from `offset` up to the last complete line (or
 * to the end with `all`) and returns how many it printed: a line still being
 * written waits for the next look, so a multi-byte character is never cut.
 * 0 when the file is gone.
 */
function copyFrom(ctx: CliContext, file: string, offset: number, all = false): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 0;
  }
  try {
    const size = statSync(file).size;
    if (size <= offset) return 0;
    const buf = Buffer.alloc(size - offset);
    const n = readSync(fd, buf, 0, buf.length, offset);
    const end = all ? n : buf.lastIndexOf(0x0a, n - 1) + 1;
    if (end > 0) ctx.raw.out(buf.subarray(0, end).toString('utf8'));
    return end;
  } finally {
    closeSync(fd);
  }
}
