/**
 * How a run that lives on a Slurm cluster shows in the Runs view and the
 * "Jobs" status bar item: read from the tags the submit and the sync write
 * (`runlens.compute=slurm`, `slurm.job_id`, `slurm.reason`…). No vscode
 * import: tested under plain Node.
 */
import type { RunStatus } from '../runPresentation';
import { escapeMarkdown, formatElapsed } from '../runPresentation';
import type { RowIcon } from '../runs/runRowText';
import { ARRAY_TASK_TAG, COMPUTE_TAG, JOB_ID_TAG, NODE_TAG, PARTITION_TAG, PROFILE_TAG, REASON_TAG, SLURM_COMPUTE } from '../../compute/jobs/clusterTags';

/** The tags a cluster run carries (written by the jobs module on submit and on each sync). */
const CLUSTER_TAGS = {
  compute: COMPUTE_TAG,
  jobId: JOB_ID_TAG,
  arrayTask: ARRAY_TASK_TAG,
  partition: PARTITION_TAG,
  profile: PROFILE_TAG,
  reason: REASON_TAG,
  node: NODE_TAG,
} as const;

/** The parts of a run row this file reads. */
export interface ClusterRunRow {
  readonly status: RunStatus;
  readonly startedAt: number | null;
  readonly tags: Readonly<Record<string, string>>;
}

export function isClusterRun(run: { readonly tags: Readonly<Record<string, string>> }): boolean {
  return run.tags[CLUSTER_TAGS.compute] === SLURM_COMPUTE;
}

/** A live cluster run: one `scancel` can still stop it. */
export function isLiveClusterRun(run: ClusterRunRow): boolean {
  return isClusterRun(run) && (run.status === 'queued' || run.status === 'running');
}

/** Slurm's id of the run's job: `123`, or `123_4` for a sweep's trial (array task 4). */
export function clusterJobLabel(run: ClusterRunRow): string | undefined {
  const job = run.tags[CLUSTER_TAGS.jobId];
  if (!job) return undefined;
  const task = run.tags[CLUSTER_TAGS.arrayTask];
  return task !== undefined && task !== '' ? `${job}_${task}` : job;
}

/**
 * The row's description while the job is live: `queued: Resources` (Slurm's
 * reason for not starting it yet), `running on node1 2m 5s`; undefined once it
 * ended (the row then shows its metric like any run).
 */
export function clusterRunDescription(run: ClusterRunRow, now: number): string | undefined {
  if (!isClusterRun(run)) return undefined;
  if (run.status === 'queued') {
    const reason = run.tags[CLUSTER_TAGS.reason];
    return reason && reason !== 'None' ? `queued: ${reason}` : 'queued';
  }
  if (run.status === 'running') {
    const node = run.tags[CLUSTER_TAGS.node];
    const took = run.startedAt ? ` ${formatElapsed(now - run.startedAt)}` : '';
    return `running${node ? ` on ${node}` : ''}${took}`;
  }
  return undefined;
}

/** The row's icon while the job is live: a server (waiting in Slurm's queue) or a spinning one (on a node). */
export function clusterRunIcon(run: ClusterRunRow): RowIcon | undefined {
  if (!isClusterRun(run)) return undefined;
  if (run.status === 'queued') return { icon: 'server' };
  if (run.status === 'running') return { icon: 'server-process', color: 'charts.blue' };
  return undefined;
}

/** Markdown lines for the row's tooltip: the job id, its partition, node, profile and Slurm's reason. */
export function clusterRunTooltip(run: ClusterRunRow): string | undefined {
  if (!isClusterRun(run)) return undefined;
  const e = escapeMarkdown;
  const t = run.tags;
  const job = clusterJobLabel(run);
  const lines = [`Slurm job: \`${job ?? 'not submitted'}\`  `];
  if (t[CLUSTER_TAGS.partition]) lines.push(`partition: ${e(t[CLUSTER_TAGS.partition]!)}  `);
  if (t[CLUSTER_TAGS.node]) lines.push(`node: ${e(t[CLUSTER_TAGS.node]!)}  `);
  if (t[CLUSTER_TAGS.profile]) lines.push(`profile: ${e(t[CLUSTER_TAGS.profile]!)}  `);
  if (run.status === 'queued' && t[CLUSTER_TAGS.reason]) lines.push(`waiting: ${e(t[CLUSTER_TAGS.reason]!)}  `);
  return lines.join('\n');
}

/** How many cluster runs wait in Slurm's queue and how many run on a node. */
export interface JobCounts {
  readonly queued: number;
  readonly running: number;
}

export function countJobs(runs: Iterable<ClusterRunRow>): JobCounts {
  let queued = 0;
  let running = 0;
  for (const r of runs) {
    if (!isClusterRun(r)) continue;
    if (r.status === 'queued') queued++;
    else if (r.status === 'running') running++;
  }
  return { queued, running };
}

/** The status bar item's text, e.g. `$(server-process) 1 queued · 2 running`; undefined when no job is live (the item hides). */
export function jobsStatusText(counts: JobCounts): string | undefined {
  const parts = [];
  if (counts.queued > 0) parts.push(`${counts.queued} queued`);
  if (counts.running > 0) parts.push(`${counts.running} running`);
  return parts.length ? `$(server-process) ${parts.join(' · ')}` : undefined;
}
