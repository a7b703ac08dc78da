/**
 * Whether a run can be registered as a model version, and why not. No vscode
 * import: tested under plain Node on a real store.
 */
import { MODEL_ARTIFACT_PATH } from '../../store/modelRepo';
import type { RunStore } from '../../store/runStore';

/** A one-line reason the run cannot be registered, or undefined when it can. */
export function registrationProblem(store: RunStore, runId: string): string | undefined {
  const run = store.findRun(runId);
  if (!run) return `run ${runId.slice(0, 8)} no longer exists`;
  if (store.listArtifacts(run.id).some((a) => a.path === MODEL_ARTIFACT_PATH)) return undefined;
  const why = run.status === 'finished' ? '' : ` (this run is ${run.status})`;
  const children = store.countRuns({ parentId: run.id });
  const hint = children > 0 ? `; it has ${children} child runs (a sweep or cross-validation): register one of those` : '';
  return `run ${run.name} has no model package (${MODEL_ARTIFACT_PATH}), so it cannot be registered: only a finished training run saves one${why}${hint}`;
}
