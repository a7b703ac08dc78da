/**
 * The node side of a cluster job (`runlens job-task <manifest>`): trains one
 * task exactly as a local run does, into a node-local scratch store, while a
 * SpoolShipper copies every change into the task's spool on the shared file
 * system. The workspace store.db is never opened here: SQLite's WAL needs
 * shared memory on one host, which NFS and Lustre do not give.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RunStore } from '../../store/runStore';
import { loadTrainConfig } from '../../worker/loadTrainConfig';
import { TrainerProcess, type TrainOutcome } from '../../worker/trainerProcess';
import { SpoolShipper } from '../spool/spoolShipper';
import { readManifest, taskOf } from './jobManifest';

export interface JobTaskOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Where the trainer's and the script's output goes (the job's output.log through Slurm); default this process's streams. */
  readonly write?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Milliseconds between spool shipments; default the shipper's (1 s). */
  readonly shipIntervalMs?: number;
  /** Resolves to request a stop (the CLI wires SIGTERM here: Slurm sends it on scancel and at the time limit). */
  readonly stop?: Promise<void>;
}

export interface JobTaskResult {
  readonly runId: string;
  readonly outcome: TrainOutcome;
  /** The process exit code: 0 finished, a command's own non-zero code, 1 other failures, 143 cancelled. */
  readonly exitCode: number;
}

/** Runs the manifest's task for this job (`SLURM_ARRAY_TASK_ID`, else 0) to its end; the spool's last event is `end`. */
export async function runJobTask(manifestPath: string, o: JobTaskOptions = {}): Promise<JobTaskResult> {
  const env = o.env ?? process.env;
  const manifest = readManifest(manifestPath);
  const task = taskOf(manifest, env);
  const taskDir = join(dirname(manifestPath), String(task.index));
  const scratch = join(env.TMPDIR || tmpdir(), `runlens-job-${env.SLURM_JOB_ID ?? process.pid}-${task.index}`);
  rmSync(scratch, { recursive: true, force: true }); // a requeued job starts over
  mkdirSync(scratch, { recursive: true });
  const write = o.write ?? ((text, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(text));
  const store = RunStore.open(scratch);
  try {
    const overrides = [...manifest.overrides, ...task.overrides];
    const config = loadTrainConfig(manifest.configPath, overrides);
    // The workspace run's own id: what the run writes (a model package's run id) names the run it lands in.
    const run = store.createRun({
      id: task.runId, experiment: task.experiment, name: task.runName, configPath: manifest.configPath, config, status: 'queued', tags: task.tags,
    });
    const shipper = new SpoolShipper({ store, rootRunId: run.id, taskDir, ...(o.shipIntervalMs !== undefined ? { intervalMs: o.shipIntervalMs } : {}) });
    shipper.start();
    const trainer = new TrainerProcess(
      { storeDir: scratch, configPath: manifest.configPath, overrides, runId: run.id, runName: task.runName, tags: task.tags },
      { store, env: { RUNLENS_STORE: scratch, RUNLENS_SPOOL: taskDir }, onOutput: write },
    );
    void o.stop?.then(() => trainer.cancel());
    let outcome: TrainOutcome;
    try {
      outcome = await trainer.done;
    } finally {
      trainer.dispose();
    }
    const exitCode = exitCodeOf(outcome);
    if (outcome.status !== 'finished') write(`[runlens] ${outcome.status === 'killed' ? 'cancelled' : `failed: ${outcome.error?.message ?? 'unknown error'}`}\n`, 'stderr');
    shipper.finish({ status: outcome.status, exitCode, error: outcome.error?.message ?? null });
    return { runId: task.runId, outcome, exitCode };
  } finally {
    store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The job's exit code, so Slurm's ExitCode agrees with the run: a command's
 * own code (`… exited with code 3`, as the command runner words it), 143
 * (SIGTERM) when cancelled, 1 for any other failure.
 */
export function exitCodeOf(outcome: TrainOutcome): number {
  if (outcome.status === 'finished') return 0;
  if (outcome.status === 'killed') return 143;
  const code = /exited with code (\d+)/.exec(outcome.error?.message ?? '');
  return code ? Math.min(255, Number(code[1])) || 1 : 1;
}
