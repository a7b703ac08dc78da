import type { CommandPlan } from '../../core/commandRun/commandLine';
import { planCommand } from '../../core/commandRun/commandLine';
import { formatCommandLine } from '../../core/commandRun/tokenize';
import type { TrainConfig } from '../../core/config/trainConfig';
import type { RunStore } from '../../store/runStore';
import type { ParamValue } from '../../store/types';
import type { TrainRequest, WorkerMessage } from '../protocol';
import { startRun } from '../startRun';
import { latestMetrics } from '../sweepRuns';
import type { OutputStream } from './commandRunner';
import { runCommand } from './commandRunner';
import { findPythonHelperDir } from './helperDir';
import { isSystemMetric } from '../../core/metrics/systemMetricNames';

export interface CommandTrainOptions {
  readonly store: RunStore;
  readonly request: TrainRequest;
  /** The loaded config (overrides applied); has `command`. */
  readonly config: TrainConfig;
  readonly emit: (message: WorkerMessage) => void;
  readonly signal: AbortSignal;
  /** The script's output lines; default this process's stdout / stderr (the worker's, which the host shows). */
  readonly onLine?: (line: string, stream: OutputStream) => void;
  readonly heartbeatMs?: number;
  /** The child's base environment; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Progress messages for metric lines at most this often: a script may print thousands a second. */
const PROGRESS_MS = 250;

/**
 * A command run from a `TrainRequest`, as `trainRun` does a built-in model:
 * creates the run (or adopts a sweep's queued trial) with the config
 * snapshot, git commit, this process's pid and the config's params, then runs
 * the command into it and reports `started` / `progress` / `finished` /
 * `failed` like any training.
 */
export async function trainCommand(options: CommandTrainOptions): Promise<void> {
  const { store, request, config, emit, signal } = options;
  const run = await startRun(store, request, config, emit);
  if (!run) return;

  let plan: CommandPlan;
  try {
    store.logParams(run.id, paramValues(config.params ?? {}));
    plan = planCommand(config, {
      runId: run.id,
      experiment: run.experiment,
      configPath: request.configPath,
      storeDir: store.dir,
      baseEnv: options.env ?? process.env,
      helperDir: findPythonHelperDir(),
    });
    store.setTags(run.id, { 'runlens.command': formatCommandLine(plan.argv) });
  } catch (e) {
    // Overrides can still produce what the config checks reject in a file (e.g. --set command=...).
    const message = (e as Error).message;
    store.setStatus(run.id, 'failed', { error: message });
    emit({ type: 'failed', runId: run.id, error: { kind: 'config', message, file: request.configPath } });
    return;
  }

  let lastProgress = 0;
  const onLine = options.onLine ?? ((line: string, stream: OutputStream) => process[stream].write(`${line}\n`));
  const result = await runCommand({
    store,
    runId: run.id,
    plan,
    signal,
    killGraceMs: request.killGraceMs,
    heartbeatMs: options.heartbeatMs,
    onLine,
    onSpawn: (pid) => emit({ type: 'spawned', runId: run.id, pid }),
    ...(config.system_metrics ? { systemMetrics: config.system_metrics } : {}),
    onMetrics: (metrics, step) => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_MS) return;
      lastProgress = now;
      emit({ type: 'progress', runId: run.id, phase: 'fit', ...(step !== undefined ? { step } : {}), metrics });
    },
  });

  if (result.status === 'failed') {
    emit({ type: 'failed', runId: run.id, error: { kind: 'model', message: result.error ?? 'the command failed' } });
    return;
  }
  let metrics: Record<string, number> = {};
  try {
    // The script's own metrics: the system series and summaries stay in the run, not in the one-line summary.
    if (result.status === 'finished') metrics = Object.fromEntries(Object.entries(latestMetrics(store, run.id)).filter(([k]) => !isSystemMetric(k)));
  } catch {
    // The run's end is recorded; the summary only decorates the message.
  }
  emit({ type: 'finished', runId: run.id, status: result.status, metrics });
}

/** Params as the store takes them: scalars as they are, lists and mappings as JSON (as built-in runs log them). */
function paramValues(params: Readonly<Record<string, unknown>>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(params)) {
    out[k] = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}
