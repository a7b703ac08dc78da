import * as vscode from 'vscode';
import type { TrainingService } from '../training/trainingService';
import type { FolderStoreChange, WorkspaceStores } from '../store/workspaceStores';
import type * as ConfigModule from '../../core/config/parseConfig';
import type * as PlanModule from '../../core/sweep/sweepPlan';
import { formatMetric, pickKeyMetric, relativeTime } from '../../views/runPresentation';
import { COMPUTE_COMMANDS, RUNS_VIEW_COMMANDS, RUN_COMMANDS, TRAINING_COMMANDS } from '../../views/commands/commandIds';
import { computeLensSpecs } from '../../views/compute/computeLenses';
import { clusterRunDescription, isLiveClusterRun } from '../../views/compute/clusterRunText';
import type { ComputeProfiles } from '../compute/computeProfiles';

export interface TrainCodeLensOptions {
  readonly training: TrainingService;
  readonly stores: WorkspaceStores;
  readonly keyMetric: () => string;
  /** The workspace's compute profiles: `Train on <profile>` / `Sweep on <profile>` lenses for each cluster one. */
  readonly computeProfiles?: ComputeProfiles;
}

function loadConfigModules(): { parse: typeof ConfigModule; plan: typeof PlanModule } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    parse: require('../../core/config/parseConfig') as typeof ConfigModule,
    plan: require('../../core/sweep/sweepPlan') as typeof PlanModule,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Trials the config's sweep would run, or undefined when it has none (or does not parse). */
function sweepTrials(document: vscode.TextDocument): number | undefined {
  const text = document.getText();
  if (!/sweep/.test(text)) return undefined;
  const { parse, plan } = loadConfigModules();
  const sweep = parse.parseConfigText(text, document.fileName).config?.sweep;
  if (!sweep) return undefined;
  try {
    return sweep.method === 'grid' ? plan.gridSize(sweep) : (sweep.trials ?? plan.DEFAULT_RANDOM_TRIALS);
  } catch {
    return undefined;
  }
}

/** A `command:` config (YAML or JSON), told from its text without parsing it. */
function isCommandConfig(document: vscode.TextDocument): boolean {
  return /^(command\s*:|\s*"command"\s*:)/m.test(document.getText());
}

/** Whether a store change can change a "Last run" lens: a run appeared, changed status, or was deleted. */
function touchesLastRun(e: FolderStoreChange): boolean {
  const c = e.change;
  return !c || c.runsCreated.length > 0 || c.runStatusChanged.length > 0 || c.runsEdited;
}

/**
 * Lenses at the top of a training config: `▶ Train this`, the last run of
 * this config with its key metric (read through the folder's run source),
 * and while it trains `■ Cancel` with the live progress.
 */
