import * as vscode from 'vscode';
import { join } from 'node:path';
import type { RunStore } from '../../store/runStore';
import type { RunRow } from '../../store/types';
import type * as SubmitModule from '../../compute/jobs/submitToSlurm';
import type * as SyncModule from '../../compute/jobs/syncJobs';
import type * as CancelModule from '../../compute/jobs/cancelClusterRun';
import type * as ClusterRunsModule from '../../compute/jobs/clusterRuns';
import { COMPUTE_TAG, SLURM_COMPUTE } from '../../compute/jobs/clusterTags';
import type { SlurmProfile } from '../../core/compute/computeProfile';
import { realTimers, type Timers } from '../../core/util/timers';
import { ClusterJobsPoller } from '../../views/compute/clusterJobsPoller';
import { clusterJobLabel, clusterRunDescription, countJobs, isClusterRun, type JobCounts } from '../../views/compute/clusterRunText';
import { formatElapsed } from '../../views/runPresentation';
import type { FolderStore, FolderStoreChange, WorkspaceStores } from '../store/workspaceStores';
import type { Logger } from '../logger';
import type { ComputeProfiles } from './computeProfiles';
import { JobsStatusBar } from './jobsStatusBar';
import { JobOutputStreams } from '../../views/compute/jobOutputStreams';
import { trustedFolderFor } from '../training/trustedFolder';

