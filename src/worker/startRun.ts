import { dirname } from 'node:path';
import type { TrainConfig } from '../core/config/trainConfig';
import { RUNLENS_VERSION } from '../core/version';
import type { RunStore } from '../store/runStore';
import type { RunRecord } from '../store/types';
import { readGitInfo } from './gitInfo';
import { experimentName } from './loadTrainConfig';
import type { TrainRequest, WorkerMessage } from './protocol';
import { adoptQueuedRun } from './queuedRuns';

/**
 * The run a `TrainRequest` trains into, for built-in models (`trainRun`) and
 * commands (`trainCommand`) alike, reported as `started`: a sweep's queued
 * trial is adopted; otherwise a new `running` run is created with the config
 * snapshot, git commit, this process's pid and the config's and request's
 * tags. `undefined`, reported as `finished` (killed) or `failed`, when the
 * queued trial is no longer queued: its sweep was cancelled or stopped
 * before the trial started.
 */
export async function startRun(store: RunStore, request: TrainRequest, config: TrainConfig, emit: (message: WorkerMessage) => void): Promise<RunRecord | undefined> {
  const run = request.runId ? adoptQueuedRun(store, request.runId, config, request.tags) : await createRun(store, request, config);
  if (run.status !== 'running') {
    if (run.status === 'killed') emit({ type: 'finished', runId: run.id, status: 'killed', metrics: {} });
    else emit({ type: 'failed', runId: run.id, error: { kind: 'internal', message: `run ${run.id} is ${run.status}, not queued; not training it` } });
    return undefined;
  }
  emit({ type: 'started', runId: run.id, runName: run.name, experiment: run.experiment });
  return run;
}

async function createRun(store: RunStore, request: TrainRequest, config: TrainConfig): Promise<RunRecord> {
  const git = await readGitInfo(dirname(request.configPath));
  return store.createRun({
    experiment: experimentName(config, request.configPath),
    name: request.runName ?? config.name,
    parentId: request.parentId,
    configPath: request.configPath,
    config,
    gitCommit: git?.commit,
    gitDirty: git?.dirty,
    // The training process: while it lives the run is live; if it dies, the next store open marks the run failed.
    pid: process.pid,
    status: 'running',
    runlensVersion: RUNLENS_VERSION,
    tags: { ...(config.tags ?? {}), ...(request.tags ?? {}) },
  });
}
