/**
 * `runlens train|sweep CONFIG --on PROFILE [--wait]` (or a config whose
 * `compute:` names a Slurm profile): submits to Slurm instead of training
 * here. Without --wait it returns once sbatch accepted the job and says how
 * to follow it; with --wait it syncs until the job ended, streams the job's
 * output, and Ctrl-C cancels the job.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { SlurmProfile } from '../../core/compute/computeProfile';
import type { TrainConfig } from '../../core/config/trainConfig';
import { parseFilter } from '../../core/query/parseFilter';
import type { SweepSummary } from '../../core/sweep/sweepSummary';
import { submitToSlurm, type SubmitResult } from '../../compute/jobs/submitToSlurm';
import { loadComputeProfiles, resolveComputeProfile } from '../../compute/profiles/loadProfiles';
import type { RunStore } from '../../store/runStore';
import { watchClusterRun } from '../clusterWatch';
import type { CliContext } from '../context';
import { checkGate } from '../gate';
import { formatNumber, formatTable } from '../table';
import { sweepJson, sweepTable } from './sweep';

export interface ClusterTrainOptions {
  readonly configPath: string;
  readonly overrides: readonly string[];
  readonly profile: SlurmProfile;
  readonly wait: boolean;
  readonly json: boolean;
  readonly name?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly parallel?: number;
  readonly gate?: string;
}

/**
 * The Slurm profile a training goes to, or undefined to train here: `--on`,
 * else the config's `compute:`; `local` (the default) trains here. Profiles
 * are read only when one is asked for, so a local training never depends on
 * runlens.yaml.
 */
export function clusterProfileFor(ctx: CliContext, configPath: string, config: TrainConfig, on: string | undefined): SlurmProfile | undefined {
  if (on === undefined && config.compute === undefined) return undefined;
  const { profiles, issues, invalid } = loadComputeProfiles({ workspaceRoot: workspaceRootOf(ctx) });
  for (const issue of issues) ctx.err(`warning: ${issue}\n`);
  const profile = resolveComputeProfile({ profiles, invalid, configCompute: config.compute, on, configFile: configPath });
  return profile.backend === 'slurm' ? profile : undefined;
}

/** The folder holding runlens.yaml: the store's workspace (the folder `.runlens/` is in), else the current folder. */
function workspaceRootOf(ctx: CliContext): string {
  return basename(ctx.storeDir) === '.runlens' ? dirname(ctx.storeDir) : ctx.cwd;
}

