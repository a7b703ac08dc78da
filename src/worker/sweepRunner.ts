import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { ConfigError } from '../core/config/parseConfig';
import type { TrainConfig } from '../core/config/trainConfig';
import type { FilterExpr } from '../core/query/ast';
import { parseFilter } from '../core/query/parseFilter';
import type { SweepGoal } from '../core/sweep/sweepMetric';
import { configTask, defaultGoal, defaultSweepMetric, isBetter } from '../core/sweep/sweepMetric';
import { planTrials } from '../core/sweep/sweepPlan';
import { sweepDefinitionParams, trialOverrides } from '../core/sweep/sweepParams';
import type { SweepTrialRow } from '../core/sweep/sweepSummary';
import { sweepSummary } from '../core/sweep/sweepSummary';
import type { RunStore } from '../store/runStore';
import { readGitInfo } from './gitInfo';
import type { WorkerError } from './protocol';
import type { SweepEvent, SweepOutcome, SweepStopReason, SweepTrialInfo } from './sweepEvents';
import { BEST_RUN_TAG, STOPPED_TAG, createSweepRuns, latestMetrics, maxFailuresMessage, runMatches, saveSummary, settleTrial, skipQueued } from './sweepRuns';
import { TrainerProcess, type TrainOutcome } from './trainerProcess';
import { experimentName, loadTrainConfig } from './loadTrainConfig';

export interface SweepRunnerOptions {
  /** The store folder (`.runlens/`) the trial workers write to. */
  readonly storeDir: string;
  /** Absolute path of a config with a `sweep` section. */
  readonly configPath: string;
  /** `--set` overrides applied to the base config before the sweep's own values. */
  readonly overrides?: readonly string[];
  /** Trials at once; overrides `sweep.parallel`. Default: `sweep.parallel`, else CPU cores − 1, at least 1. */
  readonly parallel?: number;
  /** This process's connection to the store at `storeDir`. */
  readonly store: RunStore;
  /** Called for each step of the sweep (see `SweepEvent`); must not throw. */
  readonly onEvent?: (event: SweepEvent) => void;
  /** A trial worker's stdout/stderr as it arrives (its log is also saved with the trial). */
  readonly onOutput?: (trial: SweepTrialInfo, text: string, stream: 'stdout' | 'stderr') => void;
  /** Name of the parent run; default the config's `name`, else a generated one. */
  readonly runName?: string;
  /** Tags on the parent run and every trial, e.g. `runlens.source=cli`. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Record this process's pid on the parent run, so that stopping the run
   * from the editor (SIGTERM to its pid) cancels the sweep. Only for a
   * process that turns SIGTERM into `cancel()`, like the CLI; never in the
   * extension host. Without a pid the parent lives on heartbeats.
   */
  readonly recordPid?: boolean;
  /** Milliseconds between a trial's SIGTERM and SIGKILL on cancel; default 5000. */
  readonly killGraceMs?: number;
  /** Node.js executable for the trial workers; default this process's. */
  readonly execPath?: string;
  /** Extra environment variables for the trial workers and their command runs (see `TrainerProcessOptions.env`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Override the worker entry (tests). */
  readonly workerPath?: string;
  /** Milliseconds between heartbeats of the parent and the queued / running trials; default 5000. */
  readonly heartbeatMs?: number;
}

/** The default of `parallel`: leave one core to the editor / shell. */
export function defaultParallel(): number {
  return Math.max(1, availableParallelism() - 1);
}

interface TrialState {
  readonly info: SweepTrialInfo;
  status: SweepTrialRow['status'];
  value: number | null;
  error?: string;
  trainer?: TrainerProcess;
}

/**
 * Runs a hyperparameter sweep: a parent run (tag `runlens.kind=sweep`, the
 * sweep definition as params) and one child run per trial (tag
 * `runlens.kind=trial`), each trained by its own trainer worker process with
 * the trial's values as `--set` overrides. All trials are created `queued`
 * up front and heartbeated while they wait; at most `parallel` run at once.
 *
 * When a trial ends, the best trial so far is recorded on the parent (tag
 * `runlens.sweep.best_run`, metric `best_<metric>`). `max_failures` stops
 * the sweep (status `failed`) once more trials failed; `stop_when` stops
 * launching once the best trial matches it and lets running trials finish
 * (status `finished`, tag `runlens.sweep.stopped=stop_when`). Trials that
 * never started end `killed`. Finally the parent gets `sweep_summary.json`
 * and `sweep_summary.csv` (see `SweepSummary`).
 *
 * ```ts
 * const runner = new SweepRunner({ storeDir, configPath, store, onEvent: (e) => show(e) });
 * token.onCancellationRequested(() => runner.cancel());
 * const outcome = await runner.run();
 * ```
 *
 * `run()` throws `ConfigError` (and creates no run) when the config is
 * invalid or has no `sweep`; after that it always resolves. Nothing here
 * imports vscode.
 */
