/**
 * What the Runs view knows about one tracking server, read through its
 * {@link RunSource} in the background: the experiments, pages of runs per
 * experiment (newest first, "load more" by page token), a run's details and
 * its nested runs. Nothing waits on the server: a read that is not cached
 * yet answers `loading` and starts the request, and `onDidChange` says what
 * to show again once it answers. Every request has a time limit; a server
 * that does not answer is `offline` with the reason until a retry or the
 * poll finds it again. While it is online, the server's change token is
 * polled: at the shortest interval after a change, twice as long after
 * each poll that finds none (capped lower while a listed run is running),
 * and what changed is read again.
 *
 * No vscode import: the tree (src/extension/runs) renders it; tests drive it
 * against a real MLflow server.
 */
import type { RunDetails, RunSource, SourceExperiment, SourceRunRow } from '../../tracking/runSource';
import { isOfflineError, offlineReason, withTimeout } from './remoteCalls';
import type { Timers } from '../../core/util/timers';
import { realTimers } from '../../core/util/timers';
import { ChangePoller } from './changePoller';
import type { Loadable, ModelChange, ReadResult, RunListing, RunScope } from './remoteModelTypes';
import { newestFirst, scopeKey } from './remoteModelTypes';

export type { Loadable, ModelChange, RunListing, RunScope } from './remoteModelTypes';
export { scopeKey } from './remoteModelTypes';

export interface RemoteServerModelOptions {
  readonly source: RunSource;
  /** Longest wait for one read (the server's change token included). */
  readonly timeoutMs: number;
  readonly pageSize: () => number;
  /** The Runs view's filter and sort, read on each first page. */
  readonly query: () => { readonly filter: string; readonly sort: string };
  /** Poll interval bounds: `minMs` while a listed run is running or right after a change, doubling up to `maxMs`. */
  readonly poll?: { readonly minMs: number; readonly maxMs: number };
  readonly timers?: Timers;
  readonly log?: (line: string) => void;
}

interface ListingEntry {
  value: Loadable<RunListing>;
  scope: RunScope;
}

export class RemoteServerModel {
  private status: { readonly online: boolean | undefined; readonly reason?: string } = { online: undefined };
  private experimentsValue: Loadable<SourceExperiment[]> | undefined;
  private readonly listings = new Map<string, ListingEntry>();
  private readonly detailsValues = new Map<string, Loadable<RunDetails>>();
  private readonly rows = new Map<string, SourceRunRow>();
  private readonly listeners = new Set<(c: ModelChange) => void>();
  private readonly dataListeners = new Set<() => void>();
  private readonly controller = new AbortController();
  /** Bumped by reset/retry: answers to older requests are dropped. */
  private generation = 0;
  private readonly poller: ChangePoller;
  private disposed = false;

  constructor(private readonly options: RemoteServerModelOptions) {
    this.poller = new ChangePoller({
      minMs: options.poll?.minMs ?? 3000,
      maxMs: options.poll?.maxMs ?? 60_000,
      timers: options.timers ?? realTimers,
      readToken: () => this.call('the change token', (signal) => this.options.source.changeToken(signal)),
      online: () => this.status.online,
      generation: () => this.generation,
      anyRunning: () => this.anyRunning(),
      changed: async () => {
        await this.refreshShown();
        for (const l of this.dataListeners) l();
      },
    });
  }

  get source(): RunSource {
    return this.options.source;
  }

  /** Undefined until the first answer (or failure); false with the reason while it does not answer. */
  get online(): boolean | undefined {
    return this.status.online;
  }

  get offlineReason(): string | undefined {
    return this.status.reason;
  }

