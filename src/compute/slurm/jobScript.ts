/**
 * The job script sbatch runs: `#SBATCH` lines from the compute profile, the
 * profile's environment and setup lines, then `exec` of the command. Every
 * value RunLens writes is shell-quoted (sbatch reads `#SBATCH` values with the
 * same POSIX quoting); the profile's `setup` lines are the user's own shell,
 * written as given. The script is saved with the run (`slurm/job.sh`), so it
 * reads as a person would write it.
 */
import type { SlurmProfile } from '../../core/compute/computeProfile';
import { shellQuote } from '../../core/util/shellQuote';

/** A Slurm compute profile's options (its `backend` is not needed to write the script). */
export type SlurmProfileOptions = Omit<SlurmProfile, 'backend'>;

export interface JobScriptInput {
  readonly profile: SlurmProfileOptions;
  /** The command, as an argument array. */
  readonly command: readonly string[];
  /**
   * The job's stdout and stderr (sbatch --output/--error; `%j` is the job id, `%a` the array task: only
   * in an array job, a plain job's `%a` is 4294967294). Its folder must exist: Slurm does not create it.
   */
  readonly outputPath: string;
  /** An array job of `count` tasks, at most `parallel` running at once. */
  readonly array?: { readonly count: number; readonly parallel?: number };
  readonly jobName?: string;
  /** The folder the job starts in (sbatch --chdir); default: where sbatch ran. */
  readonly cwd?: string;
}

/** A profile option that is not a one-line value, or an environment name a shell cannot export. */
export class JobScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobScriptError';
  }
}

/** The profile's options as `#SBATCH --option=value` lines, in a fixed order. */
export function sbatchDirectives(profile: SlurmProfileOptions): string[] {
  const options: Array<[string, string | number | undefined]> = [
    ['partition', profile.partition],
    ['time', profile.time],
    ['cpus-per-task', profile.cpus_per_task],
    ['mem', profile.mem],
    ['gres', profile.gres],
    ['account', profile.account],
    ['qos', profile.qos],
    ['constraint', profile.constraint],
  ];
  const lines = options.filter(([, v]) => v !== undefined && v !== '').map(([flag, v]) => directive(profile.name, flag, String(v)));
  if (profile.requeue !== undefined) lines.push(`#SBATCH ${profile.requeue ? '--requeue' : '--no-requeue'}`);
  // one option per entry, passed whole (`--nodelist=gpu 3` stays one option)
  for (const option of profile.extra ?? []) lines.push(`#SBATCH ${shellQuote(oneLine(profile.name, 'extra option', option))}`);
  return lines;
}

/** The whole job script. */
export function renderJobScript(input: JobScriptInput): string {
  const { profile } = input;
  if (input.command.length === 0) throw new JobScriptError('the job has no command');
  const name = profile.name;
  const lines = ['#!/bin/bash'];
  if (input.jobName !== undefined) lines.push(directive(name, 'job-name', input.jobName));
  lines.push(directive(name, 'output', input.outputPath), directive(name, 'error', input.outputPath));
  if (input.cwd !== undefined) lines.push(directive(name, 'chdir', input.cwd));
  if (input.array) {
    const { count, parallel } = input.array;
    if (!Number.isInteger(count) || count < 1) throw new JobScriptError(`an array job needs at least one task (got ${count})`);
    lines.push(`#SBATCH --array=0-${count - 1}${parallel !== undefined && parallel < count ? `%${parallel}` : ''}`);
  }
  lines.push(...sbatchDirectives(profile));
  // the #SBATCH block ends at the first line that is not a comment: everything above is read by sbatch
  lines.push(`# Written by RunLens for compute profile ${oneLine(name, 'name', name)}.`);
  // RunLens's own lines are safe under -u; the user's setup lines may not be (module and conda scripts read unset variables)
  lines.push('set -euo pipefail');
  for (const [key, value] of Object.entries(profile.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new JobScriptError(`compute profile "${name}": env name ${JSON.stringify(key)} is not a shell variable name`);
    lines.push(`export ${key}=${shellQuote(value)}`);
  }
  if (profile.setup && profile.setup.length > 0) {
    lines.push('set +u', `# setup (compute profile ${oneLine(name, 'name', name)}), as written there:`, ...profile.setup);
  }
  lines.push(`exec ${input.command.map(shellQuote).join(' ')}`, '');
  return lines.join('\n');
}

/** `#SBATCH --flag=value`: sbatch reads #SBATCH values with POSIX shell quoting, so a quoted value reads back whole. */
function directive(profileName: string, flag: string, value: string): string {
  return `#SBATCH --${flag}=${shellQuote(oneLine(profileName, flag, value))}`;
}

/** A `#SBATCH` line ends at its newline: a value with one would turn its rest into a shell command. */
function oneLine(profileName: string, what: string, value: string): string {
  if (/[\r\n\0]/.test(value)) throw new JobScriptError(`compute profile "${profileName}": ${what} ${JSON.stringify(value)} has a line break, which a job script cannot hold in an #SBATCH line`);
  return value;
}
