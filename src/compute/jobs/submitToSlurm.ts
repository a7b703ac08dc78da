/**
 * Submitting a training or a sweep to Slurm from the login node: the runs are
 * created `queued` in the workspace store, the manifest and the job script are
 * written into `<storeDir>/jobs/<root>/`, and one sbatch call submits them (a
 * sweep is one array job, task i = trial i). Nothing here waits for the job.
 */
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SlurmProfile } from '../../core/compute/computeProfile';
import { ConfigError } from '../../core/config/parseConfig';
import type { TrainConfig } from '../../core/config/trainConfig';
import { configTask, defaultGoal, defaultSweepMetric } from '../../core/sweep/sweepMetric';
import { planTrials } from '../../core/sweep/sweepPlan';
import { sweepDefinitionParams, trialOverrides } from '../../core/sweep/sweepParams';
import { RUNLENS_VERSION } from '../../core/version';
import type { RunStore } from '../../store/runStore';
import { readGitInfo } from '../../worker/gitInfo';
import { experimentName, loadTrainConfig } from '../../worker/loadTrainConfig';
import { createSweepRuns } from '../../worker/sweepRuns';
import { renderJobScript } from '../slurm/jobScript';
import type { SlurmRunOptions } from '../slurm/slurmCommands';
import { submitJob } from '../slurm/submitJob';
import { ARRAY_TASK_TAG, COMPUTE_TAG, JOB_ID_TAG, JOB_ROOT_TAG, PARTITION_TAG, PROFILE_TAG, SLURM_COMPUTE } from './clusterTags';
import { jobPaths, writeManifest, type JobManifest, type JobPaths, type JobTaskSpec } from './jobManifest';
import { runlensInvocation } from './runlensInvocation';

export interface SubmitOptions {
  readonly store: RunStore;
  /** The workspace store's folder; the job's folder goes under its `jobs/`. */
  readonly storeDir: string;
  readonly configPath: string;
  readonly overrides?: readonly string[];
  readonly profile: SlurmProfile;
  readonly runName?: string;
  /** Tags on the run (a sweep: the parent and every trial), e.g. `runlens.source=cli`. */
  readonly tags?: Readonly<Record<string, string>>;
  /** A sweep's array concurrency (`%N`); default `sweep.parallel`, else every trial at once (Slurm schedules). */
  readonly parallel?: number;
  /** How the compute node starts runlens; default the same code as this process (runlensInvocation). */
  readonly runlens?: readonly string[];
  /** Where Slurm's commands are and the environment sbatch runs with (and the job gets); default this process's. */
  readonly slurm?: SlurmRunOptions;
}

export interface SubmitResult {
  readonly kind: 'run' | 'sweep';
  readonly jobId: string;
  /** The run, or the sweep parent. */
  readonly rootRunId: string;
  readonly rootRunName: string;
  /** The run each task fills, in task order. */
  readonly taskRunIds: readonly string[];
  readonly paths: JobPaths;
}

/**
 * Submits `configPath` on the profile's partition. A config error throws
 * (ConfigError) before any run exists. When sbatch refuses the job (an
 * unknown partition, a malformed time), the runs it created are marked
 * `failed` with Slurm's one line and that line is thrown: the attempt stays
 * visible with its job script, and nothing is left `queued`.
 */
export async function submitToSlurm(o: SubmitOptions): Promise<SubmitResult> {
  const overrides = o.overrides ?? [];
  const config = loadTrainConfig(o.configPath, overrides);
  if (config.command === undefined && (!config.model || !config.data)) {
    throw new ConfigError(o.configPath, [], 'a cluster run needs a training config with `model` and `data`, or a `command`');
  }
  const git = await readGitInfo(dirname(o.configPath));
  const experiment = experimentName(config, o.configPath);
  const computeTags = { [COMPUTE_TAG]: SLURM_COMPUTE, [PROFILE_TAG]: o.profile.name, ...(o.profile.partition ? { [PARTITION_TAG]: o.profile.partition } : {}) };
  const created = config.sweep
    ? createSweep(o, config, experiment, git, computeTags)
    : createSingle(o, config, experiment, git, computeTags);
  const paths = jobPaths(o.storeDir, created.rootRunId, created.kind === 'sweep');
  const manifest: JobManifest = {
    version: 1, kind: created.kind, rootRunId: created.rootRunId, configPath: o.configPath, overrides: [...overrides],
    profile: o.profile, createdAt: Date.now(), tasks: created.tasks,
  };
  let jobId: string;
  try {
    writeManifest(paths, manifest);
    const script = renderJobScript({
      profile: o.profile,
      command: [...(o.runlens ?? runlensInvocation()), 'job-task', paths.manifest],
      outputPath: paths.outputPattern,
      // squeue and sacct show it: the run a job carries is recognisable without RunLens.
      jobName: `runlens-${created.rootRunName}`.replace(/[^\w.-]+/g, '_').slice(0, 100),
      ...(created.kind === 'sweep' ? { array: { count: created.tasks.length, parallel: created.parallel } } : {}),
    });
    writeFileSync(paths.script, script, { mode: 0o755 });
    o.store.logArtifact(created.rootRunId, 'slurm/job.sh', script, 'slurm');
    ({ jobId } = await submitJob({
      scriptPath: paths.script,
      cwd: dirname(o.configPath),
      // sbatch hands its environment to the job (--export=ALL); ELECTRON_RUN_AS_NODE makes an editor's runtime run the CLI as Node.js.
      env: { ...(o.slurm?.env ?? process.env), ELECTRON_RUN_AS_NODE: '1', ...(o.profile.env ?? {}) },
      ...(o.slurm?.binDir ? { binDir: o.slurm.binDir } : {}),
      ...(created.kind === 'sweep' ? { array: { count: created.tasks.length, parallel: created.parallel } } : {}),
    }));
  } catch (e) {
    const line = (e as Error).message.split('\n')[0] ?? String(e);
    failAll(o.store, [created.rootRunId, ...created.tasks.map((t) => t.runId)], `not submitted: ${line}`);
    throw e;
  }
  o.store.transaction(() => {
    o.store.setTags(created.rootRunId, { [JOB_ID_TAG]: jobId });
    for (const t of created.tasks) o.store.setTags(t.runId, { [JOB_ID_TAG]: jobId });
  });
  return { kind: created.kind, jobId, rootRunId: created.rootRunId, rootRunName: created.rootRunName, taskRunIds: created.tasks.map((t) => t.runId), paths };
}