  /** Listens for what to show again; returns the unsubscribe. */
  onDidChange(listener: (change: ModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fires when the poll found the server's runs changed and they were read again (a compare panel follows). */
  onDidChangeData(listener: () => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /** The active experiments; starts reading them when not known yet. */
  experiments(): Loadable<SourceExperiment[]> {
    if (this.status.online === false) return { state: 'error', message: this.status.reason ?? 'offline' };
    if (!this.experimentsValue) {
      this.experimentsValue = { state: 'loading' };
      void this.loadExperiments();
    }
    return this.experimentsValue;
  }

  /** The loaded pages of a scope; starts reading the first page when not known yet. */
  runs(scope: RunScope): Loadable<RunListing> {
    if (this.status.online === false) return { state: 'error', message: this.status.reason ?? 'offline' };
    const key = scopeKey(scope);
    let entry = this.listings.get(key);
    if (!entry) {
      entry = { value: { state: 'loading' }, scope };
      this.listings.set(key, entry);
      void this.loadFirstPage(entry, this.options.pageSize());
    }
    return entry.value;
  }

  /** The scope's listing if it was read (or is being read); never starts a read. */
  peekRuns(scope: RunScope): Loadable<RunListing> | undefined {
    return this.listings.get(scopeKey(scope))?.value;
  }

  /** Reads the next page of a scope (the "Load more…" row). */
  loadMore(scope: RunScope): void {
    const entry = this.listings.get(scopeKey(scope));
    if (!entry || entry.value.state !== 'ready' || !entry.value.value.nextPageToken || entry.value.value.loadingMore) return;
    const before = entry.value;
    entry.value = { state: 'ready', value: { ...before.value, loadingMore: true, moreError: undefined } };
    this.fire({ kind: 'runs', scope });
    const generation = this.generation;
    void this.call(`runs of ${scope.experiment}`, (signal) =>
      this.options.source.searchRuns({ ...this.searchQuery(scope), limit: this.options.pageSize(), pageToken: before.value.nextPageToken }, signal),
    ).then((r) => {
      if (generation !== this.generation || this.listings.get(scopeKey(scope)) !== entry) return;
      if (r.ok) {
        for (const row of r.value.rows) this.rows.set(row.id, row);
        const seen = new Set(before.value.rows.map((x) => x.id));
        entry.value = { state: 'ready', value: { rows: [...before.value.rows, ...r.value.rows.filter((x) => !seen.has(x.id))], nextPageToken: r.value.nextPageToken, loadingMore: false } };
      } else {
        entry.value = { state: 'ready', value: { ...before.value, loadingMore: false, moreError: r.message } };
      }
      this.fire({ kind: 'runs', scope });
    });
  }

  /** A run's metrics, params, artifacts (and, through runs(), its nested runs); starts reading when not known. */
  details(runId: string): Loadable<RunDetails> {
    if (this.status.online === false) return { state: 'error', message: this.status.reason ?? 'offline' };
    let value = this.detailsValues.get(runId);
    if (!value) {
      value = { state: 'loading' };
      this.detailsValues.set(runId, value);
      void this.loadDetails(runId);
    }
    return value;
  }

  /** A run as last listed (or read in full). */
  row(runId: string): SourceRunRow | undefined {
    return this.rows.get(runId);
  }

  /** Forgets every run listing (the filter or the sort changed); the next reads ask again. */
  resetRuns(): void {
    this.generation++;
    this.listings.clear();
    this.fire({ kind: 'server' });
  }

  /** Forgets everything, offline included, and asks again (Retry, Refresh). */
  retry(): void {
    this.generation++;
    this.status = { online: undefined };
    this.experimentsValue = undefined;
    this.listings.clear();
    this.detailsValues.clear();
    this.poller.reset();
    this.fire({ kind: 'server' });
  }

  dispose(): void {
    this.disposed = true;
    this.poller.dispose();
    this.controller.abort(new Error('closed'));
    this.listeners.clear();
    this.dataListeners.clear();
  }

  // ── reads ──────────────────────────────────────────────────────────────

  private searchQuery(scope: RunScope) {
    const q = this.options.query();
    return scope.parentId === null
      ? { experiment: scope.experiment, parentId: null, filter: q.filter, sort: q.sort }
      : { experiment: scope.experiment, parentId: scope.parentId, sort: q.sort };
  }

  private async loadExperiments(): Promise<void> {
    const generation = this.generation;
    const r = await this.call('experiments', (signal) => this.options.source.listExperiments(signal));
    if (generation !== this.generation) return;
    if (r.ok) {
      this.experimentsValue = { state: 'ready', value: newestFirst(r.value) };
      this.fire({ kind: 'server' });
      this.poller.schedule();
    } else if (!r.offline) {
      this.experimentsValue = { state: 'error', message: r.message };
      this.fire({ kind: 'server' });
    }
  }

  private async loadFirstPage(entry: ListingEntry, limit: number, quiet = false): Promise<void> {
    const generation = this.generation;
    const r = await this.call(`runs of ${entry.scope.experiment}`, (signal) => this.options.source.searchRuns({ ...this.searchQuery(entry.scope), limit }, signal));
    if (generation !== this.generation || this.listings.get(scopeKey(entry.scope)) !== entry) return;
    if (r.ok) {
      for (const row of r.value.rows) this.rows.set(row.id, row);
      entry.value = { state: 'ready', value: { rows: r.value.rows, nextPageToken: r.value.nextPageToken, loadingMore: false } };
    } else if (!r.offline) {
      if (quiet && entry.value.state === 'ready') return;
      entry.value = { state: 'error', message: r.message };
    } else return;
    this.fire({ kind: 'runs', scope: entry.scope });
  }

  private async loadDetails(runId: string, quiet = false): Promise<void> {
    const generation = this.generation;
    const r = await this.call(`run ${runId.slice(0, 8)}`, (signal) => this.options.source.getRun(runId, signal));
    if (generation !== this.generation) return;
    if (r.ok) {
      this.rows.set(runId, r.value.run);
      this.detailsValues.set(runId, { state: 'ready', value: r.value });
    } else if (!r.offline) {
      if (quiet && this.detailsValues.get(runId)?.state === 'ready') return;
      this.detailsValues.set(runId, { state: 'error', message: r.message });
    } else return;
    this.fire({ kind: 'details', runId });
  }

  /**
   * One read with the time limit. A server that does not answer (refused,
   * reset, timed out, 5xx) turns the model offline: everything shows the
   * reason until it answers again.
   */
  private async call<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<ReadResult<T>> {
    const generation = this.generation;
    try {
      const value = await withTimeout(fn, this.options.timeoutMs, this.controller.signal, this.options.source.label);
      if (generation === this.generation && this.status.online !== true) {
        const wasOffline = this.status.online === false;
        this.status = { online: true };
        if (wasOffline) this.fire({ kind: 'server' });
      }
      return { ok: true, value };
    } catch (e) {
      const message = (e as Error).message;
      if (this.disposed || generation !== this.generation) return { ok: false, offline: true, message };
      if (isOfflineError(e)) {
        this.goOffline(offlineReason(e));
        return { ok: false, offline: true, message };
      }
      this.options.log?.(`${this.options.source.label}: reading ${what} failed: ${message}`);
      return { ok: false, offline: false, message };
    }
  }

  private goOffline(reason: string): void {
    const was = this.status.online;
    this.status = { online: false, reason };
    this.experimentsValue = undefined;
    this.listings.clear();
    this.detailsValues.clear();
    if (was !== false) {
      this.options.log?.(`${this.options.source.label} does not answer: ${reason}`);
      this.fire({ kind: 'server' });
    }
    this.poller.backOff();
  }

  private anyRunning(): boolean {
    for (const row of this.rows.values()) if (row.status === 'running' || row.status === 'queued') return true;
    return false;
  }

  /** Reads again what the view shows: the experiments, every listed scope (as many rows as shown), the details of live runs. */
  private async refreshShown(): Promise<void> {
    const live = new Set([...this.rows.values()].filter((r) => r.status === 'running' || r.status === 'queued').map((r) => r.id));
    const before = this.experimentsValue;
    const jobs: Promise<void>[] = [];
    jobs.push(this.call('experiments', (signal) => this.options.source.listExperiments(signal)).then((r) => {
      if (r.ok && before?.state === 'ready' && JSON.stringify(before.value) !== JSON.stringify(newestFirst(r.value))) {
        this.experimentsValue = { state: 'ready', value: newestFirst(r.value) };
        this.fire({ kind: 'server' });
      }
    }));
    for (const entry of this.listings.values()) {
      if (entry.value.state !== 'ready') continue;
      const shown = entry.value.value.rows.length;
      jobs.push(this.loadFirstPage(entry, Math.max(this.options.pageSize(), shown), true));
    }
    for (const [runId, value] of this.detailsValues) {
      if (value.state === 'ready' && (live.has(runId) || value.value.run.status === 'running')) jobs.push(this.loadDetails(runId, true));
    }
    await Promise.all(jobs);
  }

  private fire(change: ModelChange): void {
    if (this.disposed) return;
    for (const l of this.listeners) l(change);
  }
}
