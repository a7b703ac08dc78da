/**
 * The values the Runs view reads from a {@link RemoteServerModel}: a read
 * that is loading, ready or failed, a scope of runs and its loaded pages,
 * and what to show again. No vscode import.
 */
import type { SourceExperiment, SourceRunRow } from '../../tracking/runSource';

export type Loadable<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly value: T }
  | { readonly state: 'error'; readonly message: string };

/** Top-level runs of an experiment, or the runs nested under a parent run. */
export interface RunScope {
  readonly experiment: string;
  /** null: top-level runs (the view's filter applies); a run id: its children (unfiltered, as locally). */
  readonly parentId: string | null;
}

export interface RunListing {
  readonly rows: readonly SourceRunRow[];
  /** Present when the server has more: "Load more…". */
  readonly nextPageToken?: string;
  /** A "load more" is on its way. */
  readonly loadingMore: boolean;
  /** The last "load more" failed (the rows before it stay). */
  readonly moreError?: string;
}

/** What to show again. */
export type ModelChange =
  | { readonly kind: 'server' }
  | { readonly kind: 'experiments' }
  | { readonly kind: 'runs'; readonly scope: RunScope }
  | { readonly kind: 'details'; readonly runId: string };

/** The outcome of one read: its value, or why not (offline: the server does not answer). */
export type ReadResult<T> = { ok: true; value: T } | { ok: false; offline: boolean; message: string };

/** Experiments with the most recent activity first, as the local view lists them. */
export function newestFirst(list: readonly SourceExperiment[]): SourceExperiment[] {
  return [...list].sort((a, b) => (b.lastRunAt ?? b.createdAt ?? 0) - (a.lastRunAt ?? a.createdAt ?? 0) || a.name.localeCompare(b.name));
}

export function scopeKey(scope: RunScope): string {
  return JSON.stringify([scope.experiment, scope.parentId]);
}