export class SweepRunner {
  private readonly trials = new Map<string, TrialState>();
  private readonly queue: TrialState[] = [];
  private readonly running = new Set<TrialState>();
  private readonly store: RunStore;
  private started = false;
  private cancelRequested = false;
  private stopReason: SweepStopReason | undefined;
  private stopMessage = '';
  private parentId = '';
  private metric: string | undefined;
  private goal: SweepGoal | undefined;
  private best: TrialState | undefined;
  private failures = 0;
  private completed = 0;
  private wake: () => void = () => undefined;

  constructor(private readonly options: SweepRunnerOptions) {
    this.store = options.store;
  }

  /** Runs the sweep to its end (or its cancellation). Call once. */
  async run(): Promise<SweepOutcome> {
    if (this.started) throw new Error('SweepRunner.run() can only be called once');
    this.started = true;
    const o = this.options;
    if (o.parallel !== undefined && !(Number.isInteger(o.parallel) && o.parallel >= 1)) {
      throw new RangeError(`parallel must be a whole number ≥ 1, got ${o.parallel}`);
    }
    const config = loadTrainConfig(o.configPath, o.overrides ?? []);
    const sweep = config.sweep;
    if (!sweep) throw new ConfigError(o.configPath, [], 'the config has no `sweep` section to run');
    if (config.command === undefined && (!config.model || !config.data)) {
      throw new ConfigError(o.configPath, [], 'a sweep needs a training config with `model` and `data`, or a `command`');
    }
    const stopWhen: FilterExpr | undefined = sweep.stop_when ? parseFilter(sweep.stop_when) : undefined;
    const seed = sweep.seed ?? config.seed ?? randomInt(2 ** 31);
    const plan = planTrials(sweep, seed);
    const parallel = Math.max(1, Math.min(plan.length, o.parallel ?? sweep.parallel ?? defaultParallel()));
    const task = configTask(config);
    this.metric = sweep.metric ?? (task ? defaultSweepMetric(task, config.evaluate?.cv !== undefined) : undefined);
    this.goal = sweep.goal ?? (this.metric ? defaultGoal(this.metric) : undefined);

    const git = await readGitInfo(dirname(o.configPath));
    const experiment = experimentName(config, o.configPath);
    const { parent, trials } = createSweepRuns({
      store: this.store, experiment, configPath: o.configPath, config, plan, git, name: o.runName,
      tags: o.tags ?? {}, pid: o.recordPid ? process.pid : undefined,
      params: sweepDefinitionParams({ config: sweep, trials: plan.length, parallel, seed, metric: this.metric, goal: this.goal }),
    });
    this.parentId = parent.id;
    for (const info of trials) {
      const state: TrialState = { info, status: 'queued', value: null };
      this.trials.set(info.id, state);
      this.queue.push(state);
    }
    this.emit({ type: 'sweepStarted', sweepId: parent.id, sweepName: parent.name, experiment, metric: this.metric, goal: this.goal, parallel, trials });

    const heartbeat = setInterval(() => this.heartbeat(), o.heartbeatMs ?? 5000);
    heartbeat.unref();
    let crash: string | undefined;
    try {
      if (this.cancelRequested) this.stop('cancelled', 'cancelled before the first trial started');
      await this.schedule(parallel, config, stopWhen);
    } catch (e) {
      crash = (e as Error).message;
      this.stop('cancelled', `the sweep stopped on an error: ${crash}`);
      await this.drain();
    } finally {
      clearInterval(heartbeat);
    }
    const outcome = this.finish(parent.name, experiment, Object.keys(sweep.params), crash);
    this.emit({ type: 'sweepEnded', outcome });
    return outcome;
  }

