/**
 * Slurm's commands, each run as an argument array through execFile (never a
 * shell, so no job name, path or partition is ever parsed as shell syntax).
 * The caller's environment goes through unchanged unless `env` replaces it
 * (Slurm reads SLURM_CONF and friends from it).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The Slurm commands RunLens runs. */
export type SlurmCommandName = 'sbatch' | 'squeue' | 'scontrol' | 'scancel' | 'sacct';

/** Where and how a Slurm command runs. */
export interface SlurmRunOptions {
  /** The whole environment of the command (default: this process's). Its PATH finds the command. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Folder holding the commands; default: looked up on the environment's PATH. */
  readonly binDir?: string;
}

export interface SlurmOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Thrown when Slurm's commands are not installed here: RunLens runs on the login node, where they are. */
export class SlurmUnavailableError extends Error {
  constructor(readonly command: string) {
    super("Slurm's commands are not on PATH here: run RunLens on the cluster's login node, e.g. through Remote-SSH");
    this.name = 'SlurmUnavailableError';
  }
}

/** A Slurm command that exited non-zero; `message` is Slurm's own error as one line. */
export class SlurmCommandError extends Error {
  constructor(
    readonly command: SlurmCommandName,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(slurmErrorLine(stderr) || `${command} exited with ${exitCode ?? 'a signal'}`);
    this.name = 'SlurmCommandError';
  }
}

/**
 * Slurm's error as one line: its stderr's `error:` lines joined (sbatch says
 * `sbatch: error: Batch job submission failed: Invalid partition name
 * specified`), the `<command>: error: ` prefixes dropped; else the last line.
 */
export function slurmErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /(^|: )error: /.test(l)).map((l) => l.replace(/^(\S+: )?error: /, ''));
  return (errors.length > 0 ? errors.join('; ') : (lines.at(-1) ?? '')).replace(/\s+/g, ' ');
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs one Slurm command; resolves with its output, rejects with SlurmUnavailableError or SlurmCommandError. */
export function runSlurm(command: SlurmCommandName, args: readonly string[], options: SlurmRunOptions = {}): Promise<SlurmOutput> {
  const file = options.binDir ? `${options.binDir.replace(/\/+$/, '')}/${command}` : command;
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { env: options.env ?? process.env, cwd: options.cwd, encoding: 'utf8', maxBuffer: MAX_OUTPUT }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      const code = (error as NodeJS.ErrnoException).code;
      // spawn says ENOENT for a missing working folder too: that is not a missing Slurm
      if (code === 'ENOENT' && options.cwd !== undefined && !existsSync(options.cwd)) return reject(new Error(`${command}: the folder ${options.cwd} does not exist`));
      if (code === 'ENOENT') return reject(new SlurmUnavailableError(command));
      reject(new SlurmCommandError(command, args, typeof code === 'number' ? code : null, stderr || error.message));
    });
  });
}

export const sbatch = (args: readonly string[], options?: SlurmRunOptions): Promise<SlurmOutput> => runSlurm('sbatch', args, options);
export const squeue = (args: readonly string[], options?: SlurmRunOptions): Promise<SlurmOutput> => runSlurm('squeue', args, options);
export const scontrol = (args: readonly string[], options?: SlurmRunOptions): Promise<SlurmOutput> => runSlurm('scontrol', args, options);
export const scancel = (args: readonly string[], options?: SlurmRunOptions): Promise<SlurmOutput> => runSlurm('scancel', args, options);
export const sacct = (args: readonly string[], options?: SlurmRunOptions): Promise<SlurmOutput> => runSlurm('sacct', args, options);
