/** The tags a cluster run carries in the workspace store (the Runs view, `runlens jobs` and sync read them). */
export const COMPUTE_TAG = 'runlens.compute';
export const SLURM_COMPUTE = 'slurm';
export const JOB_ID_TAG = 'slurm.job_id';
export const PARTITION_TAG = 'slurm.partition';
export const PROFILE_TAG = 'slurm.profile';
/** A sweep trial's array task index. */
export const ARRAY_TASK_TAG = 'slurm.array_task';
/** Why a job is still PENDING (Slurm's reason: Resources, Priority, …). */
export const REASON_TAG = 'slurm.reason';
export const NODE_TAG = 'slurm.node';
/** Slurm's state as last seen (PENDING, RUNNING, COMPLETED, …). */
export const STATE_TAG = 'slurm.state';
/** When the job was first seen PENDING (ms since the epoch), for the "pending too long" notice. */
export const PENDING_SINCE_TAG = 'slurm.pending_since';
/** The run (or sweep parent) whose folder `<storeDir>/jobs/<root>/` holds this run's spool. */
export const JOB_ROOT_TAG = 'runlens.job.root';
/** Set on a sweep parent cancelled as a whole: it ends `killed`, not `failed`. */
export const CANCELLED_TAG = 'slurm.cancelled';
/** `1` once Slurm's end state was applied: sync stops following the run. */
export const FINAL_TAG = 'slurm.final';
/** How many times Slurm requeued the job (preemption, node failure, `requeue: true`): the run ran again. */
export const REQUEUED_TAG = 'slurm.requeued';
