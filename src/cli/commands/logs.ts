import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { allClusterRuns, clusterRunOf } from '../../compute/jobs/clusterRuns';
import { COMPUTE_TAG, SLURM_COMPUTE } from '../../compute/jobs/clusterTags';
import { JOB_LOG_ARTIFACT } from '../../compute/jobs/syncJobs';
import type { RunStore } from '../../store/runStore';
import type { RunRecord } from '../../store/types';
import { watchClusterRun } from '../clusterWatch';
import { localRunLogs } from '../localLogs';
import { CliError, type CliContext, type Command } from '../context';

/**
 * `runlens logs <run> [--follow]`: a cluster run's job output (its
 * `output.log`, or the copy saved with the run once the job folder is
 * gone; a sweep's trials one after another, labelled); a local run's log. `--follow` streams a cluster job until it ends (syncing
 * with Slurm meanwhile); a local run's log is followed as it grows
 * (localLogs.ts).
 */
export const logsCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { follow: { type: 'boolean', short: 'f', default: false } } });
  if (positionals.length !== 1) throw new CliError('usage: runlens logs <run> [--follow]', 2);
  const store = ctx.openStore();
  const run = store.getRun(positionals[0]!);
  if (store.getTags(run.id)[COMPUTE_TAG] === SLURM_COMPUTE) return clusterLogs(ctx, store, run, values.follow);
  return localRunLogs(ctx, store, run.id, values.follow);
};

async function clusterLogs(ctx: CliContext, store: RunStore, run: RecordLike, follow: boolean): Promise<number> {
  const c = clusterRunOf(store, ctx.storeDir, store.getRun(run.id));
  const tasks = c.isSweepParent
    ? allClusterRuns(store, ctx.storeDir).filter((t) => t.run.parentId === run.id).sort((a, b) => a.task - b.task)
    : [c];
  if (follow) {
    const logs = tasks.map((t) => ({ name: t.run.name, file: `${t.taskDir}/output.log`, prefix: c.isSweepParent }));
    const { run: after } = await watchClusterRun(ctx, store, { runId: run.id, logs, cancelOnInterrupt: false });
    ctx.err(`${after.name}: ${after.status}${after.error ? ` (${after.error})` : ''}\n`);
    return 0;
  }
  for (const t of tasks) {
    const file = `${t.taskDir}/output.log`;
    const saved = store.listArtifacts(t.run.id).find((a) => a.path === JOB_LOG_ARTIFACT);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : saved ? readFileSync(store.artifactPath(saved.sha256), 'utf8') : '';
    if (c.isSweepParent) ctx.raw.out(text.split('\n').filter((l, i, a) => i < a.length - 1 || l).map((l) => `${t.run.name}: ${l}\n`).join(''));
    else ctx.raw.out(text);
  }
  return 0;
}

type RecordLike = Pick<RunRecord, 'id'>;
