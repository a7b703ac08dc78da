/**
 * Sync of the workspace store with the cluster (the editor's poll, the CLI's
 * `--wait` and `runlens jobs sync`): one Slurm query for every followed job,
 * the spools ingested in order, then Slurm's state reconciled: the spool's
 * own end first, and where the job ended without agreeing (killed before its
 * final event, out of time, out of memory) Slurm's state wins and what was
 * ingested stays. A sweep's parent ends when all its trials did.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { RunStore } from '../../store/runStore';
import type { RunStatus } from '../../store/types';
import { jobStates, type JobStatesOptions } from '../slurm/jobStates';
import type { SlurmJobInfo } from '../slurm/slurmJobInfo';
import { slurmStateToRun } from '../slurm/slurmStateToRun';
import { ingestSpool } from '../spool/ingestSpool';
import { followedClusterRuns, isTerminal, type ClusterRun } from './clusterRuns';
import { FINAL_TAG, NODE_TAG, PENDING_SINCE_TAG, REASON_TAG, REQUEUED_TAG, STATE_TAG } from './clusterTags';
import { applySweepStops } from './sweepEarlyStop';
import { finishSweepParent } from './sweepParentEnd';

/** Default of `pendingLimitMs`: a job PENDING this long is reported with its reason. */
export const DEFAULT_PENDING_LIMIT_MS = 10 * 60_000;

/** The artifact a cluster run's job output is saved as when it ends. */
export const JOB_LOG_ARTIFACT = 'logs/slurm-output.log';

export interface SyncOptions {
  /** The workspace store's folder (its `jobs/` holds the spools). */
  readonly storeDir: string;
  /** Slurm's states by job key; default one squeue/scontrol round (jobStates). Tests of the reconcile rule pass states they read themselves. */
  readonly states?: (jobIds: string[]) => Promise<Map<string, SlurmJobInfo>>;
  /** Where Slurm's commands are, for the default `states`. */
  readonly slurm?: JobStatesOptions;
  readonly now?: () => number;
  readonly pendingLimitMs?: number;
}

export interface StatusChange {
  readonly runId: string;
  readonly name: string;
  readonly from: RunStatus;
  readonly to: RunStatus;
  readonly error: string | null;
}

export interface LongPending {
  readonly runId: string;
  readonly name: string;
  readonly jobKey: string;
  readonly reason: string;
  readonly pendingMs: number;
}

export interface SyncResult {
  readonly changes: readonly StatusChange[];
  /** Spool events and metric points ingested, over every run. */
  readonly events: number;
  readonly points: number;
  /** Jobs PENDING longer than the limit, with Slurm's reason. */
  readonly longPending: readonly LongPending[];
  /** Cluster runs still followed after this sync (not yet ended and confirmed by Slurm). */
  readonly followed: number;
}

/** Polls Slurm once, ingests every followed spool and applies Slurm's state; safe to run from two processes at once. */
export async function syncJobs(store: RunStore, o: SyncOptions): Promise<SyncResult> {
  const now = o.now ?? Date.now;
  const limit = o.pendingLimitMs ?? DEFAULT_PENDING_LIMIT_MS;
  const followed = followedClusterRuns(store, o.storeDir);
  const jobIds = [...new Set(followed.map((c) => c.jobId).filter((j): j is string => j !== undefined))];
  const states = jobIds.length === 0 ? new Map<string, SlurmJobInfo>() : await (o.states ?? ((ids: string[]) => jobStates(ids, o.slurm)))(jobIds);
  const changes: StatusChange[] = [];
  const longPending: LongPending[] = [];
  let events = 0;
  let points = 0;
  for (const c of followed) {
    if (c.isSweepParent || c.slurmKey === undefined) continue;
    if (existsSync(c.taskDir)) {
      const seen = ingestSpool(store, c.taskDir, c.run.id);
      events += seen.events;
      points += seen.points;
    }
    const info = states.get(c.slurmKey) ?? states.get(c.jobId!);
    const change = reconcile(store, c, info, now());
    if (change) changes.push(change);
    const pending = info && slurmStateToRun(info).status === 'queued' ? pendingTooLong(store, c, info, now(), limit) : undefined;
    if (pending) longPending.push(pending);
  }
  for (const c of followedClusterRuns(store, o.storeDir)) {
    if (!c.isSweepParent) continue;
    const stop = await applySweepStops(store, o.storeDir, c.run.id, o.slurm);
    for (const t of stop?.skipped ?? []) changes.push({ runId: t.id, name: t.name, from: 'queued', to: 'killed', error: `not run: the sweep stopped (${stop!.reason})` });
    const change = finishSweepParent(store, o.storeDir, c.run.id);
    if (change) changes.push(change);
  }
  return { changes, events, points, longPending, followed: followedClusterRuns(store, o.storeDir).length };
}

/**
 * Applies Slurm's view of one run, in one transaction (another syncer may be
 * at it too): PENDING keeps it queued with the reason, RUNNING records the
 * node, an ended job makes the run end as Slurm says unless the spool
 * already ended it the same way; then the run is final and its job output
 * is saved as an artifact.
 */
