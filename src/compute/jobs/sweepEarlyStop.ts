/**
 * `max_failures` and `stop_when` for a sweep on the cluster, applied at each
 * sync as a local sweep applies them when a trial ends: once more trials
 * failed than `max_failures`, or once a finished trial matches `stop_when`,
 * the trials Slurm has not started yet are cancelled (scancel of their array
 * tasks) and end `killed` with "not run: the sweep stopped (…)"; trials
 * already running go on to their end, as locally. The parent is tagged
 * `runlens.sweep.stopped` with the reason, and sweepParentEnd.ts ends it as
 * a local sweep ends (failed after max_failures, finished after stop_when).
 */
import { parseFilter } from '../../core/query/parseFilter';
import type { FilterExpr } from '../../core/query/ast';
import type { RunStore } from '../../store/runStore';
import type { RunRow } from '../../store/types';
import { KIND_TAG, maxFailuresMessage, skipQueued, STOPPED_TAG } from '../../worker/sweepRuns';
import type { SlurmRunOptions } from '../slurm/slurmCommands';
import { scancel } from '../slurm/slurmCommands';
import { clusterRunOf, isTerminal } from './clusterRuns';
import { CANCELLED_TAG, FINAL_TAG } from './clusterTags';

/** Why a cluster sweep stopped early, as a local sweep says it. */
export interface SweepStop {
  readonly reason: 'max_failures' | 'stop_when';
  readonly message: string;
  /** The trials that had not started, now `killed`. */
  readonly skipped: readonly { readonly id: string; readonly name: string }[];
}

export interface StopRules {
  readonly maxFailures?: number;
  readonly stopWhen?: { readonly text: string; readonly filter: FilterExpr };
}

/** Checks one cluster sweep parent and stops it when a rule says so; undefined when it goes on (or already stopped). */
export async function applySweepStops(store: RunStore, storeDir: string, parentId: string, slurm: SlurmRunOptions = {}): Promise<SweepStop | undefined> {
  const parent = store.getRun(parentId);
  const tags = store.getTags(parentId);
  if (isTerminal(parent.status) || tags[FINAL_TAG] === '1' || tags[CANCELLED_TAG] === '1' || tags[STOPPED_TAG] !== undefined) return undefined;
  const rules = stopRules(parent.configJson);
  if (rules.maxFailures === undefined && rules.stopWhen === undefined) return undefined;
  const trials = store.listRuns({ parentId, limit: 1_000_000 }).filter((r) => r.tags[KIND_TAG] === 'trial').sort(byTrial);
  const stop = firstStop(store, parentId, trials, rules);
  if (!stop) return undefined;
  const pending = trials.filter((t) => t.status === 'queued');
  const skipped = `not run: the sweep stopped (${stop.reason})`;
  // The mark first: a second syncer (the editor and `runlens jobs sync`) sees it and does not stop the sweep again.
  const won = store.transaction(() => {
    if (store.getTags(parentId)[STOPPED_TAG] !== undefined) return false;
    store.setTags(parentId, { [STOPPED_TAG]: stop.reason });
    skipQueued(store, pending.map((t) => t.id), skipped);
    return true;
  });
  if (!won) return undefined;
  const keys = pending.map((t) => clusterRunOf(store, storeDir, t).slurmKey).filter((k): k is string => k !== undefined && /^\d+_\d+$/.test(k));
  // A task that started meanwhile is cancelled too (and ends killed when Slurm says so): it was not to run.
  if (keys.length > 0) await scancel(keys, slurm);
  return { ...stop, skipped: pending.map((t) => ({ id: t.id, name: t.name })) };
}

function firstStop(store: RunStore, parentId: string, trials: readonly RunRow[], rules: StopRules): Omit<SweepStop, 'skipped'> | undefined {
  const failures = trials.filter((t) => t.status === 'failed').length;
  if (rules.maxFailures !== undefined && failures > rules.maxFailures) {
    return { reason: 'max_failures', message: maxFailuresMessage(failures, rules.maxFailures) };
  }
  if (rules.stopWhen) {
    // One query for every finished trial, however many there are: this runs at each sync.
    const finished: FilterExpr = { kind: 'compare', field: { entity: 'attributes', key: 'status', start: 0, end: 0 }, op: '=', value: 'finished', start: 0, end: 0 };
    const hits = new Set(store.listRuns({ parentId, filter: { kind: 'and', left: rules.stopWhen.filter, right: finished } }).map((r) => r.id));
    const hit = trials.find((t) => hits.has(t.id));
    if (hit) return { reason: 'stop_when', message: `${hit.name} matches stop_when (${rules.stopWhen.text})` };
  }
  return undefined;
}

/** The sweep's rules from the parent's config snapshot (checked when the config was submitted). */
export function stopRules(configJson: string | null): StopRules {
  let sweep: { max_failures?: unknown; stop_when?: unknown } | undefined;
  try {
    sweep = (JSON.parse(configJson ?? '{}') as { sweep?: typeof sweep }).sweep;
  } catch {
    return {};
  }
  const text = typeof sweep?.stop_when === 'string' && sweep.stop_when.trim() !== '' ? sweep.stop_when : undefined;
  return {
    ...(typeof sweep?.max_failures === 'number' ? { maxFailures: sweep.max_failures } : {}),
    ...(text !== undefined ? { stopWhen: { text, filter: parseFilter(text) } } : {}),
  };
}

function byTrial(a: RunRow, b: RunRow): number {
  return Number(a.tags['runlens.sweep.trial'] ?? 0) - Number(b.tags['runlens.sweep.trial'] ?? 0);
}