/* eslint-disable @typescript-eslint/no-require-imports */
// Loaded on first use: a workspace without cluster runs never loads them (activation stays light).
const load = {
  submit: () => require('../../compute/jobs/submitToSlurm') as typeof SubmitModule,
  sync: () => require('../../compute/jobs/syncJobs') as typeof SyncModule,
  cancel: () => require('../../compute/jobs/cancelClusterRun') as typeof CancelModule,
  runs: () => require('../../compute/jobs/clusterRuns') as typeof ClusterRunsModule,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Cluster runs still queued or running, as the Runs view's filter language says it. */
export const LIVE_CLUSTER_FILTER = "tags.`runlens.compute` = 'slurm' AND attributes.status IN ('queued', 'running')";

export interface ClusterJobsServiceOptions {
  readonly stores: WorkspaceStores;
  readonly profiles: ComputeProfiles;
  readonly logger: Logger;
  /** The extension's folder: the compute node runs its `dist/cli.js`. */
  readonly extensionPath: string;
  /** `runlens.trainer.nodePath`; empty: the extension host's own Node. */
  readonly nodePath: () => string;
  readonly isTrusted: () => boolean;
  readonly showRun: (runId: string) => void;
  /** Between syncs while a job is live (default 3 s). */
  readonly pollMs?: number;
  readonly timers?: Timers;
}

interface Watched {
  readonly store: RunStore;
  readonly poller: ClusterJobsPoller;
  /** The output of this store's jobs, streamed to the Output channel. */
  readonly logs: JobOutputStreams;
}

/**
 * Runs on a Slurm cluster, from the editor: submits through the jobs module,
 * polls Slurm (`syncJobs`: squeue/scontrol, spool ingest, reconcile) once at
 * start-up and then while cluster runs are live, streams each live job's
 * output to the Output channel, counts the jobs in the status bar, and
 * cancels them. The Runs view needs no nudge: each store's change hub sees
 * what the sync wrote.
 */
export class ClusterJobsService implements vscode.Disposable {
  private readonly watched = new Map<string, Watched>();
  private readonly statusBar = new JobsStatusBar();
  private readonly counts = new Map<string, JobCounts>();
  /** Runs already told as "still pending": told once each. */
  private readonly toldPending = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly options: ClusterJobsServiceOptions) {
    this.disposables.push(
      this.statusBar,
      options.stores.onDidChange((e) => this.onStoreChange(e)),
      options.stores.onDidChangeFolders(() => this.watchStores()),
    );
    this.watchStores();
  }

  /** The Jobs item's text (undefined while hidden). */
  get statusText(): string | undefined {
    return this.statusBar.text;
  }

  /** Whether a run is a cluster run (so Cancel goes to Slurm). */
  isClusterRun(runId: string): boolean {
    const store = this.options.stores.findRun(runId)?.store;
    return store !== undefined && isClusterRun({ tags: store.getTags(runId) });
  }

  /**
   * Submits a config with a named profile: a single run, or, when the config
   * has a sweep, its sweep as one array job. Refuses in an untrusted workspace, like local training: the
   * config and the profile's `setup` lines run as code.
   */
  async submit(configUri: vscode.Uri, profileOrName: string | SlurmProfile): Promise<SubmitModule.SubmitResult | undefined> {
    const folder = trustedFolderFor(configUri, this.options.isTrusted(), 'RunLens does not submit jobs in an untrusted workspace: a training config and a compute profile run code. Trust this workspace to train.');
    if (!folder) return undefined;
    const profile = typeof profileOrName === 'string' ? this.options.profiles.resolve(configUri, profileOrName) : profileOrName;
    const profileName = profile.name;
    if (profile.backend !== 'slurm') throw new Error(`the compute profile "${profileName}" is local: use "Train this"`);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === configUri.toString());
    if (doc?.isDirty) await doc.save();
    const store = this.options.stores.open(folder, true);
    const folderStore = this.options.stores.forUri(configUri);
    if (!store || !folderStore) throw new Error(`could not open the store: ${folderStore?.error ?? 'unknown error'}`);
    const label = vscode.workspace.asRelativePath(configUri, false);
    this.options.logger.info(`submit ${label} on ${profileName}`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `RunLens: submitting ${label} to Slurm (${profileName})` },
      () => this.submitTo(store, folderStore, configUri, profile),
    );
    this.options.logger.info(`${result.rootRunName}: Slurm job ${result.jobId}${profile.partition ? ` on ${profile.partition}` : ''} (${result.taskRunIds.length} task${result.taskRunIds.length === 1 ? '' : 's'})`);
    this.watch(folderStore)?.poller.kick();
    void vscode.window.showInformationMessage(
      `RunLens: ${result.rootRunName} submitted to Slurm as job ${result.jobId}${profile.partition ? ` (partition ${profile.partition})` : ''}.`,
      'Show Run', 'Show Logs',
    ).then((c) => {
      if (c === 'Show Run') this.options.showRun(result.rootRunId);
      if (c === 'Show Logs') this.options.logger.show();
    });
    return result;
  }

  private submitTo(store: RunStore, folderStore: FolderStore, configUri: vscode.Uri, profile: SlurmProfile): Promise<SubmitModule.SubmitResult> {
    const node = this.options.nodePath().trim();
    const cli = join(this.options.extensionPath, 'dist', 'cli.js');
    return load.submit().submitToSlurm({
      store,
      storeDir: folderStore.dir,
      configPath: configUri.fsPath,
      profile,
      tags: { 'runlens.source': 'vscode' },
      ...(node ? { runlens: [node, cli] } : {}),
    });
  }

  /**
   * Submits the config when its own `compute:` names a cluster profile (what `runlens train CONFIG` does), so
   * "Train this" and "Sweep this" train where the config says; false when it trains here.
   */
  async submitIfClusterConfig(configUri: vscode.Uri): Promise<boolean> {
    const profile = this.options.profiles.ofConfig(configUri);
    if (!profile) return false;
    await this.submit(configUri, profile);
    return true;
  }

  /** Cancels a cluster run (scancel of its job or array task; a sweep parent: the whole array). */
  async cancel(runId: string): Promise<void> {
    const f = this.options.stores.findRun(runId);
    if (!f?.store || f.store.readonly) throw new Error(`run ${runId.slice(0, 8)} is not in a store this window can change`);
        const { target } = await load.cancel().cancelClusterRun(f.store, runId, f.dir);
    this.options.logger.info(`scancel ${target}`);
    this.watch(f)?.poller.kick();
  }

  /** The live cluster runs of every open store, newest first. */
  liveRuns(): RunRow[] {
    return this.options.stores.folders.flatMap((f) => (f.store ? f.store.listRuns({ filter: LIVE_CLUSTER_FILTER }) : []));
  }

  /** A quick pick of the live cluster runs (the status bar item's click); the picked one opens. */
  async pickJob(): Promise<void> {
    const now = Date.now();
    const runs = this.liveRuns();
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('RunLens: no cluster run is queued or running.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: `$(server) ${r.name}`, description: clusterRunDescription(r, now), detail: `Slurm job ${clusterJobLabel(r) ?? '?'} · ${r.experiment}`, runId: r.id })),
      { title: 'RunLens: cluster jobs', placeHolder: 'Open a run' },
    );
    if (picked) this.options.showRun(picked.runId);
  }

  private watchStores(): void {
    const keys = new Set<string>();
    for (const f of this.options.stores.folders) {
      keys.add(f.folder.uri.toString());
      this.watch(f);
    }
    for (const [key, w] of this.watched) {
      if (!keys.has(key)) this.unwatch(key, w);
    }
    this.recount();
  }

  /**
   * The poller of a folder's store, made when the store is first seen open and
   * writable; its first sync is the start-up catch-up (jobs that ended while
   * the editor was closed). A read-only store (untrusted, damaged) is not synced.
   */
  private watch(f: FolderStore): Watched | undefined {
    const key = f.folder.uri.toString();
    const existing = this.watched.get(key);
    if (existing && existing.store === f.store) return existing;
    if (existing) this.unwatch(key, existing);
    if (!f.store || f.store.readonly) return undefined;
    const store = f.store;
    const poller = new ClusterJobsPoller({
      timers: this.options.timers ?? realTimers,
      intervalMs: this.options.pollMs ?? 3_000,
      onError: (e) => this.options.logger.warn(`Slurm sync of ${f.folder.name}: ${e.message}`),
      sync: () => this.syncStore(f, w),
    });
    const logs = new JobOutputStreams({ output: (name, text) => this.options.logger.output(name, text) });
    const w: Watched = { store, poller, logs };
    this.watched.set(key, w);
    poller.kick();
    return w;
  }

  private unwatch(key: string, w: Watched): void {
    w.poller.dispose();
    w.logs.dispose();
    this.watched.delete(key);
    this.counts.delete(key);
  }

  /**
   * One sync of one store (syncJobs calls Slurm only when a cluster run is
   * still followed), then each followed job's new output to the Output
   * channel; resolves to how many runs sync still follows.
   */
  private async syncStore(f: FolderStore, w: Watched): Promise<number> {
    const { store } = w;
    // no cluster run at all (most workspaces): nothing to ask Slurm, nothing to load
    if (store.findRunIdsByTag(COMPUTE_TAG, SLURM_COMPUTE).length === 0) return 0;
    let result: SyncModule.SyncResult | undefined;
    try {
      result = await load.sync().syncJobs(store, { storeDir: f.dir });
    } finally {
      // a job sync no longer follows gets its last read now, so its last lines show as it ends
      const followed = load.runs().followedClusterRuns(store, f.dir).filter((c) => !c.isSweepParent && c.run.status !== 'queued');
      w.logs.update(followed.map((c) => ({ runId: c.run.id, name: c.run.name, file: join(c.taskDir, 'output.log') })));
      this.recount();
    }
    for (const c of result.changes) this.options.logger.info(`${c.name}: ${c.from} → ${c.to}${c.error ? ` (${c.error})` : ''}`);
    for (const p of result.longPending) {
      if (this.toldPending.has(p.runId)) continue;
      this.toldPending.add(p.runId);
      const text = `RunLens: ${p.name} (Slurm job ${p.jobKey}) is still queued after ${formatElapsed(p.pendingMs)}: ${p.reason}.`;
      this.options.logger.warn(text);
      void vscode.window.showWarningMessage(text, 'Show Run', 'Cancel Job').then((c) => {
        if (c === 'Show Run') this.options.showRun(p.runId);
        if (c === 'Cancel Job') void this.cancel(p.runId).catch((e) => this.options.logger.error(`cancel ${p.name}`, e));
      });
    }
    return result.followed;
  }

  private onStoreChange(e: FolderStoreChange): void {
    const key = e.folder.uri.toString();
    if (!this.watched.has(key) || this.watched.get(key)?.store !== e.store) this.watch(e);
    const c = e.change;
    if (c && c.runsCreated.length === 0 && c.runStatusChanged.length === 0 && !c.runsEdited) return;
    this.recount();
    // a job submitted elsewhere (the CLI in a terminal): start polling if this store's poller is idle
    const w = this.watched.get(key);
    if (w && w.poller.liveRuns === 0 && (this.counts.get(key)?.queued ?? 0) + (this.counts.get(key)?.running ?? 0) > 0) w.poller.kick();
  }

  private recount(): void {
    let queued = 0;
    let running = 0;
    for (const f of this.options.stores.folders) {
      if (!f.store) continue;
      const c = countJobs(f.store.listRuns({ filter: LIVE_CLUSTER_FILTER }));
      this.counts.set(f.folder.uri.toString(), c);
      queued += c.queued;
      running += c.running;
    }
    this.statusBar.update({ queued, running });
  }

  dispose(): void {
    for (const [key, w] of this.watched) this.unwatch(key, w);
    for (const d of this.disposables) d.dispose();
  }
}
