import { hostname } from 'node:os';
import { cancelClusterRun } from '../../compute/jobs/cancelClusterRun';
import { COMPUTE_TAG, SLURM_COMPUTE } from '../../compute/jobs/clusterTags';
import { CliError, type Command } from '../context';

/**
 * `runlens cancel <run>`: a cluster run through scancel (its job, its array
 * task, or a sweep's whole array; the run is `killed` at the next sync); a
 * local running run by SIGTERM to its process, as the editor's Cancel does
 * for a run started elsewhere (its worker records it `killed`).
 */
export const cancelCommand: Command = async (ctx, argv) => {
  if (argv.length !== 1 || argv[0]!.startsWith('-')) throw new CliError('usage: runlens cancel <run>', 2);
  const store = ctx.openStore();
  const run = store.getRun(argv[0]!);
  const label = `${run.name} (${run.id.slice(0, 8)})`;
  if (store.getTags(run.id)[COMPUTE_TAG] === SLURM_COMPUTE) {
    const r = await cancelClusterRun(store, run.id, ctx.storeDir);
    ctx.out(`cancelled ${r.wholeSweep ? 'the sweep\'s array job' : 'Slurm job'} ${r.target} of ${label}; it shows as killed after the next sync (runlens jobs sync)\n`);
    return 0;
  }
  if (run.status !== 'running' && run.status !== 'queued') throw new CliError(`run ${label} is not running: ${run.status}`);
  if (!run.pid || (run.host && run.host !== hostname())) throw new CliError(`run ${label} is not running on this machine${run.host ? ` (it runs on ${run.host})` : ''}`);
  try {
    process.kill(run.pid, 'SIGTERM');
  } catch (e) {
    throw new CliError(`could not stop process ${run.pid} of ${label}: ${(e as Error).message}`);
  }
  ctx.out(`sent SIGTERM to process ${run.pid} of ${label}; its trainer records it killed\n`);
  return 0;
};
