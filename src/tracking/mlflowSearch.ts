/**
 * Runs a {@link RemotePlan} against an MLflow server and pages the result.
 *
 * - One search in the store's order (`plan.orderBy` set): the server's pages
 *   are read lazily and each run checked; a page ends after `limit` matching
 *   runs and its token remembers where in the server's paging it stopped.
 * - Otherwise every candidate of every search is fetched, merged by id,
 *   checked, sorted with the store's rules and paged by offset; the merged
 *   result is kept for the following pages of the same query (a snapshot).
 */
import type { MlflowClient } from '../mlflow/client/mlflowClient';
import type { WireRun } from '../mlflow/client/mlflowWire';
import { toEvalRun, toSourceRow } from './mlflowRows';
import type { PagePosition } from './pageToken';
import { encodePageToken } from './pageToken';
import type { RemotePlan } from './remoteFilter';
import type { RunPage, SourceRunRow } from './runSource';

export interface SearchJob {
  readonly plan: RemotePlan;
  readonly experimentIds: readonly string[];
  /** Identifies the query in page tokens. */
  readonly key: string;
  readonly limit: number | undefined;
  readonly start: PagePosition;
  /** Runs per server request. */
  readonly pageSize: number;
  /** The experiment name of each fetched run (learning unknown ids as needed). */
  readonly names: (runs: readonly WireRun[]) => Promise<(id: string) => string>;
  readonly signal?: AbortSignal;
}

/** What {@link runFullSearch} keeps for the next pages of a query. */
export interface SearchSnapshot {
  readonly key: string;
  readonly rows: readonly SourceRunRow[];
}

/** Reads one search in the server's order until `limit` runs match or the runs end. */
export async function runStreamingSearch(client: MlflowClient, job: SearchJob): Promise<RunPage> {
  const { plan, limit } = job;
  const start = job.start.kind === 'server' ? job.start : { serverToken: null, skip: 0, pageSize: job.pageSize };
  const rows: SourceRunRow[] = [];
  const seen = new Set<string>();
  let token = start.serverToken;
  let skip = start.skip;
  for (;;) {
    const page = await client.searchRuns({
      experimentIds: job.experimentIds, filter: plan.searches[0] || undefined, orderBy: plan.orderBy,
      maxResults: start.pageSize, pageToken: token ?? undefined,
    }, job.signal);
    const name = await job.names(page.items);
    for (let i = skip; i < page.items.length; i++) {
      const w = page.items[i]!;
      // MLflow pages by offset: a run created meanwhile can shift one into the next page again.
      if (seen.has(w.info.runId)) continue;
      seen.add(w.info.runId);
      const row = toSourceRow(w, name(w.info.experimentId));
      if (plan.predicate(toEvalRun(w, row))) rows.push(row);
      if (limit !== undefined && rows.length >= limit) {
        const next: PagePosition | undefined = i + 1 < page.items.length
          ? { kind: 'server', serverToken: token, skip: i + 1, pageSize: start.pageSize }
          : page.nextPageToken ? { kind: 'server', serverToken: page.nextPageToken, skip: 0, pageSize: start.pageSize } : undefined;
        return { rows, ...(next ? { nextPageToken: encodePageToken(job.key, next) } : {}) };
      }
    }
    if (!page.nextPageToken) return { rows };
    token = page.nextPageToken;
    skip = 0;
  }
}

/** Every candidate of every search, merged, checked and sorted; then the page at the token's offset. */
export async function runFullSearch(client: MlflowClient, job: SearchJob, snapshot: SearchSnapshot | undefined): Promise<{ page: RunPage; snapshot: SearchSnapshot }> {
  const offset = job.start.kind === 'offset' ? job.start.offset : 0;
  let rows = offset > 0 && snapshot?.key === job.key ? snapshot.rows : undefined;
  if (!rows) {
    const found = new Map<string, WireRun>();
    for (const filter of job.plan.searches) {
      let token: string | undefined;
      do {
        const page = await client.searchRuns({ experimentIds: job.experimentIds, filter: filter || undefined, maxResults: job.pageSize, pageToken: token }, job.signal);
        for (const w of page.items) found.set(w.info.runId, w);
        token = page.nextPageToken;
      } while (token);
    }
    const runs = [...found.values()];
    const name = await job.names(runs);
    const matching: SourceRunRow[] = [];
    for (const w of runs) {
      const row = toSourceRow(w, name(w.info.experimentId));
      if (job.plan.predicate(toEvalRun(w, row))) matching.push(row);
    }
    rows = matching.sort(job.plan.comparator);
  }
  const end = job.limit === undefined ? rows.length : offset + job.limit;
  const next = end < rows.length ? encodePageToken(job.key, { kind: 'offset', offset: end }) : undefined;
  return { page: { rows: rows.slice(offset, end), ...(next ? { nextPageToken: next } : {}) }, snapshot: { key: job.key, rows } };
}
