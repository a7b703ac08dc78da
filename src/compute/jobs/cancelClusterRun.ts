/** Cancelling a cluster run: scancel of its job, its array task, or a sweep's whole array. The run ends `killed` at the next sync, when Slurm says CANCELLED. */
import type { RunStore } from '../../store/runStore';
import type { SlurmRunOptions } from '../slurm/slurmCommands';
import { cancelJob } from '../slurm/submitJob';
import { clusterRunOf, isTerminal } from './clusterRuns';
import { CANCELLED_TAG, COMPUTE_TAG, SLURM_COMPUTE } from './clusterTags';

export interface CancelResult {
  /** What scancel was given: `123` (a job or a whole array) or `123_4` (one task). */
  readonly target: string;
  readonly wholeSweep: boolean;
}

/** Throws a one-line Error when the run is not a cluster run, has ended, or was never submitted. */
export async function cancelClusterRun(store: RunStore, runId: string, storeDir: string, slurm: SlurmRunOptions = {}): Promise<CancelResult> {
  const run = store.getRun(runId);
  const c = clusterRunOf(store, storeDir, run);
  if (c.tags[COMPUTE_TAG] !== SLURM_COMPUTE) throw new Error(`run ${run.name} (${run.id.slice(0, 8)}) is not a cluster run`);
  if (isTerminal(run.status)) throw new Error(`run ${run.name} (${run.id.slice(0, 8)}) already ended: ${run.status}`);
  if (c.jobId === undefined) throw new Error(`run ${run.name} (${run.id.slice(0, 8)}) has no Slurm job id (its submission did not finish)`);
  // The parent's mark comes first: its end is `killed` even when a trial finished before the array was cancelled.
  if (c.isSweepParent) store.setTags(run.id, { [CANCELLED_TAG]: '1' });
  const target = c.isSweepParent ? c.jobId : c.slurmKey!;
  await cancelJob(target, slurm);
  return { target, wholeSweep: c.isSweepParent };
}
