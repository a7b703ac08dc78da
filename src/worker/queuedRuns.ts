import type { TrainConfig } from '../core/config/trainConfig';
import type { RunStore } from '../store/runStore';
import type { RunRecord } from '../store/types';
import type { TrainRequest } from './protocol';

/**
 * Moves a sweep's queued trial to `running` and returns it; a run that is no
 * longer queued is returned as it is, untouched. The snapshot, name, parent
 * and tags were recorded when the sweep queued it; the config's own tags and
 * the request's are (re)applied as a fresh run would get them.
 */
export function adoptQueuedRun(store: RunStore, runId: string, config: TrainConfig, tags: TrainRequest['tags']): RunRecord {
  const run = store.getRun(runId);
  if (run.status !== 'queued') return run;
  // This worker's pid: cancelling the trial alone (the editor's Cancel on it) can then reach its process,
  // and stale-run recovery sees at once when that process is gone.
  store.setStatus(run.id, 'running', { pid: process.pid });
  const all = { ...(config.tags ?? {}), ...(tags ?? {}) };
  if (Object.keys(all).length > 0) store.setTags(run.id, all);
  return store.getRun(run.id);
}

/** A queued trial whose config cannot be loaded (e.g. a bad override) ends `failed` with the reason. */
export function failQueuedRun(store: RunStore, runId: string, message: string): void {
  const run = store.findRun(runId);
  if (run && (run.status === 'queued' || run.status === 'running')) store.setStatus(run.id, 'failed', { error: message });
}
