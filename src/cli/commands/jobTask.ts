import { resolve } from 'node:path';
import { runJobTask } from '../../compute/jobs/runJobTask';
import { CliError, type Command } from '../context';

/**
 * `runlens job-task <manifest>` (hidden): what a cluster job's script runs on
 * the compute node. It never opens the workspace store (see runJobTask).
 * SIGTERM (scancel, the time limit; Slurm sends SIGKILL KillWait seconds
 * later) cancels the training, whose end is shipped to the spool. Exits with
 * the run's code, so Slurm's ExitCode agrees with the run.
 */
export const jobTaskCommand: Command = async (ctx, argv) => {
  if (argv.length !== 1) throw new CliError('usage: runlens job-task <manifest.json> (run by a cluster job\'s script)', 2);
  let onSignal: () => void = () => undefined;
  const stop = new Promise<void>((resolveStop) => {
    onSignal = () => resolveStop();
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const result = await runJobTask(resolve(ctx.cwd, argv[0]!), { env: ctx.env, stop, write: (text, stream) => (stream === 'stdout' ? ctx.raw.out : ctx.raw.err)(text) });
    return result.exitCode;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
};
