/**
 * `runlens pull`'s engine: the server's runs that match (remoteSelection.ts)
 * into the store, parents first, each by a {@link RunPuller}. A run that
 * fails is reported and the others still come; a server that stops
 * answering ends the pull, saying how many runs were not tried.
 */
import { MlflowRestError } from '../../mlflow/client/mlflowHttp';
import type { PullOptions, PullSummary } from './pullTypes';
import { emptyPullSummary } from './pullTypes';
import { selectRemoteRuns } from './remoteSelection';
import { RunPuller } from './runPuller';

/** Pulls what `opts` selects; resolves with what it did (failures included), rejects only when the selection itself fails. */
export async function pullRuns(opts: PullOptions): Promise<PullSummary> {
  const summary = emptyPullSummary();
  const now = opts.now ?? Date.now;
  const selection = await selectRemoteRuns(opts.client, { experiment: opts.experiment, filter: opts.filter, signal: opts.signal, count: () => summary.requests++ });
  for (const parent of selection.missingParents) summary.warnings.push(`parent run ${parent} is not on ${opts.client.server} (deleted?); its children stay at the top level`);
  const { runs } = selection;
  for (let i = 0; i < runs.length; i++) {
    opts.signal?.throwIfAborted();
    const target = runs[i]!;
    const base = { done: i + 1, total: runs.length, remoteRunId: target.run.info.runId, experiment: target.experiment, name: target.run.info.runName };
    try {
      const r = await new RunPuller(target, opts, summary, now).pull();
      if (r.outcome === 'new') summary.runsNew++;
      else if (r.outcome === 'updated') summary.runsUpdated++;
      else summary.runsUnchanged++;
      opts.onRun?.({ ...base, outcome: r.outcome, points: r.points, artifacts: r.artifacts });
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      const message = (e as Error).message.split('\n')[0]!;
      summary.failures.push({ remoteRunId: target.run.info.runId, message });
      opts.onRun?.({ ...base, outcome: 'failed', points: 0, artifacts: 0, error: message });
      // A server that is away fails every other run the same way (after its retries): stop and say so once.
      if (e instanceof MlflowRestError && e.transient) {
        const left = runs.length - i - 1;
        if (left > 0) summary.warnings.push(`${left} run${left === 1 ? '' : 's'} not tried: ${opts.client.server} stopped answering; pull again to bring them`);
        break;
      }
    }
  }
  return summary;
}
