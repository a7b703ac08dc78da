import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { TrainOutcome } from '../../worker/trainerProcess';
import type { WorkerMessage } from '../../worker/protocol';
import type { FolderStore, WorkspaceStores } from '../store/workspaceStores';
import type { RunStore } from '../../store/runStore';
import type { Logger } from '../logger';
import { formatMetric, pickKeyMetric } from '../../views/runPresentation';
import type * as TrainerModule from '../../worker/trainerProcess';
import type * as SweepModule from '../../worker/sweepRunner';
import type { SweepEvent, SweepOutcome } from '../../worker/sweepEvents';
import { RUNS_VIEW_COMMANDS } from '../../views/commands/commandIds';
import { trustedFolderFor } from './trustedFolder';

/** A training or sweep started from the editor, while it runs. */
export interface ActiveTraining {
  readonly key: number;
  readonly kind: 'train' | 'sweep';
  readonly configPath: string;
  /** The run (for a sweep: the parent run). */
  runId?: string;
  runName?: string;
  /** Last progress line, e.g. `fit 37/100 · train_loss 0.31`. */
  progress: string;
  /** Stops it: SIGTERM to the worker(s), SIGKILL after the grace period. */
  readonly cancel: () => void;
}

export interface TrainingServiceOptions {
  readonly stores: WorkspaceStores;
  readonly logger: Logger;
  readonly killGraceSeconds: () => number;
  readonly nodePath: () => string;
  /** The Python of command runs (`{{python}}`, given to them as `RUNLENS_PYTHON`); empty: `python3` on the PATH. */
  readonly pythonPath?: () => string;
  /** `runlens.systemMetrics.interval` (seconds; 0 = off), given to the worker as `RUNLENS_SYSTEM_METRICS_INTERVAL` / `RUNLENS_SYSTEM_METRICS=0`. */
  readonly systemMetricsInterval?: () => number;
  /** `runlens.datasets.snapshotMaxMB`: data files up to this size are copied into the store (0: never). */
  readonly datasetSnapshotMB?: () => number;
  /** More environment for the trainer of one config (the stored passwords of the databases it names). */
  readonly trainerEnv?: (configPath: string) => Record<string, string>;
  readonly keyMetric: () => string;
  /** Opens the compare panel for two runs (the finished one and its predecessor). */
  readonly compare: (runIds: string[]) => void;
  readonly showRun: (runId: string) => void;
  /** `runlens.logTo`: ships the run to a tracking server while it trains; undefined when runs stay local. */
  readonly startShipping?: (store: RunStore) => { add(runId: string): void; finish(): Promise<unknown> } | undefined;
}

function loadSweepRunner(): typeof SweepModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../worker/sweepRunner') as typeof SweepModule;
}

function loadTrainerProcess(): typeof TrainerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../worker/trainerProcess') as typeof TrainerModule;
}

/**
 * Starts trainings in child processes (never in the extension host), shows
 * them in a cancellable notification and the status bar, streams their
 * output to the Output channel, and says how each one ended.
 */
export class TrainingService implements vscode.Disposable {
  private readonly active = new Map<number, ActiveTraining>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly statusBar: vscode.StatusBarItem;
  private nextKey = 1;