function reconcile(store: RunStore, c: ClusterRun, info: SlurmJobInfo | undefined, now: number): StatusChange | undefined {
  return store.transaction(() => {
    const run = store.getRun(c.run.id);
    const tags = store.getTags(run.id);
    if (tags[FINAL_TAG] === '1') return undefined;
    if (!info) {
      // Slurm no longer knows the job (or does not yet): a run the spool ended is done; a live one waits for the next look.
      if (isTerminal(run.status)) finalize(store, c);
      return statusChange(c, run.status, run.error);
    }
    const mapped = slurmStateToRun(info);
    const stateTags: Record<string, string | null> = { [STATE_TAG]: info.state };
    if (mapped.status === 'queued') {
      // An ended run whose job is queued again was requeued (preempted, a node failure, `requeue: true`): it runs
      // again. (A live run is left as it is: Slurm's state was read before the spool, so it may just be older.)
      const requeued = isTerminal(run.status);
      if (requeued) {
        store.setStatus(run.id, 'queued');
        stateTags[REQUEUED_TAG] = String(Number(tags[REQUEUED_TAG] ?? 0) + 1);
      }
      stateTags[REASON_TAG] = mapped.reason ?? info.reason ?? null;
      // Pending since the submit, or since the requeue.
      if (tags[PENDING_SINCE_TAG] === undefined || requeued) stateTags[PENDING_SINCE_TAG] = String(requeued ? now : run.createdAt);
      setChangedTags(store, run.id, tags, stateTags);
      return statusChange(c, store.getRun(run.id).status, null);
    }
    stateTags[REASON_TAG] = null;
    if (info.node) stateTags[NODE_TAG] = info.node;
    setChangedTags(store, run.id, tags, stateTags);
    if (mapped.status === 'running') {
      if (run.status === 'queued') store.setStatus(run.id, 'running');
      return statusChange(c, store.getRun(run.id).status, null);
    }
    // The job ended: Slurm's end wins where the spool's disagrees or is missing (killed before its final event).
    if (run.status !== mapped.status) {
      // A job that failed before its run ended (a bad config on the node, a crash): its output's last line says why.
      const why = mapped.status === 'failed' && !isTerminal(run.status) ? lastLine(`${c.taskDir}/output.log`) : undefined;
      store.setStatus(run.id, mapped.status, { error: [mapped.error ?? run.error, why].filter(Boolean).join(': ') || null });
    }
    endOrphans(store, run.id, mapped.status === 'finished' ? 'failed' : mapped.status, mapped.error ?? 'the job ended before this run did');
    finalize(store, c);
    const after = store.getRun(run.id);
    return statusChange(c, after.status, after.error);
  });
}

/**
 * Runs the job created under its run (CV folds) that it left live: their
 * process is gone with the job, and nothing else would ever end them.
 */
function endOrphans(store: RunStore, parentId: string, status: RunStatus, error: string): void {
  for (const child of store.listRuns({ parentId, limit: 100_000 })) {
    endOrphans(store, child.id, status, error);
    if (!isTerminal(child.status)) store.setStatus(child.id, status, { error });
  }
}

/** The last non-empty line of a job's output (its last 4 KiB), for a failure's message. */
function lastLine(file: string): string | undefined {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(4096, size));
      readSync(fd, buf, 0, buf.length, size - buf.length);
      const line = buf.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean).pop();
      return line === undefined ? undefined : line.length > 300 ? `${line.slice(0, 300)}…` : line;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function statusChange(c: ClusterRun, to: RunStatus, error: string | null): StatusChange | undefined {
  return c.run.status === to ? undefined : { runId: c.run.id, name: c.run.name, from: c.run.status, to, error };
}

/** Slurm has the last word: keep the job's output with the run and stop following it. */
function finalize(store: RunStore, c: ClusterRun): void {
  const log = `${c.taskDir}/output.log`;
  if (existsSync(log) && statSync(log).size > 0) store.logArtifact(c.run.id, JOB_LOG_ARTIFACT, { file: log }, 'log');
  store.setTags(c.run.id, { [FINAL_TAG]: '1' });
}

function pendingTooLong(store: RunStore, c: ClusterRun, info: SlurmJobInfo, now: number, limit: number): LongPending | undefined {
  const since = Number(store.getTags(c.run.id)[PENDING_SINCE_TAG] ?? now);
  const pendingMs = now - since;
  if (pendingMs < limit) return undefined;
  return { runId: c.run.id, name: c.run.name, jobKey: c.slurmKey!, reason: info.reason ?? 'unknown', pendingMs };
}

/**
 * Writes only the tags whose value differs from `current` (null removes a tag that is there): a sync that finds
 * a job as it was writes nothing, so the store does not change and views do not re-read every few seconds.
 */
function setChangedTags(store: RunStore, runId: string, current: Readonly<Record<string, string>>, next: Readonly<Record<string, string | null>>): void {
  const changed: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(next)) {
    if (value === null ? key in current : current[key] !== value) changed[key] = value;
  }
  if (Object.keys(changed).length > 0) store.setTags(runId, changed);
}
