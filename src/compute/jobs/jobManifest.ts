/**
 * The manifest of a cluster job: written by the submitting process before
 * sbatch, read by `runlens job-task` on the compute node. It says what each
 * task trains and which workspace run it fills; the node never opens the
 * workspace store, so everything it needs is here.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SlurmProfile } from '../../core/compute/computeProfile';

export const MANIFEST_VERSION = 1;

/** One task of the job (one array task; task 0 of a single run). */
export interface JobTaskSpec {
  readonly index: number;
  /** The workspace run this task fills (the spool's root run maps to it). */
  readonly runId: string;
  readonly runName: string;
  readonly experiment: string;
  /** `--set` overrides of this task on top of the manifest's (a trial's values). */
  readonly overrides: readonly string[];
  /** A sweep trial's swept values (dotted config path → value), as the sweep summary lists them. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Tags the run is created with in the node's scratch store (the workspace run has them too). */
  readonly tags: Readonly<Record<string, string>>;
}

export interface JobManifest {
  readonly version: typeof MANIFEST_VERSION;
  readonly kind: 'run' | 'sweep';
  /** The run, or the sweep parent: names the job's folder. */
  readonly rootRunId: string;
  readonly configPath: string;
  readonly overrides: readonly string[];
  readonly profile: SlurmProfile;
  readonly createdAt: number;
  readonly tasks: readonly JobTaskSpec[];
}

/** Where a job's files are: `<storeDir>/jobs/<rootRunId>/`, one folder per task. */
export interface JobPaths {
  readonly dir: string;
  readonly manifest: string;
  readonly script: string;
  /** sbatch's `--output` pattern: `%a` is the array task (Slurm does not create folders, so they are made at submit). */
  readonly outputPattern: string;
  taskDir(index: number): string;
  outputLog(index: number): string;
}

export function jobPaths(storeDir: string, rootRunId: string, array: boolean): JobPaths {
  const dir = join(storeDir, 'jobs', rootRunId);
  return {
    dir,
    manifest: join(dir, 'manifest.json'),
    script: join(dir, 'job.sh'),
    outputPattern: join(dir, array ? '%a' : '0', 'output.log'),
    taskDir: (index) => join(dir, String(index)),
    outputLog: (index) => join(dir, String(index), 'output.log'),
  };
}

/** Writes the manifest atomically (a job started by a fast scheduler never reads half a file) and pre-creates the task folders. */
export function writeManifest(paths: JobPaths, manifest: JobManifest): void {
  mkdirSync(paths.dir, { recursive: true });
  for (const t of manifest.tasks) {
    mkdirSync(paths.taskDir(t.index), { recursive: true });
    writeFileSync(paths.outputLog(t.index), '', { flag: 'a' });
  }
  const tmp = `${paths.manifest}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(tmp, paths.manifest);
}

/** Reads and checks a manifest; a wrong one is one line naming the file. */
export function readManifest(file: string): JobManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the job manifest ${file}: ${(e as Error).message}`);
  }
  const m = parsed as Partial<JobManifest>;
  if (m.version !== MANIFEST_VERSION || !Array.isArray(m.tasks) || typeof m.configPath !== 'string' || typeof m.rootRunId !== 'string') {
    throw new Error(`${file} is not a RunLens job manifest (version ${MANIFEST_VERSION})`);
  }
  return m as JobManifest;
}

/** The task a job process runs: Slurm's array task id, 0 for a single job. */
export function taskOf(manifest: JobManifest, env: NodeJS.ProcessEnv): JobTaskSpec {
  const raw = env.SLURM_ARRAY_TASK_ID;
  const index = raw === undefined || raw === '' ? 0 : Number(raw);
  const task = manifest.tasks.find((t) => t.index === index);
  if (!task) throw new Error(`the job manifest has no task ${raw} (tasks 0-${manifest.tasks.length - 1})`);
  return task;
}
