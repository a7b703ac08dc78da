/** The store side of a sweep: its parent and trial runs, their ends, and its summary artifacts. */
import { applyOverrides } from '../core/config/overrides';
import type { TrainConfig } from '../core/config/trainConfig';
import type { FilterExpr } from '../core/query/ast';
import type { TrialPlan } from '../core/sweep/sweepPlan';
import type { FlatParam } from '../core/sweep/sweepParams';
import { trialOverrides } from '../core/sweep/sweepParams';
import type { SweepSummary } from '../core/sweep/sweepSummary';
import { summaryCsv } from '../core/sweep/sweepSummary';
import { plural } from '../core/util/plural';
import { RUNLENS_VERSION } from '../core/version';
import type { RunStore } from '../store/runStore';
import type { RunRecord, RunStatus } from '../store/types';
import type { GitInfo } from './gitInfo';
import type { SweepTrialInfo } from './sweepEvents';

export const KIND_TAG = 'runlens.kind';
export const BEST_RUN_TAG = 'runlens.sweep.best_run';
export const STOPPED_TAG = 'runlens.sweep.stopped';

/** Why a sweep stopped for `max_failures`, in the words a local and a cluster sweep both use. */
export function maxFailuresMessage(failures: number, limit: number | string): string {
  return `${plural(failures, 'trial')} failed (max_failures: ${limit})`;
}

export interface CreateSweepRunsInput {
  readonly store: RunStore;
  readonly experiment: string;
  readonly configPath: string;
  readonly config: TrainConfig;
  readonly plan: readonly TrialPlan[];
  readonly git?: GitInfo;
  readonly name?: string;
  /** Tags for the parent and every trial, on top of the config's. */
  readonly tags: Readonly<Record<string, string>>;
  /** The pid recorded on the parent run (a process that cancels the sweep on SIGTERM), if any. */
  readonly pid?: number;
  readonly params: Readonly<Record<string, FlatParam>>;
}

/**
 * A trial's config snapshot: the sweep's config with the trial's values set,
 * without the `sweep` section (a trial is one training; re-running its
 * snapshot must not start another sweep).
 */
export function trialConfig(config: TrainConfig, params: Readonly<Record<string, unknown>>): TrainConfig {
  let out: TrainConfig = config;
  try {
    out = applyOverrides(config, trialOverrides(params));
  } catch {
    // The worker reports a bad value when it applies the same overrides.
  }
  const copy: Record<string, unknown> = { ...out };
  delete copy.sweep;
  return copy as TrainConfig;
}

/**
 * Creates the sweep's parent run (`running`, tag `runlens.kind=sweep`, the
 * sweep definition as params) and every trial as a `queued` child (tag
 * `runlens.kind=trial`, name `<sweep>-trial-<n>`, its own config snapshot),
 * in one transaction: a sweep shows up whole or not at all.
 */
export function createSweepRuns(input: CreateSweepRunsInput): { parent: RunRecord; trials: SweepTrialInfo[] } {
  const { store, config } = input;
  const common = { ...(config.tags ?? {}), ...input.tags };
  return store.transaction(() => {
    const parent = store.createRun({
      experiment: input.experiment,
      name: input.name ?? config.name,
      configPath: input.configPath,
      config,
      gitCommit: input.git?.commit,
      gitDirty: input.git?.dirty,
      pid: input.pid ?? null,
      status: 'running',
      runlensVersion: RUNLENS_VERSION,
      tags: { ...common, [KIND_TAG]: 'sweep' },
    });
    store.logParams(parent.id, { ...input.params, ...(config.model ? { model: config.model.type } : {}) });
    const trials = input.plan.map((t): SweepTrialInfo => {
      const run = store.createRun({
        experiment: parent.experimentId,
        name: `${parent.name}-trial-${t.index}`,
        parentId: parent.id,
        configPath: input.configPath,
        config: trialConfig(config, t.params),
        gitCommit: input.git?.commit,
        gitDirty: input.git?.dirty,
        status: 'queued',
        runlensVersion: RUNLENS_VERSION,
        tags: { ...common, [KIND_TAG]: 'trial', 'runlens.sweep.trial': String(t.index) },
      });
      return { id: run.id, name: run.name, index: t.index, params: t.params };
    });
    return { parent, trials };
  });
}

/**
 * Makes sure a trial's run ended in the store as its process did: a worker
 * killed before it could record its end (SIGKILL, a crash during start-up)
 * leaves it `queued` or `running`. Returns the status and error stored.
 */
export function settleTrial(store: RunStore, id: string, status: 'finished' | 'failed' | 'killed', error?: string): { status: RunStatus; error: string | null } {
  const run = store.findRun(id);
  if (!run) return { status, error: error ?? null };
  if (run.status === 'queued' || run.status === 'running') {
    const final = status === 'finished' ? 'failed' : status;
    const message = status === 'finished' ? 'the trainer ended without recording the run' : (error ?? null);
    store.setStatus(id, final, { error: message });
    return { status: final, error: message };
  }
  return { status: run.status, error: run.error };
}

/** Ends trials that never started (the sweep stopped first) as `killed`, with the reason. */
export function skipQueued(store: RunStore, ids: readonly string[], reason: string): void {
  if (ids.length === 0) return;
  store.transaction(() => {
    for (const id of ids) {
      const run = store.findRun(id);
      if (run?.status === 'queued') store.setStatus(id, 'killed', { error: reason });
    }
  });
}

/** A run's latest value of every metric (as stored, so `cv_*` from the folds count too). */
export function latestMetrics(store: RunStore, id: string): Record<string, number> {
  return Object.fromEntries(store.getMetricSummaries(id).map((m) => [m.key, m.latest]));
}

/** Whether a run matches a filter (`stop_when`), evaluated by the store like any run filter. */
export function runMatches(store: RunStore, id: string, filter: FilterExpr): boolean {
  const idIs: FilterExpr = { kind: 'compare', field: { entity: 'attributes', key: 'id', start: 0, end: 0 }, op: '=', value: id, start: 0, end: 0 };
  return store.listRuns({ filter: { kind: 'and', left: filter, right: idIs }, limit: 1 }).length === 1;
}

/** Saves `sweep_summary.json` and `sweep_summary.csv` on the parent. */
export function saveSummary(store: RunStore, parentId: string, summary: SweepSummary): void {
  store.logArtifact(parentId, 'sweep_summary.json', JSON.stringify(summary, null, 2), 'sweep_summary');
  store.logArtifact(parentId, 'sweep_summary.csv', summaryCsv(summary), 'sweep_summary');
}
