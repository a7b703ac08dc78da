/**
 * What `runlens pull` takes and reports. A pull brings a tracking server's
 * runs into the workspace store under their server ids, and afterwards only
 * what is new; the sync ledger (store.sync) links each copy to its remote
 * run as a push would, so a later push of it has nothing to send.
 */
import type { MlflowClient } from '../../mlflow/client/mlflowClient';
import type { RunStore } from '../../store/runStore';

export interface PullOptions {
  readonly store: RunStore;
  readonly client: MlflowClient;
  /** Only runs of this experiment (by name). */
  readonly experiment?: string;
  /** RunLens's filter language, as `runlens runs --filter` (run on the server by remoteFilter.ts). */
  readonly filter?: string;
  /**
   * Check every run's histories and artifacts, even those whose search
   * record (status, params, tags, latest metric values) says nothing changed:
   * finds an artifact logged to a run after it ended.
   */
  readonly recheck?: boolean;
  readonly signal?: AbortSignal;
  /** After each run: how far along the pull is and what it brought. */
  readonly onRun?: (p: RunProgress) => void;
  /** Clock for the ledger's pulled_at; default Date.now. */
  readonly now?: () => number;
}

export type RunOutcome = 'new' | 'updated' | 'unchanged' | 'failed';

export interface RunProgress {
  readonly done: number;
  readonly total: number;
  readonly remoteRunId: string;
  readonly experiment: string;
  readonly name: string;
  readonly outcome: RunOutcome;
  readonly points: number;
  readonly artifacts: number;
  /** The one-line reason, when it failed. */
  readonly error?: string;
}

/** What one pull did, for the progress lines and the summary. */
export interface PullSummary {
  runsNew: number;
  runsUpdated: number;
  runsUnchanged: number;
  params: number;
  tags: number;
  points: number;
  artifacts: number;
  bytes: number;
  inputs: number;
  /** REST requests made (searches included). */
  requests: number;
  /** Runs that could not be pulled, with the reason (the others still were). */
  readonly failures: { readonly remoteRunId: string; readonly message: string }[];
  /** Things left as they were, one line each (a parent that was not pulled, …). */
  readonly warnings: string[];
}

export function emptyPullSummary(): PullSummary {
  return { runsNew: 0, runsUpdated: 0, runsUnchanged: 0, params: 0, tags: 0, points: 0, artifacts: 0, bytes: 0, inputs: 0, requests: 0, failures: [], warnings: [] };
}
