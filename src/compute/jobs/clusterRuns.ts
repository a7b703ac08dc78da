/** Reading the workspace store's cluster runs: which are still followed, and where each one's spool and log are. */
import { join } from 'node:path';
import type { RunStore } from '../../store/runStore';
import type { RunRecord } from '../../store/types';
import { KIND_TAG } from '../../worker/sweepRuns';
import { ARRAY_TASK_TAG, COMPUTE_TAG, FINAL_TAG, JOB_ID_TAG, JOB_ROOT_TAG, SLURM_COMPUTE } from './clusterTags';

/** A cluster run as sync and the CLI see it. */
export interface ClusterRun {
  readonly run: RunRecord;
  readonly tags: Readonly<Record<string, string>>;
  readonly jobId: string | undefined;
  /** The array task (a sweep trial), else 0. */
  readonly task: number;
  /** True for a sweep's parent: it has no spool of its own. */
  readonly isSweepParent: boolean;
  /** `<storeDir>/jobs/<root>/<task>/`: the spool and `output.log`. */
  readonly taskDir: string;
  /** Slurm's key for this run's job: `123`, or `123_4` for an array task. */
  readonly slurmKey: string | undefined;
}

export function clusterRunOf(store: RunStore, storeDir: string, run: RunRecord): ClusterRun {
  const tags = store.getTags(run.id);
  const jobId = tags[JOB_ID_TAG];
  const arrayTask = tags[ARRAY_TASK_TAG];
  const task = arrayTask === undefined ? 0 : Number(arrayTask);
  const root = tags[JOB_ROOT_TAG] ?? run.id;
  return {
    run, tags, jobId, task,
    isSweepParent: tags[KIND_TAG] === 'sweep',
    taskDir: join(storeDir, 'jobs', root, String(task)),
    slurmKey: jobId === undefined ? undefined : arrayTask === undefined ? jobId : `${jobId}_${arrayTask}`,
  };
}

/** Every cluster run, newest first, a sweep's trials right after their parent in task order (`runlens jobs`). */
export function allClusterRuns(store: RunStore, storeDir: string): ClusterRun[] {
  const runs = store.findRunIdsByTag(COMPUTE_TAG, SLURM_COMPUTE)
    .map((id) => store.findRun(id))
    .filter((r): r is RunRecord => r !== undefined)
    .map((r) => clusterRunOf(store, storeDir, r));
  const ids = new Set(runs.map((c) => c.run.id));
  const children = new Map<string, ClusterRun[]>();
  for (const c of runs) if (c.run.parentId !== null && ids.has(c.run.parentId)) children.set(c.run.parentId, [...(children.get(c.run.parentId) ?? []), c]);
  const out: ClusterRun[] = [];
  for (const c of runs.filter((r) => r.run.parentId === null || !ids.has(r.run.parentId)).sort((a, b) => b.run.createdAt - a.run.createdAt)) {
    out.push(c, ...(children.get(c.run.id) ?? []).sort((a, b) => a.task - b.task));
  }
  return out;
}

/** The cluster runs sync still follows: not yet confirmed ended by Slurm (tag `slurm.final`). */
export function followedClusterRuns(store: RunStore, storeDir: string): ClusterRun[] {
  const done = new Set(store.findRunIdsByTag(FINAL_TAG, '1'));
  return store.findRunIdsByTag(COMPUTE_TAG, SLURM_COMPUTE)
    .filter((id) => !done.has(id))
    .map((id) => store.findRun(id))
    .filter((r): r is RunRecord => r !== undefined)
    .map((r) => clusterRunOf(store, storeDir, r));
}

export function isTerminal(status: string): boolean {
  return status === 'finished' || status === 'failed' || status === 'killed';
}