interface Created {
  readonly kind: 'run' | 'sweep';
  readonly rootRunId: string;
  readonly rootRunName: string;
  readonly tasks: JobTaskSpec[];
  readonly parallel: number;
}

type Git = Awaited<ReturnType<typeof readGitInfo>>;

function createSingle(o: SubmitOptions, config: TrainConfig, experiment: string, git: Git, computeTags: Record<string, string>): Created {
  const tags = { ...(config.tags ?? {}), ...(o.tags ?? {}), ...computeTags };
  const run = o.store.createRun({
    experiment, name: o.runName ?? config.name, configPath: o.configPath, config, gitCommit: git?.commit, gitDirty: git?.dirty,
    status: 'queued', runlensVersion: RUNLENS_VERSION, tags,
  });
  o.store.setTags(run.id, { [JOB_ROOT_TAG]: run.id });
  const task: JobTaskSpec = { index: 0, runId: run.id, runName: run.name, experiment, overrides: [], tags: { ...(config.tags ?? {}), ...(o.tags ?? {}) } };
  return { kind: 'run', rootRunId: run.id, rootRunName: run.name, tasks: [task], parallel: 1 };
}

/** Plans the trials as a local sweep does (SweepRunner.run): the same seed, plan, metric and goal. */
function createSweep(o: SubmitOptions, config: TrainConfig, experiment: string, git: Git, computeTags: Record<string, string>): Created {
  const sweep = config.sweep!;
  const seed = sweep.seed ?? config.seed ?? randomInt(2 ** 31);
  const plan = planTrials(sweep, seed);
  const parallel = Math.max(1, Math.min(plan.length, o.parallel ?? sweep.parallel ?? plan.length));
  const task = configTask(config);
  const metric = sweep.metric ?? (task ? defaultSweepMetric(task, config.evaluate?.cv !== undefined) : undefined);
  const goal = sweep.goal ?? (metric ? defaultGoal(metric) : undefined);
  const userTags = o.tags ?? {};
  return o.store.transaction(() => {
    const { parent, trials } = createSweepRuns({
      store: o.store, experiment, configPath: o.configPath, config, plan, git, name: o.runName, tags: { ...userTags, ...computeTags },
      params: sweepDefinitionParams({ config: sweep, trials: plan.length, parallel, seed, metric, goal }),
    });
    // Its trials are queued on the cluster: the parent waits with them, and its end is decided by sync.
    o.store.setStatus(parent.id, 'queued');
    o.store.setTags(parent.id, { [JOB_ROOT_TAG]: parent.id });
    const tasks = trials.map((t, i): JobTaskSpec => {
      o.store.setTags(t.id, { [JOB_ROOT_TAG]: parent.id, [ARRAY_TASK_TAG]: String(i) });
      const runTags = o.store.getTags(t.id);
      return { index: i, runId: t.id, runName: t.name, experiment, overrides: trialOverrides(t.params), params: t.params, tags: withoutCompute(runTags) };
    });
    return { kind: 'sweep' as const, rootRunId: parent.id, rootRunName: parent.name, tasks, parallel };
  });
}

/** The scratch run on the node carries the run's own tags; the cluster bookkeeping stays in the workspace. */
function withoutCompute(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('slurm.') && k !== COMPUTE_TAG && k !== JOB_ROOT_TAG));
}

function failAll(store: RunStore, ids: readonly string[], error: string): void {
  store.transaction(() => {
    for (const id of ids) {
      const run = store.findRun(id);
      if (run && (run.status === 'queued' || run.status === 'running')) store.setStatus(id, 'failed', { error });
    }
  });
}
