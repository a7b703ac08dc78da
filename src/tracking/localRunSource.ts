/**
 * The workspace store behind the {@link RunSource} interface: every method is
 * the store's own query (filters and sorts compile to SQL), so local results
 * are exactly what `RunStore.listRuns` gives. Page tokens hold an offset.
 */
import { readFile } from 'node:fs/promises';
import type { DownsampledMetric } from '../store/downsample';
import type { RunStore } from '../store/runStore';
import type { MetricHistory, RunRecord, RunRow, StepRange } from '../store/types';
import { decodePageToken, encodePageToken, queryKey } from './pageToken';
import type { RunDetails, RunPage, RunQuery, RunSource, SourceArtifact, SourceExperiment, SourceRunRow } from './runSource';
import { RunSourceError } from './runSource';

function sourceRow(row: RunRow): SourceRunRow {
  return { ...row, experimentKey: String(row.experimentId), user: null };
}

export class LocalRunSource implements RunSource {
  readonly kind = 'local';

  /** The store stays the caller's: closing it is theirs too. */
  constructor(private readonly store: RunStore) {}

  get label(): string {
    return this.store.dir;
  }

  async listExperiments(): Promise<SourceExperiment[]> {
    return this.store.listExperiments().map((e) => ({ key: String(e.id), name: e.name, createdAt: e.createdAt, runCount: e.runCount, lastRunAt: e.lastRunAt }));
  }

  async searchRuns(q: RunQuery): Promise<RunPage> {
    const key = queryKey(['local', q.filter ?? '', q.sort ?? '', q.experiment ?? null, q.parentId === undefined ? 'any' : q.parentId]);
    const start = q.pageToken ? decodePageToken(q.pageToken, key) : { kind: 'offset' as const, offset: 0 };
    if (start.kind !== 'offset') throw new RunSourceError('the page token is not one of this store\'s: start again without it');
    const limit = q.limit === undefined ? undefined : Math.max(1, Math.floor(q.limit));
    // One row past the page says whether another page follows.
    const rows = this.store.listRuns({
      filter: q.filter, sort: q.sort, experiment: q.experiment, parentId: q.parentId,
      limit: limit === undefined ? undefined : limit + 1, offset: start.offset,
    });
    const more = limit !== undefined && rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return {
      rows: page.map(sourceRow),
      ...(more ? { nextPageToken: encodePageToken(key, { kind: 'offset', offset: start.offset + limit! }) } : {}),
    };
  }

  async resolveRun(ref: string): Promise<SourceRunRow> {
    return this.rowOf(this.store.getRun(ref));
  }

  private rowOf(run: RunRecord): SourceRunRow {
    const metrics: Record<string, number> = {};
    for (const m of this.store.getMetricSummaries(run.id)) metrics[m.key] = m.latest;
    return sourceRow({ ...run, params: this.store.getParams(run.id), metrics, tags: this.store.getTags(run.id) });
  }

  async getRun(ref: string): Promise<RunDetails> {
    const run = this.store.getRun(ref);
    return {
      run: this.rowOf(run),
      metrics: this.store.getMetricSummaries(run.id),
      artifacts: this.store.listArtifacts(run.id),
      inputs: this.store.datasets.listInputs(run.id).map((i) => ({ ...i, rows: this.store.datasets.getDataset(i.fingerprint)?.rows ?? null })),
    };
  }

  async getMetricHistory(runId: string, key: string, range: StepRange = {}): Promise<MetricHistory> {
    return this.store.getMetricHistory(runId, key, range);
  }

  async downsampleMetric(runId: string, key: string, maxPoints: number, range: StepRange = {}): Promise<DownsampledMetric> {
    return this.store.downsampleMetric(runId, key, maxPoints, range);
  }

  async runsOfConfig(configPath: string, opts: { readonly limit?: number } = {}): Promise<SourceRunRow[]> {
    return this.store.runsOfConfig(configPath, { limit: opts.limit }).map(sourceRow);
  }

  async listArtifacts(runId: string): Promise<SourceArtifact[]> {
    return this.store.listArtifacts(runId);
  }

  async readArtifact(runId: string, path: string): Promise<Buffer> {
    const a = this.store.listArtifacts(runId).find((x) => x.path === path);
    if (!a) throw new RunSourceError(`run ${runId.slice(0, 8)} has no artifact "${path}" in ${this.store.dir}`);
    return readFile(this.store.artifactPath(a.sha256));
  }

  async changeToken(): Promise<string> {
    return String(this.store.dataVersion());
  }
}