export async function runOnCluster(ctx: CliContext, o: ClusterTrainOptions): Promise<number> {
  const gate = o.gate ? parseFilter(o.gate) : undefined;
  const store = ctx.openStore();
  const submitted = await submitToSlurm({
    store, storeDir: ctx.storeDir, configPath: o.configPath, overrides: o.overrides, profile: o.profile,
    runName: o.name, tags: o.tags, ...(o.parallel !== undefined ? { parallel: o.parallel } : {}),
  });
  const label = `${submitted.kind === 'sweep' ? 'sweep' : 'run'} ${submitted.rootRunName} (${submitted.rootRunId.slice(0, 8)})`;
  const where = `${o.profile.partition ? `partition ${o.profile.partition}, ` : ''}profile ${o.profile.name}`;
  if (!o.wait) {
    if (o.json) {
      ctx.out(JSON.stringify({ id: submitted.rootRunId, name: submitted.rootRunName, kind: submitted.kind, job: submitted.jobId, profile: o.profile.name, partition: o.profile.partition ?? null, status: 'queued', runs: submitted.taskRunIds }) + '\n');
      return 0;
    }
    const short = submitted.rootRunId.slice(0, 8);
    ctx.out([
      `submitted ${label} as Slurm job ${submitted.jobId}${submitted.kind === 'sweep' ? ` (${submitted.taskRunIds.length} array tasks)` : ''} (${where})`,
      `  follow:  runlens logs ${short} --follow`,
      `  state:   runlens jobs          (runlens jobs sync records what ended while nothing was watching)`,
      `  cancel:  runlens cancel ${short}`,
      '',
    ].join('\n'));
    return 0;
  }
  ctx.err(`submitted ${label} as Slurm job ${submitted.jobId} (${where}); waiting for it (Ctrl-C cancels the job)\n`);
  const { run, interrupted } = await watchClusterRun(ctx, store, { runId: submitted.rootRunId, logs: logsOf(store, submitted), cancelOnInterrupt: true });
  if (submitted.kind === 'sweep') return endOfSweep(ctx, store, submitted, o.json, run.status, o.gate);
  const metrics = Object.fromEntries(store.getMetricSummaries(run.id).map((m) => [m.key, m.latest]));
  if (o.json) {
    ctx.out(JSON.stringify({ id: run.id, name: run.name, experiment: run.experiment, status: run.status, job: submitted.jobId, params: store.getParams(run.id), metrics, ...(run.error ? { error: run.error } : {}) }) + '\n');
  } else if (run.status === 'finished') {
    const rows = Object.entries(metrics).filter(([k]) => !k.startsWith('system/')).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, formatNumber(v)]);
    ctx.out(`run ${run.name} (${run.id}) finished on Slurm job ${submitted.jobId}\n${formatTable(['metric', 'value'], rows)}\n`);
  }
  if (run.status !== 'finished') {
    ctx.err(`error: ${run.status === 'killed' ? 'cancelled' : (run.error ?? 'failed')}${interrupted && run.status !== 'killed' ? ' (stopped waiting; the job may still run: runlens jobs)' : ''}\n`);
    return run.status === 'killed' || interrupted ? 130 : 1;
  }
  if (gate) {
    const verdict = checkGate(store, run.id, gate, o.gate!);
    if (!verdict.passed) {
      ctx.err(`gate failed: ${verdict.reason}\n`);
      return 1;
    }
    if (!o.json) ctx.err(`gate passed: ${verdict.reason}\n`);
  }
  return 0;
}

function logsOf(store: RunStore, s: SubmitResult): { name: string; file: string; prefix: boolean }[] {
  return s.taskRunIds.map((id, i) => ({ name: store.getRun(id).name, file: s.paths.outputLog(i), prefix: s.kind === 'sweep' }));
}

/** The sweep's table, from the summary sync saved on the parent (as a local sweep prints it). */
function endOfSweep(ctx: CliContext, store: RunStore, s: SubmitResult, json: boolean, status: string, gateText: string | undefined): number {
  const parent = store.getRun(s.rootRunId);
  const artifact = store.listArtifacts(parent.id).find((a) => a.path === 'sweep_summary.json');
  let bestId: string | undefined;
  if (artifact) {
    const summary = JSON.parse(readFileSync(store.artifactPath(artifact.sha256), 'utf8')) as SweepSummary;
    const best = summary.trials.find((t) => t.id === summary.best);
    bestId = best?.id;
    const outcome = {
      sweepId: parent.id, sweepName: parent.name, experiment: parent.experiment, status: parent.status as 'finished' | 'failed' | 'killed',
      metric: summary.metric, goal: summary.goal, trials: summary.trials, params: summary.params,
      ...(best ? { best } : {}), ...(parent.error ? { error: parent.error } : {}),
    };
    ctx.out(json ? JSON.stringify({ ...sweepJson(outcome), job: s.jobId }) + '\n' : sweepTable(outcome));
  }
  if (status === 'finished') {
    if (!gateText) return 0;
    // As a local sweep: the gate holds on the best trial.
    if (!bestId) {
      ctx.err(`gate failed: no trial has the sweep's metric (gate: ${gateText})\n`);
      return 1;
    }
    const verdict = checkGate(store, bestId, parseFilter(gateText), gateText);
    ctx.err(`gate ${verdict.passed ? 'passed' : 'failed'} on the best trial: ${verdict.reason}\n`);
    return verdict.passed ? 0 : 1;
  }
  if (status === 'queued' || status === 'running') {
    ctx.err(`stopped waiting: the sweep still runs on Slurm (job ${s.jobId}): runlens jobs\n`);
    return 130;
  }
  ctx.err(`error: sweep ${status === 'killed' ? 'cancelled' : `failed: ${parent.error ?? 'failed'}`}\n`);
  return status === 'killed' ? 130 : 1;
}
