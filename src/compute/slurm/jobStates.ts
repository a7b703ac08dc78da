/**
 * The state of many jobs at once: one squeue call for all of them (it lists
 * live jobs and those ended within MinJobAge), `scontrol show job` for any it
 * no longer lists, then the jobcomp file (Slurm's record of every ended job,
 * when JobCompType is jobcomp/filetxt and the file is readable here), then
 * sacct where accounting is enabled. A job none of them knows is left out of
 * the map: the caller decides what a vanished job means.
 */
import { open } from 'node:fs/promises';
import { SlurmCommandError, sacct, scontrol, squeue } from './slurmCommands';
import type { SlurmRunOptions } from './slurmCommands';
import { SACCT_FIELDS, SQUEUE_FIELDS, jobKey, parseJobcomp, parseSacct, parseScontrolConfig, parseScontrolJobs, parseSqueue } from './slurmJobInfo';
import type { SlurmJobInfo } from './slurmJobInfo';

export interface JobStatesOptions extends SlurmRunOptions {
  /** The jobcomp file to read; default: JobCompLoc from `scontrol show config` when JobCompType is jobcomp/filetxt. */
  readonly jobcompFile?: string;
}

/** How much of the end of the jobcomp file is read: it grows by one line (~400 bytes) per job, forever. */
const JOBCOMP_TAIL_BYTES = 16 * 1024 * 1024;

/**
 * The state of each job (`123`) and array task (`123_4`) asked for. Asking
 * for an array job's id returns each of its tasks, keyed `123_<task>`.
 */
export async function jobStates(jobIds: readonly string[], options: JobStatesOptions = {}): Promise<Map<string, SlurmJobInfo>> {
  const ids = [...new Set(jobIds.map((id) => id.trim()).filter((id) => /^\d+(_\d+)?$/.test(id)))];
  const found = new Map<string, SlurmJobInfo>();
  if (ids.length === 0) return found;
  const add = (infos: Iterable<SlurmJobInfo>): void => {
    for (const i of infos) found.set(jobKey(i.jobId, i.arrayTaskId), i);
  };

  add(parseSqueue(await unlessUnknown(() => squeue(['-h', '-r', '-t', 'all', '-j', ids.join(','), '-O', SQUEUE_FIELDS], options))));

  for (const id of missing(ids, found)) add(parseScontrolJobs(await unlessUnknown(() => scontrol(['show', 'job', '-o', id], options))));
  let left = missing(ids, found);
  if (left.length === 0) return found;

  const config = await slurmConfig(options);
  const jobcompFile = options.jobcompFile ?? (config.JobCompType === 'jobcomp/filetxt' ? config.JobCompLoc : undefined);
  if (jobcompFile) {
    const ended = parseJobcomp(await readTail(jobcompFile));
    for (const id of left) {
      const [jobId, task] = id.split('_');
      for (const [key, info] of ended) {
        if (key === id || key.startsWith(`${id}_`)) found.set(key, info);
      }
      // an array whose pending tasks were cancelled together has one line, under the array's id
      const whole = ended.get(jobId!);
      if (task !== undefined && !found.has(id) && whole) found.set(id, { ...whole, arrayTaskId: Number(task) });
    }
    left = missing(ids, found);
  }
  if (left.length > 0 && config.AccountingStorageType !== undefined && config.AccountingStorageType !== 'accounting_storage/none') {
    add(parseSacct((await sacct(['-n', '-P', '-X', '-j', left.join(','), '-o', SACCT_FIELDS], options)).stdout));
  }
  return found;
}

/** The ids none of the sources so far has answered for (an array job's id counts as answered by any of its tasks). */
function missing(ids: readonly string[], found: ReadonlyMap<string, SlurmJobInfo>): string[] {
  return ids.filter((id) => !found.has(id) && (id.includes('_') || ![...found.keys()].some((k) => k.startsWith(`${id}_`))));
}

/** A command's stdout, or nothing when Slurm says it knows none of the ids asked for. */
async function unlessUnknown(run: () => Promise<{ stdout: string }>): Promise<string> {
  try {
    return (await run()).stdout;
  } catch (error) {
    if (error instanceof SlurmCommandError && /Invalid job id/i.test(error.message)) return '';
    throw error;
  }
}

const configs = new Map<string, Promise<Record<string, string>>>();

/** `scontrol show config`, read once per process and environment (it names the jobcomp file and whether sacct works). */
function slurmConfig(options: SlurmRunOptions): Promise<Record<string, string>> {
  const key = `${options.binDir ?? ''}\0${options.env?.SLURM_CONF ?? process.env.SLURM_CONF ?? ''}`;
  let config = configs.get(key);
  if (!config) {
    config = scontrol(['show', 'config'], options).then((r) => parseScontrolConfig(r.stdout));
    config.catch(() => configs.delete(key));
    configs.set(key, config);
  }
  return config;
}

/** The last JOBCOMP_TAIL_BYTES of a file from its first whole line; empty when it cannot be read here. */
async function readTail(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return ''; // the controller's file is often not readable from the login node: the other sources decide
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - JOBCOMP_TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await handle.close();
  }
}