  /**
   * Cancels the sweep: no trial starts any more, running trials are
   * cancelled (SIGTERM to their process group, SIGKILL after the grace
   * period), queued ones and the parent end `killed`. `run()` resolves once
   * every trial process has exited. Safe to call at any time, more than once.
   */
  cancel(): void {
    if (this.cancelRequested) return;
    this.cancelRequested = true;
    if (this.parentId) this.stop('cancelled', 'cancelled');
  }

  /** The sweep's parent run id, once `run()` has created it. */
  get sweepId(): string | undefined {
    return this.parentId || undefined;
  }

  private emit(event: SweepEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A broken listener must not break the sweep.
    }
  }

  private schedule(parallel: number, config: TrainConfig, stopWhen: FilterExpr | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.wake = () => {
        try {
          while (!this.stopReason && this.running.size < parallel && this.queue.length > 0) this.launch(this.queue.shift()!, config, stopWhen);
          if (this.running.size === 0 && (this.queue.length === 0 || this.stopReason)) resolve();
        } catch (e) {
          reject(e);
        }
      };
      this.wake();
    });
  }

  /** Waits for every running trial to exit (after an error). */
  private async drain(): Promise<void> {
    await Promise.all([...this.running].map((t) => t.trainer?.done));
  }

  private launch(trial: TrialState, config: TrainConfig, stopWhen: FilterExpr | undefined): void {
    const o = this.options;
    trial.status = 'running';
    const rss: { value?: number } = {};
    const trainer = new TrainerProcess(
      {
        storeDir: o.storeDir,
        configPath: o.configPath,
        overrides: [...(o.overrides ?? []), ...trialOverrides(trial.info.params)],
        parentId: this.parentId,
        runId: trial.info.id,
        runName: trial.info.name,
        tags: o.tags,
      },
      {
        store: this.store,
        killGraceMs: o.killGraceMs,
        execPath: o.execPath,
        env: o.env,
        workerPath: o.workerPath,
        onOutput: o.onOutput ? (text, stream) => o.onOutput!(trial.info, text, stream) : undefined,
        onMessage: (m) => {
          if (m.type === 'progress') this.emit({ type: 'trialProgress', trial: trial.info, message: m });
          if (m.type === 'finished') rss.value = m.maxRssKb;
        },
      },
    );
    trial.trainer = trainer;
    this.running.add(trial);
    this.emit({ type: 'trialStarted', trial: trial.info, pid: trainer.pid, running: this.running.size });
    void trainer.done.then((outcome) => {
      try {
        this.trialEnded(trial, outcome, config, stopWhen, rss.value);
      } catch (e) {
        trial.status = 'failed';
        trial.error = `could not record the trial's end: ${(e as Error).message}`;
      } finally {
        trainer.dispose();
        trial.trainer = undefined;
        this.running.delete(trial);
        this.wake();
      }
    });
  }

  private trialEnded(trial: TrialState, outcome: TrainOutcome, config: TrainConfig, stopWhen: FilterExpr | undefined, maxRssKb?: number): void {
    const settled = settleTrial(this.store, trial.info.id, outcome.status, outcome.error?.message);
    trial.status = settled.status;
    if (settled.error && settled.status !== 'finished') trial.error = outcome.error?.message ?? settled.error;
    this.completed++;
    let isBest = false;
    if (trial.status === 'finished') {
      const metrics = latestMetrics(this.store, trial.info.id);
      this.resolveMetric(trial.info.id, config);
      const value = this.metric !== undefined ? metrics[this.metric] : undefined;
      trial.value = value === undefined ? null : value;
      if (trial.value !== null && this.beats(trial)) {
        this.best = trial;
        isBest = true;
        this.store.setTags(this.parentId, { [BEST_RUN_TAG]: trial.info.id });
        this.store.logMetrics(this.parentId, [{ key: `best_${this.metric}`, value: trial.value, step: this.completed }]);
      }
    } else if (trial.status === 'failed') {
      this.failures++;
    }
    const error: WorkerError | undefined = trial.error ? (outcome.error ?? { kind: 'internal', message: trial.error }) : undefined;
    this.emit({
      type: 'trialEnded', trial: trial.info, status: trial.status as 'finished' | 'failed' | 'killed', metric: this.metric, value: trial.value,
      ...(error ? { error } : {}), best: isBest, completed: this.completed, total: this.trials.size, ...(maxRssKb !== undefined ? { maxRssKb } : {}),
    });
    const limit = config.sweep?.max_failures;
    if (limit !== undefined && this.failures > limit && !this.stopReason) {
      this.stop('max_failures', maxFailuresMessage(this.failures, limit));
    }
    if (isBest && stopWhen && !this.stopReason && runMatches(this.store, trial.info.id, stopWhen)) {
      this.stop('stop_when', `${trial.info.name} matches stop_when (${config.sweep?.stop_when})`);
    }
  }

  /** Better than the best so far; a tie goes to the lower trial number, so parallel finish order cannot change the pick. */
  private beats(trial: TrialState): boolean {
    const best = this.best;
    if (!best || best.value === null) return true;
    const value = trial.value!;
    return isBetter(value, best.value, this.goal!) || (value === best.value && trial.info.index < best.info.index);
  }

  /** Without `sweep.metric` and a task fixed by the config, the first finished trial's task decides. */
  private resolveMetric(trialId: string, config: TrainConfig): void {
    if (this.metric !== undefined) return;
    const task = this.store.getParams(trialId).task === 'regression' ? 'regression' : 'classification';
    this.metric = defaultSweepMetric(task, config.evaluate?.cv !== undefined);
    this.goal ??= defaultGoal(this.metric);
    this.store.logParams(this.parentId, { 'sweep.metric': this.metric, 'sweep.goal': this.goal });
  }

  private stop(reason: SweepStopReason, message: string): void {
    if (this.stopReason && !(reason === 'cancelled' && this.stopReason !== 'cancelled')) return;
    this.stopReason = reason;
    this.stopMessage = message;
    const skipped = this.queue.splice(0);
    for (const t of skipped) {
      t.status = 'killed';
      t.error = reason === 'cancelled' ? 'cancelled' : `not run: the sweep stopped (${reason})`;
    }
    try {
      skipQueued(this.store, skipped.map((t) => t.info.id), skipped[0]?.error ?? reason);
    } catch {
      // The final settle records what this could not.
    }
    if (reason === 'cancelled') for (const t of this.running) t.trainer?.cancel();
    this.emit({ type: 'stopping', reason, message });
    this.wake();
  }

  private heartbeat(): void {
    const ids = [this.parentId, ...[...this.trials.values()].filter((t) => t.status === 'queued' || t.status === 'running').map((t) => t.info.id)];
    try {
      this.store.heartbeat(ids);
    } catch {
      // A run deleted meanwhile: the next beat goes on with the others.
    }
  }

  private finish(name: string, experiment: string, paramKeys: string[], crash: string | undefined): SweepOutcome {
    const metric = this.metric ?? 'test_accuracy';
    const goal = this.goal ?? defaultGoal(metric);
    const rows: SweepTrialRow[] = [...this.trials.values()].map((t) => ({
      id: t.info.id, name: t.info.name, index: t.info.index, status: t.status, params: t.info.params, value: t.value,
      ...(t.error ? { error: t.error } : {}),
    }));
    const summary = sweepSummary(rows, metric, goal, paramKeys);
    const finishedAny = rows.some((r) => r.status === 'finished');
    const status: SweepOutcome['status'] = crash !== undefined || this.stopReason === 'max_failures' || (!finishedAny && this.stopReason !== 'cancelled')
      ? 'failed'
      : this.stopReason === 'cancelled' ? 'killed' : 'finished';
    const error = crash ?? (status === 'killed' ? 'cancelled' : status === 'failed' ? (this.stopMessage || 'no trial finished') : undefined);
    try {
      saveSummary(this.store, this.parentId, summary);
      if (this.stopReason) this.store.setTags(this.parentId, { [STOPPED_TAG]: this.stopReason });
      this.store.setStatus(this.parentId, status, { error: error ?? null });
    } catch {
      // Unreachable store: the parent's heartbeats stop and it is marked failed later.
    }
    const best = summary.best ? summary.trials.find((t) => t.id === summary.best) : undefined;
    return {
      sweepId: this.parentId, sweepName: name, experiment, status, metric, goal, params: paramKeys, trials: summary.trials,
      ...(best ? { best } : {}), ...(this.stopReason ? { stopped: this.stopReason } : {}), ...(error ? { error } : {}),
    };
  }
}
