import { execFile } from 'node:child_process';
import { findOnPath } from '../../core/util/findOnPath';
import type { GpuReading } from './procText';
import { NVIDIA_SMI_ARGS, parseNvidiaSmi } from './procText';

/** Reads the GPUs once; resolves `[]` when they cannot be read (never rejects). */
export type GpuQuery = () => Promise<GpuReading[]>;

/**
 * The GPU reader for this machine: `nvidia-smi` when it is an executable on
 * `PATH` (looked up once, here), else none. A query that fails or times out
 * reads as no GPUs for that sample: a driver hiccup must not end a training.
 */
export function nvidiaSmiQuery(env: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000): GpuQuery | undefined {
  const program = findOnPath('nvidia-smi', env);
  if (!program) return undefined;
  return () => new Promise((resolve) => {
    execFile(program, [...NVIDIA_SMI_ARGS], { encoding: 'utf8', timeout: timeoutMs, env }, (error, stdout) => {
      resolve(error ? [] : parseNvidiaSmi(stdout));
    });
  });
}
