/** Submitting and cancelling jobs: sbatch and scancel with argument arrays. */
import { sbatch, scancel } from './slurmCommands';
import type { SlurmRunOptions } from './slurmCommands';

export interface SubmitJobInput {
  /** The job script (its `#SBATCH` lines carry the profile's options). */
  readonly scriptPath: string;
  /** The job's working folder (sbatch --chdir defaults to the folder sbatch runs in). */
  readonly cwd: string;
  /** The environment sbatch runs with (and, by Slurm's default --export=ALL, that the job gets); default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** An array job of `count` tasks (0 … count-1), at most `parallel` running at once. */
  readonly array?: { readonly count: number; readonly parallel?: number };
  /** Submit held (`--hold`): it waits until released with `scontrol release`. */
  readonly hold?: boolean;
  /** Extra sbatch options before the script (the profile's are in the script's `#SBATCH` lines). */
  readonly args?: readonly string[];
  /** Folder holding Slurm's commands; default: found on PATH. */
  readonly binDir?: string;
}

/** The sbatch arguments for a submission. */
export function sbatchArgs(input: Pick<SubmitJobInput, 'scriptPath' | 'array' | 'hold' | 'args'>): string[] {
  const args = ['--parsable'];
  if (input.array) {
    const { count, parallel } = input.array;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`an array job needs at least one task (got ${count})`);
    if (parallel !== undefined && (!Number.isInteger(parallel) || parallel < 1)) throw new RangeError(`parallel must be a whole number of at least 1 (got ${parallel})`);
    args.push(`--array=0-${count - 1}${parallel !== undefined && parallel < count ? `%${parallel}` : ''}`);
  }
  if (input.hold) args.push('--hold');
  args.push(...(input.args ?? []), input.scriptPath);
  return args;
}

/**
 * Submits a job script; resolves with its job id once Slurm accepted it.
 * Rejects with SlurmCommandError carrying Slurm's own one-line error (an
 * unknown partition, a malformed --time: nothing is queued then) or with
 * SlurmUnavailableError when sbatch is not here.
 */
export async function submitJob(input: SubmitJobInput): Promise<{ jobId: string }> {
  const { stdout } = await sbatch(sbatchArgs(input), { cwd: input.cwd, env: input.env, binDir: input.binDir });
  // --parsable prints `jobid` or `jobid;cluster`
  const jobId = stdout.trim().split('\n').pop()?.split(';')[0] ?? '';
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch printed no job id: ${JSON.stringify(stdout.slice(0, 200))}`);
  return { jobId };
}

/**
 * Cancels a job (`123`: all of an array's tasks) or one array task
 * (`123_4`). Slurm sends SIGTERM, then SIGKILL KillWait seconds later. A job
 * that has already ended is not an error.
 */
export async function cancelJob(id: string, options: SlurmRunOptions = {}): Promise<void> {
  if (!/^\d+(_\d+)?$/.test(id)) throw new Error(`not a Slurm job id: ${JSON.stringify(id)}`);
  await scancel([id], options);
}