  constructor(private readonly options: TrainingServiceOptions) {
    this.statusBar = vscode.window.createStatusBarItem('runlens.training', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = 'RunLens Training';
    this.statusBar.command = RUNS_VIEW_COMMANDS.showLogs;
  }

  get trainings(): readonly ActiveTraining[] {
    return [...this.active.values()];
  }

  forConfig(configPath: string): ActiveTraining | undefined {
    return this.trainings.find((t) => t.configPath === configPath);
  }

  /**
   * Trains a config file. Resolves with the outcome when the run ends.
   * Refuses in an untrusted workspace: a config can point at any data and,
   * with command runs, any program.
   */
  async train(configUri: vscode.Uri, overrides: readonly string[] = []): Promise<TrainOutcome | undefined> {
    const target = await this.prepare(configUri);
    if (!target) return undefined;
    const { store, folderStore } = target;
    const { TrainerProcess } = loadTrainerProcess();
    const key = this.nextKey++;
    const configPath = configUri.fsPath;
    const label = vscode.workspace.asRelativePath(configUri, false);
    this.options.logger.info(`train ${label}${overrides.length ? ` --set ${overrides.join(' ')}` : ''}`);
    const holder: { entry?: ActiveTraining } = {};
    const shipping = this.options.startShipping?.(store);
    try {
      const trainer = new TrainerProcess(
        { storeDir: folderStore.dir, configPath, overrides, tags: { 'runlens.source': 'vscode' } },
        {
          store,
          killGraceMs: this.options.killGraceSeconds() * 1000,
          execPath: this.options.nodePath() || undefined,
          env: { ...this.commandEnv(), ...this.options.trainerEnv?.(configPath) },
          onOutput: (text) => this.options.logger.output(holder.entry?.runName ?? label, text),
          onMessage: (m) => {
            if (m.type === 'started') shipping?.add(m.runId);
            this.onMessage(holder.entry, m);
          },
        },
      );
      const entry: ActiveTraining = { key, kind: 'train', configPath, progress: 'starting', cancel: () => trainer.cancel() };
      holder.entry = entry;
      this.active.set(key, entry);
      this.changed();

      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `RunLens: training ${label}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => trainer.cancel());
          let last = '';
          const sub = this.onDidChange(() => {
            if (entry.progress !== last) {
              last = entry.progress;
              progress.report({ message: `${entry.runName ? `${entry.runName}: ` : ''}${entry.progress}` });
            }
          });
          try {
            return await trainer.done;
          } finally {
            sub.dispose();
          }
        },
      );
      this.active.delete(key);
      trainer.dispose();
      this.changed();
      // no refresh here: the store's change hub has seen the worker's writes (and the host's, when it died)
      await this.report(outcome, label, configPath);
      return outcome;
    } finally {
      // the last push goes on in the background: the result is the local run's. In a finally, so a trainer
      // that could not start still ends its shipping (else the background push to that server stays paused).
      if (shipping) void shipping.finish();
    }
  }

  /**
   * Runs a config's sweep: trials in parallel worker processes, the parent
   * run and every trial in the explorer as they go, one cancellable
   * notification for the whole sweep.
   */
  async sweep(configUri: vscode.Uri): Promise<SweepOutcome | undefined> {
    const target = await this.prepare(configUri);
    if (!target) return undefined;
    const { SweepRunner } = loadSweepRunner();
    const key = this.nextKey++;
    const configPath = configUri.fsPath;
    const label = vscode.workspace.asRelativePath(configUri, false);
    this.options.logger.info(`sweep ${label}`);
    const holder: { entry?: ActiveTraining } = {};
    const shipping = this.options.startShipping?.(target.store);
    const runner = new SweepRunner({
      storeDir: target.folderStore.dir,
      configPath,
      store: target.store,
      tags: { 'runlens.source': 'vscode' },
      killGraceMs: this.options.killGraceSeconds() * 1000,
      execPath: this.options.nodePath() || undefined,
      env: { ...this.commandEnv(), ...this.options.trainerEnv?.(configPath) },
      onOutput: (trial, text) => this.options.logger.output(trial.name, text),
      onEvent: (e) => {
        if (e.type === 'sweepStarted') shipping?.add(e.sweepId);
        this.onSweepEvent(holder.entry, e);
      },
    });
    const entry: ActiveTraining = { key, kind: 'sweep', configPath, progress: 'planning trials', cancel: () => runner.cancel() };
    holder.entry = entry;
    this.active.set(key, entry);
    this.changed();
    let outcome: SweepOutcome | undefined;
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `RunLens: sweeping ${label}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => runner.cancel());
          const sub = this.onDidChange(() => progress.report({ message: entry.progress }));
          try {
            return await runner.run();
          } finally {
            sub.dispose();
          }
        },
      );
    } catch (e) {
      this.options.logger.error(`sweep ${label} could not start`, e);
      void vscode.window.showErrorMessage(`RunLens: ${(e as Error).message.split('\n')[0]}`, 'Show Logs').then((c) => c && this.options.logger.show());
    } finally {
      this.active.delete(key);
      this.changed();
      if (shipping) void shipping.finish();
    }
    if (outcome) this.reportSweep(outcome);
    return outcome;
  }

  /** What the worker (and a command run's script) gets from the settings, as environment variables. */
  private commandEnv(): Record<string, string> | undefined {
    const env: Record<string, string> = {};
    const python = this.options.pythonPath?.().trim();
    if (python) env.RUNLENS_PYTHON = python;
    const interval = this.options.systemMetricsInterval?.();
    if (interval === 0) env.RUNLENS_SYSTEM_METRICS = '0';
    else if (interval !== undefined && Number.isFinite(interval) && interval > 0) env.RUNLENS_SYSTEM_METRICS_INTERVAL = String(interval);
    const snapshotMB = this.options.datasetSnapshotMB?.();
    if (snapshotMB !== undefined && Number.isFinite(snapshotMB) && snapshotMB >= 0) env.RUNLENS_DATASET_SNAPSHOT_MB = String(snapshotMB);
    return Object.keys(env).length ? env : undefined;
  }

  private onSweepEvent(entry: ActiveTraining | undefined, e: SweepEvent): void {
    if (!entry) return;
    switch (e.type) {
      case 'sweepStarted':
        entry.runId = e.sweepId;
        entry.runName = e.sweepName;
        entry.progress = `${e.trials.length} trials, ${e.parallel} at a time`;
        break;
      case 'trialStarted':
        entry.progress = `trial ${e.trial.index} started (${e.running} running)`;
        break;
      case 'trialEnded': {
        const value = e.value === null ? '' : ` · ${e.metric} ${formatMetric(e.value)}${e.best ? ' (best so far)' : ''}`;
        entry.progress = `${e.completed}/${e.total} trials done · trial ${e.trial.index} ${e.status}${value}`;
        break;
      }
      case 'stopping':
        entry.progress = `stopping: ${e.message}`;
        break;
      case 'trialProgress':
      case 'sweepEnded':
        return;
    }
    this.changed();
  }

  private reportSweep(outcome: SweepOutcome): void {
    const best = outcome.best;
    const top = outcome.trials.filter((t) => t.status === 'finished').slice(0, 5).map((t) => t.id);
    if (outcome.status === 'killed') {
      void vscode.window.showInformationMessage(`RunLens: sweep ${outcome.sweepName} was cancelled; finished trials are kept.`);
      return;
    }
    const head = outcome.status === 'finished' ? `sweep ${outcome.sweepName} finished` : `sweep ${outcome.sweepName} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`;
    const bestText = best && best.value !== null ? `; best ${best.name}: ${outcome.metric} ${formatMetric(best.value)}` : '';
    const actions = top.length >= 2 ? ['Compare Top Trials', 'Show Best Run'] : best ? ['Show Best Run'] : [];
    const show = outcome.status === 'finished' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(`RunLens: ${head}${bestText}`, ...actions).then((choice) => {
      if (choice === 'Compare Top Trials') this.options.compare(top);
      if (choice === 'Show Best Run' && best) this.options.showRun(best.id);
    });
  }

  /**
   * What every start needs: trust, a folder, a saved config and an open store.
   * Refuses in an untrusted workspace: a config can read any file and, with
   * command runs, start any program.
   */
  private async prepare(configUri: vscode.Uri): Promise<{ store: RunStore; folderStore: FolderStore } | undefined> {
    const folder = trustedFolderFor(configUri, vscode.workspace.isTrusted, 'RunLens does not train in an untrusted workspace: a training config can read any file and run code. Trust this workspace to train.');
    if (!folder) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === configUri.toString());
    if (doc?.isDirty) await doc.save();
    const store = this.options.stores.open(folder, true);
    const folderStore = this.options.stores.forUri(configUri);
    if (!store || !folderStore) {
      void vscode.window.showErrorMessage(`RunLens could not open its store: ${folderStore?.error ?? 'unknown error'}`, 'Show Logs').then((c) => c && this.options.logger.show());
      return undefined;
    }
    return { store, folderStore };
  }

  /** Cancels one training (by run id or config), or asks which when several run. */
  async cancel(target?: { runId?: string; configPath?: string }): Promise<void> {
    let entry = target?.runId ? this.trainings.find((t) => t.runId === target.runId) : target?.configPath ? this.forConfig(target.configPath) : undefined;
    if (!entry && !target && this.active.size > 0) {
      entry = this.active.size === 1 ? this.trainings[0] : (await vscode.window.showQuickPick(
        this.trainings.map((t) => ({ label: t.runName ?? vscode.workspace.asRelativePath(t.configPath), description: t.progress, t })),
        { title: 'Cancel which run?' },
      ))?.t;
    }
    if (!entry) {
      if (!target) void vscode.window.showInformationMessage('No RunLens run is training in this window.');
      return;
    }
    entry.cancel();
  }

  private onMessage(entry: ActiveTraining | undefined, m: WorkerMessage): void {
    if (!entry) return;
    switch (m.type) {
      case 'started':
        entry.runId = m.runId;
        entry.runName = m.runName;
        entry.progress = 'started';
        break;
      case 'progress': {
        const step = m.step !== undefined ? (m.total ? `${m.step}/${m.total}` : `step ${m.step}`) : '';
        const metrics = Object.entries(m.metrics ?? {}).map(([k, v]) => `${k} ${formatMetric(v)}`).join(' · ');
        entry.progress = [m.phase, step, metrics || m.message].filter(Boolean).join(' ');
        break;
      }
      case 'finished':
      case 'failed':
        break;
    }
    this.changed();
  }

  private changed(): void {
    const n = this.active.size;
    void vscode.commands.executeCommand('setContext', 'runlens.activeRuns', n);
    if (n === 0) this.statusBar.hide();
    else {
      this.statusBar.text = `$(beaker~spin) ${n} run${n === 1 ? '' : 's'}`;
      this.statusBar.tooltip = this.trainings.map((t) => `${t.runName ?? vscode.workspace.asRelativePath(t.configPath)}: ${t.progress}`).join('\n');
      this.statusBar.show();
    }
    this.emitter.fire();
  }

  private async report(outcome: TrainOutcome, label: string, configPath: string): Promise<void> {
    const name = outcome.runName ?? label;
    if (outcome.status === 'finished') {
      const key = pickKeyMetric(outcome.metrics, this.options.keyMetric() || undefined);
      const metric = key ? `: ${key} ${formatMetric(outcome.metrics[key])}` : '';
      const previous = await this.previousRun(configPath, outcome.runId);
      const actions = previous ? ['Compare with Previous', 'Show Run'] : ['Show Run'];
      void vscode.window.showInformationMessage(`RunLens: ${name} finished${metric}`, ...actions).then((choice) => {
        if (choice === 'Compare with Previous' && previous && outcome.runId) this.options.compare([previous, outcome.runId]);
        if (choice === 'Show Run' && outcome.runId) this.options.showRun(outcome.runId);
      });
    } else if (outcome.status === 'killed') {
      void vscode.window.showInformationMessage(`RunLens: ${name} was cancelled; everything logged until then is kept.`);
    } else {
      const error = outcome.error;
      const where = error?.file && error.line ? vscode.Uri.file(error.file) : undefined;
      const actions = where ? ['Open File', 'Show Logs'] : ['Show Logs'];
      this.options.logger.error(`${name} failed: ${error?.message ?? 'unknown error'}`);
      void vscode.window.showErrorMessage(`RunLens: ${name} failed: ${error?.message.split('\n')[0] ?? 'unknown error'}`, ...actions).then(async (choice) => {
        if (choice === 'Show Logs') this.options.logger.show();
        if (choice === 'Open File' && where && error?.line) {
          const pos = new vscode.Position(Math.max(0, error.line - 1), Math.max(0, (error.column ?? 1) - 1));
          await vscode.window.showTextDocument(where, { selection: new vscode.Range(pos, pos) });
        }
      });
    }
  }

  /** The run of the same config before this one, for "Compare with Previous". */
  private async previousRun(configPath: string, runId: string | undefined): Promise<string | undefined> {
    const source = this.options.stores.forUri(vscode.Uri.file(dirname(configPath)))?.source;
    if (!source || !runId) return undefined;
    try {
      const runs = await source.runsOfConfig(configPath, { limit: 2 });
      return runs.find((r) => r.id !== runId)?.id;
    } catch {
      return undefined; // the store went away: the message offers "Show Run" alone
    }
  }

  dispose(): void {
    for (const t of this.active.values()) t.cancel();
    this.active.clear();
    this.statusBar.dispose();
    this.emitter.dispose();
  }
}