export class TrainCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: TrainCodeLensOptions) {
    this.disposables.push(
      this.emitter,
      options.training.onDidChange(() => this.trainingChanged()),
      ...(options.computeProfiles ? [options.computeProfiles.onDidChange(() => this.emitter.fire())] : []),
      // the store's hub has coalesced the burst already: one event per tick
      options.stores.onDidChange((e) => {
        if (touchesLastRun(e)) this.emitter.fire();
      }),
    );
  }

  /**
   * Coalesces the worker's progress messages (several a second) into one
   * refresh, and refreshes once more a little later: VS Code drops a CodeLens
   * refresh that is pending when the editor loses focus (its controller
   * cancels the scheduled update on blur), which could leave `■ Cancel` after
   * a run ended. Store changes do not come through here: the hub coalesces them.
   */
  private trainingChanged(): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.emitter.fire(), 1500);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire();
    }, 300);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses: vscode.CodeLens[] = [];
    const active = this.options.training.forConfig(document.uri.fsPath);
    if (active) {
      lenses.push(new vscode.CodeLens(top, { title: '$(debug-stop) Cancel', command: RUN_COMMANDS.cancel, arguments: [{ configPath: document.uri.fsPath }], tooltip: 'Stop this training; what was logged is kept' }));
      lenses.push(new vscode.CodeLens(top, { title: `$(sync~spin) ${active.runName ? `${active.runName}: ` : ''}${active.progress}`, command: RUNS_VIEW_COMMANDS.showLogs, tooltip: 'Show the run output' }));
    } else {
      const what = isCommandConfig(document) ? 'Run this config\'s command as a tracked run (its own process group)' : 'Train this config in a background process';
      lenses.push(new vscode.CodeLens(top, {
        title: vscode.workspace.isTrusted ? '$(play) Train this' : '$(workspace-untrusted) Train this (trust the workspace first)',
        command: TRAINING_COMMANDS.trainFile,
        arguments: [document.uri],
        tooltip: vscode.workspace.isTrusted ? what : 'Training is disabled in an untrusted workspace',
      }));
    }
    const trials = active ? undefined : sweepTrials(document);
    if (trials !== undefined) {
      const sweep = `Sweep (${trials} trial${trials === 1 ? '' : 's'})`;
      // Like "Train this": an untrusted workspace refuses sweeps (TrainingService.prepare), so the lens says why up front.
      lenses.push(new vscode.CodeLens(top, {
        title: vscode.workspace.isTrusted ? `$(sync) ${sweep}` : `$(workspace-untrusted) ${sweep} (trust the workspace first)`,
        command: TRAINING_COMMANDS.sweepFile,
        arguments: [document.uri],
        tooltip: vscode.workspace.isTrusted ? 'Train every trial of this config\'s sweep in parallel worker processes' : 'Sweeps are disabled in an untrusted workspace',
      }));
    }
    if (!active && this.options.computeProfiles) {
      const profiles = this.options.computeProfiles.forUri(document.uri).profiles.values();
      for (const spec of computeLensSpecs({ profiles, trials, trusted: vscode.workspace.isTrusted })) {
        const command = spec.kind === 'train' ? COMPUTE_COMMANDS.trainOn : COMPUTE_COMMANDS.sweepOn;
        lenses.push(new vscode.CodeLens(top, { title: spec.title, command, arguments: [document.uri, spec.profile], tooltip: spec.tooltip }));
      }
    }
    const last = await this.lastRun(document.uri);
    // The config's last run is on the cluster and not over: cancel its job from here too (scancel; a sweep: its array).
    if (!active && last?.clusterLive) {
      lenses.push(new vscode.CodeLens(top, { title: '$(debug-stop) Cancel job', command: RUN_COMMANDS.cancel, arguments: [last.runId], tooltip: 'Cancel this run\'s Slurm job; what it logged is kept' }));
    }
    if (last) lenses.push(new vscode.CodeLens(top, { title: last.title, command: RUN_COMMANDS.details, arguments: [last.runId], tooltip: 'Open the last run of this config' }));
    return lenses;
  }

  private async lastRun(uri: vscode.Uri): Promise<{ title: string; runId: string; clusterLive: boolean } | undefined> {
    const source = this.options.stores.forUri(uri)?.source;
    if (!source) return undefined;
    try {
      const [run] = await source.runsOfConfig(uri.fsPath, { limit: 1 });
      if (!run) return undefined;
      const key = pickKeyMetric(run.metrics, this.options.keyMetric() || undefined);
      const now = Date.now();
      const clusterLive = isLiveClusterRun(run);
      // A cluster run says where it is: "queued: Resources", "running on node1".
      const metric = run.status === 'finished' && key ? `${key} ${formatMetric(run.metrics[key])}` : clusterLive ? (clusterRunDescription(run, now) ?? run.status) : run.status;
      return { title: `Last run: ${metric} · ${relativeTime(run.startedAt ?? run.createdAt, now)}`, runId: run.id, clusterLive };
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    clearTimeout(this.settleTimer);
    for (const d of this.disposables) d.dispose();
  }
}
