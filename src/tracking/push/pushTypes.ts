/**
 * What pushing runs to an MLflow server reads from the local store and
 * remembers there. The local store is the spool: a point is shipped once,
 * and what did not arrive is sent on the next push.
 */
import type { RemoteRunLink, ShippedSeries } from '../../store/syncRepo';
import type { ArtifactRecord, DatasetRecord, MetricSummary, RunInput, RunRecord } from '../../store/types';


/** Points of one series from a position in logging order (`seq`). */
export interface SeriesPoints {
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** The local store as push reads it (RunStore has all of these). */
export interface PushSource {
  /** The store folder: a push holds its per-run lease there (pushLease.ts). */
  readonly dir: string;
  getRun(ref: string): RunRecord;
  findRun(ref: string): RunRecord | undefined;
  getParams(runId: string): Record<string, string>;
  getTags(runId: string): Record<string, string>;
  getMetricSummaries(runId: string): MetricSummary[];
  /** At most `limit` points of the series from `fromSeq` on, in logging order. */
  metricPointsFrom(runId: string, key: string, fromSeq: number, limit: number): SeriesPoints;
  listArtifacts(runId: string): ArtifactRecord[];
  artifactPath(sha256: string): string;
  /** The run inputs and dataset versions (RunStore's `datasets`). */
  readonly datasets: {
    listInputs(runId: string): RunInput[];
    getDataset(fingerprint: string): DatasetRecord | undefined;
  };
}

/**
 * The sync ledger in the store: which remote run holds a local run, and how
 * much of each series and which artifacts it already has. A batch is marked
 * pending before it is sent and shipped after the server confirms it, so a
 * push cut off in between re-checks that series with the server instead of
 * sending it twice.
 */
export interface SyncLedger {
  remoteRun(runId: string, server: string): RemoteRunLink | undefined;
  linkRun(link: RemoteRunLink): void;
  updateLink(runId: string, server: string, change: { statusSent?: string; inputsSent?: number }): void;
  shippedSeries(runId: string, server: string): Map<string, ShippedSeries>;
  markPending(runId: string, server: string, pending: ReadonlyMap<string, number>): void;
  markShipped(runId: string, server: string, shipped: ReadonlyMap<string, number>): void;
  /** Path → sha256 of the artifacts the server has. */
  sentArtifacts(runId: string, server: string): Map<string, string>;
  markArtifactSent(runId: string, server: string, path: string, sha256: string): void;
}

/** What one push did, for the progress line and the summary. */
export interface PushSummary {
  runsCreated: number;
  runsUpdated: number;
  runsUnchanged: number;
  params: number;
  tags: number;
  points: number;
  artifacts: number;
  bytes: number;
  requests: number;
  /** Runs that could not be pushed, with the reason (the others still were). */
  readonly failures: { readonly runId: string; readonly message: string; /** The server was away or overloaded: a later push gets past it. */ readonly transient: boolean }[];
}

export function emptySummary(): PushSummary {
  return { runsCreated: 0, runsUpdated: 0, runsUnchanged: 0, params: 0, tags: 0, points: 0, artifacts: 0, bytes: 0, requests: 0, failures: [] };
}
