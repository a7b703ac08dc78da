/**
 * A cluster sweep's parent: running once a trial runs, and ended once every
 * trial ended and Slurm confirmed it, with the best trial chosen and the
 * summary saved exactly as a local sweep does (sweepSummary + saveSummary).
 * A sweep stopped early (sweepEarlyStop.ts) ends as a local one: failed after
 * `max_failures`, finished after `stop_when`.
 */
import { existsSync } from 'node:fs';
import { defaultGoal, defaultSweepMetric, type SweepGoal } from '../../core/sweep/sweepMetric';
import { sweepSummary, type SweepTrialRow } from '../../core/sweep/sweepSummary';
import type { RunStore } from '../../store/runStore';
import { BEST_RUN_TAG, KIND_TAG, latestMetrics, maxFailuresMessage, saveSummary, STOPPED_TAG } from '../../worker/sweepRuns';
import { stopRules } from './sweepEarlyStop';
import { isTerminal } from './clusterRuns';
import { CANCELLED_TAG, FINAL_TAG } from './clusterTags';
import { jobPaths, readManifest } from './jobManifest';
import type { StatusChange } from './syncJobs';

export function finishSweepParent(store: RunStore, storeDir: string, parentId: string): StatusChange | undefined {
  return store.transaction(() => {
    const parent = store.getRun(parentId);
    const parentTags = store.getTags(parentId);
    if (parentTags[FINAL_TAG] === '1') return undefined;
    const trials = store.listRuns({ parentId, limit: 1_000_000 }).filter((r) => r.tags[KIND_TAG] === 'trial');
    if (trials.some((t) => !isTerminal(t.status) || t.tags[FINAL_TAG] !== '1')) {
      if (parent.status === 'queued' && trials.some((t) => t.status !== 'queued')) {
        store.setStatus(parentId, 'running');
        return { runId: parentId, name: parent.name, from: 'queued', to: 'running', error: null };
      }
      return undefined;
    }
    const params = store.getParams(parentId);
    const manifestFile = jobPaths(storeDir, parentId, true).manifest;
    const swept = new Map((existsSync(manifestFile) ? readManifest(manifestFile).tasks : []).map((t) => [t.runId, t.params ?? {}]));
    const finished = trials.filter((t) => t.status === 'finished');
    let metric = params['sweep.metric'];
    if (metric === undefined) {
      // As a local sweep: without a metric fixed by the config, the first finished trial's task decides.
      const first = finished.sort((a, b) => trialIndex(a.tags) - trialIndex(b.tags))[0];
      metric = defaultSweepMetric(first && store.getParams(first.id).task === 'regression' ? 'regression' : 'classification', crossValidated(parent.configJson));
    }
    const goal = (params['sweep.goal'] as SweepGoal | undefined) ?? defaultGoal(metric);
    const rows: SweepTrialRow[] = trials.map((t) => {
      const value = t.status === 'finished' ? latestMetrics(store, t.id)[metric!] : undefined;
      return {
        id: t.id, name: t.name, index: trialIndex(t.tags), status: t.status, params: swept.get(t.id) ?? {}, value: value ?? null,
        ...(t.error && t.status !== 'finished' ? { error: t.error } : {}),
      };
    });
    const paramKeys = Object.keys(params).filter((k) => k.startsWith('sweep.params.')).map((k) => k.slice('sweep.params.'.length));
    const summary = sweepSummary(rows, metric, goal, paramKeys);
    saveSummary(store, parentId, summary);
    const best = summary.trials.find((t) => t.id === summary.best);
    if (best && best.value !== null) {
      store.setTags(parentId, { [BEST_RUN_TAG]: best.id });
      store.logMetrics(parentId, [{ key: `best_${metric}`, value: best.value, step: trials.length }]);
    }
    if (params['sweep.metric'] === undefined) store.logParams(parentId, { 'sweep.metric': metric, 'sweep.goal': goal });
    const cancelled = parentTags[CANCELLED_TAG] === '1';
    const tooManyFailures = parentTags[STOPPED_TAG] === 'max_failures';
    const status = cancelled ? 'killed' : finished.length > 0 && !tooManyFailures ? 'finished' : 'failed';
    const failures = trials.filter((t) => t.status === 'failed').length;
    const error = status === 'killed'
      ? 'cancelled'
      : status === 'failed'
        ? tooManyFailures ? maxFailuresMessage(failures, stopRules(parent.configJson).maxFailures ?? '?') : 'no trial finished'
        : null;
    store.setStatus(parentId, status, { error });
    store.setTags(parentId, { [FINAL_TAG]: '1' });
    return { runId: parentId, name: parent.name, from: parent.status, to: status, error };
  });
}

function crossValidated(configJson: string | null): boolean {
  try {
    return (JSON.parse(configJson ?? '{}') as { evaluate?: { cv?: unknown } }).evaluate?.cv !== undefined;
  } catch {
    return false;
  }
}

/** The trial's 1-based number, as the local sweep numbers them. */
function trialIndex(tags: Readonly<Record<string, string>>): number {
  return Number(tags['runlens.sweep.trial'] ?? 0);
}
