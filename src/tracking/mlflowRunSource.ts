/**
 * A team's MLflow tracking server behind the {@link RunSource} interface,
 * through MLflow's REST API (src/mlflow/client). Filters and sorts mean what
 * they mean on the local store (remoteFilter.ts); rows are the store's
 * `RunRow` shape (mlflowRows.ts says what maps to what). Every failure is one
 * line naming the server (`MlflowRestError`, `RunSourceError`, or the
 * `QueryError` of a filter MLflow cannot run).
 */
import { createHash } from 'node:crypto';
import type { FilterExpr, SortKey } from '../core/query/ast';
import { parseFilterOrEmpty } from '../core/query/parseFilter';
import { parseSort } from '../core/query/parseSort';
import type { MlflowClient } from '../mlflow/client/mlflowClient';
import type { WireRun, WireRunInfo } from '../mlflow/client/mlflowWire';
import type { DownsampledMetric } from '../store/downsample';
import { isIdPrefix, RUN_ID_RE } from '../store/ids';
import type { MetricHistory, MetricSummary, StepRange } from '../store/types';
import { downsampleHistory } from './downsampleHistory';
import { toSourceExperiment, toSourceInputs, toSourceRow } from './mlflowRows';
import type { SearchSnapshot } from './mlflowSearch';
import { runFullSearch, runStreamingSearch } from './mlflowSearch';
import { decodePageToken, queryKey } from './pageToken';
import { planRemoteSearch } from './remoteFilter';
import type { RunDetails, RunPage, RunQuery, RunSource, SourceArtifact, SourceExperiment, SourceRunRow } from './runSource';
import { RunSourceError } from './runSource';
import { compareText } from './sqlText';

export interface MlflowRunSourceOptions {
  /** Runs per `runs/search` request; default 1,000 (MLflow's own default). */
  readonly pageSize?: number;
  /** Clock for `attributes.duration` of unfinished runs; default Date.now. */
  readonly now?: () => number;
  /** Metric histories read at once for a run's summaries; default 4. */
  readonly concurrency?: number;
}

/** MLflow's bulk-interval read returns at most this many steps per run. */
const BULK_MAX_POINTS = 2500;
/** Steps are int64 on the server; these bound "every step" for the bulk read, which needs both ends. */
const MIN_STEP = -Number.MAX_SAFE_INTEGER;
const MAX_STEP = Number.MAX_SAFE_INTEGER;
/** Runs hashed into the change token: the newest ones, and every running one. */
const NEWEST_RUNS = 50;

function toHistory(points: readonly { step: number; timestamp: number; value: number }[], range: StepRange): MetricHistory {
  const lo = range.minStep ?? -Infinity;
  const hi = range.maxStep ?? Infinity;
  const kept = points.filter((p) => p.step >= lo && p.step <= hi).sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  return {
    steps: Float64Array.from(kept, (p) => p.step),
    timestamps: Float64Array.from(kept, (p) => p.timestamp),
    values: Float64Array.from(kept, (p) => p.value),
  };
}

export class MlflowRunSource implements RunSource {
  readonly kind = 'mlflow';
  private readonly pageSize: number;
  private readonly now: () => number;
  private readonly concurrency: number;
  /** MLflow experiment id → name, learnt as experiments and runs are read. */
  private readonly experimentNames = new Map<string, string>();
  /** Run id → the info an artifact download needs (its artifact_uri). */
  private readonly runInfos = new Map<string, WireRunInfo>();
  private snapshot: SearchSnapshot | undefined;

  constructor(readonly client: MlflowClient, opts: MlflowRunSourceOptions = {}) {
    this.pageSize = Math.max(1, Math.min(50_000, Math.floor(opts.pageSize ?? 1000)));
    this.now = opts.now ?? Date.now;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
  }

  get label(): string {
    return this.client.server;
  }

  async listExperiments(signal?: AbortSignal): Promise<SourceExperiment[]> {
    const exps = await this.client.listExperiments(signal);
    for (const e of exps) this.experimentNames.set(e.experimentId, e.name);
    return exps.map(toSourceExperiment);
  }

  /** The ids to search: the named experiment's (none when it does not exist), else every active one. */
  private async experimentIds(name: string | undefined, signal?: AbortSignal): Promise<string[]> {
    if (name === undefined) return (await this.listExperiments(signal)).map((e) => e.key);
    const e = await this.client.getExperimentByName(name, signal);
    if (!e || e.lifecycleStage !== 'active') return [];
    this.experimentNames.set(e.experimentId, e.name);
    return [e.experimentId];
  }

  /** A name lookup for these runs' experiments, reading the server's list (deleted ones too) when one is new. */
  private readonly names = async (runs: readonly WireRun[], signal?: AbortSignal): Promise<(id: string) => string> => {
    if (runs.some((r) => !this.experimentNames.has(r.info.experimentId))) {
      let pageToken: string | undefined;
      do {
        const page = await this.client.searchExperiments({ viewType: 'ALL', pageToken }, signal);
        for (const e of page.items) this.experimentNames.set(e.experimentId, e.name);
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
    return (id) => this.experimentNames.get(id) ?? id;
  };

  async searchRuns(q: RunQuery, signal?: AbortSignal): Promise<RunPage> {
    const filterText = typeof q.filter === 'string' ? q.filter : '';
    const filter: FilterExpr | undefined = typeof q.filter === 'string' ? parseFilterOrEmpty(q.filter) : q.filter;
    const sortText = typeof q.sort === 'string' ? q.sort : '';
    const sort: readonly SortKey[] = typeof q.sort === 'string' ? parseSort(q.sort) : (q.sort ?? []);
    const plan = planRemoteSearch(filter, sort, { filterText, sortText, now: this.now(), parentId: q.parentId });
    const key = queryKey(['mlflow', this.label, q.filter ?? '', q.sort ?? '', q.experiment ?? null, q.parentId === undefined ? 'any' : q.parentId]);
    const start = q.pageToken ? decodePageToken(q.pageToken, key) : undefined;
    const experimentIds = await this.experimentIds(q.experiment, signal);
    if (experimentIds.length === 0) return { rows: [] };
    const limit = q.limit === undefined ? undefined : Math.max(1, Math.floor(q.limit));
    const job = {
      plan, experimentIds, key, limit, pageSize: this.pageSize, signal,
      // A page of `limit` rows asks the server for about that many, not a full page of 1,000 (the Runs view's first
      // page of a large experiment read ten times what it showed); at least 50, so a filter checked here rarely needs a second round.
      start: start ?? (plan.orderBy ? { kind: 'server' as const, serverToken: null, skip: 0, pageSize: limit === undefined ? this.pageSize : Math.min(this.pageSize, Math.max(limit, 50)) } : { kind: 'offset' as const, offset: 0 }),
      names: (runs: readonly WireRun[]) => this.names(runs, signal),
    };
    if (job.start.kind === 'server') return runStreamingSearch(this.client, job);
    const { page, snapshot } = await runFullSearch(this.client, job, this.snapshot);
    this.snapshot = snapshot;
    return page;
  }

  private async wireRun(ref: string, signal?: AbortSignal): Promise<WireRun> {
    const text = ref.trim();
    if (!text) throw new RunSourceError('empty run reference');
    const lower = text.toLowerCase();
    if (RUN_ID_RE.test(lower)) {
      const run = await this.client.findRun(lower, signal);
      if (run && run.info.lifecycleStage !== 'deleted') return this.remember(run);
    }
    const ids = await this.experimentIds(undefined, signal);
    const found = new Map<string, WireRun>();
    const search = async (filter: string, keep: (r: WireRun) => boolean) => {
      const page = await this.client.searchRuns({ experimentIds: ids, filter, maxResults: 21 }, signal);
      for (const r of page.items) if (keep(r)) found.set(r.info.runId, r);
    };
    if (ids.length > 0) {
      if (isIdPrefix(lower)) await search(`attributes.run_id LIKE '${lower}%'`, (r) => r.info.runId.startsWith(lower));
      // MLflow cannot say a quote or backslash in a value: LIKE with `_` there finds a superset, checked exactly here.
      const pattern = text.replace(/['\\]/g, '_');
      await search(`attributes.run_name ${pattern === text ? '=' : 'LIKE'} '${pattern}'`, (r) => r.info.runName === text);
    }
    const runs = [...found.values()];
    if (runs.length === 1) return this.remember(runs[0]!);
    if (runs.length === 0) throw new RunSourceError(`no run on ${this.label} matches "${text}" (give a run id, an id prefix of 4+ characters, or a run name)`);
    const name = await this.names(runs, signal);
    const list = runs
      .sort((a, b) => (b.info.startTime ?? 0) - (a.info.startTime ?? 0))
      .slice(0, 10)
      .map((r) => `${r.info.runId.slice(0, 8)} (${r.info.runName}, ${name(r.info.experimentId)})`)
      .join(', ');
    const more = runs.length > 10 ? ` and ${runs.length - 10}${runs.length > 20 ? '+' : ''} more` : '';
    throw new RunSourceError(`run "${text}" is ambiguous on ${this.label}; it matches ${list}${more}`);
  }

  private remember(run: WireRun): WireRun {
    if (this.runInfos.size >= 500) this.runInfos.clear();
    this.runInfos.set(run.info.runId, run.info);
    return run;
  }

  async resolveRun(ref: string, signal?: AbortSignal): Promise<SourceRunRow> {
    const run = await this.wireRun(ref, signal);
    return toSourceRow(run, (await this.names([run], signal))(run.info.experimentId));
  }

  async getRun(ref: string, signal?: AbortSignal): Promise<RunDetails> {
    const run = await this.wireRun(ref, signal);
    const row = toSourceRow(run, (await this.names([run], signal))(run.info.experimentId));
    const [metrics, artifacts] = await Promise.all([this.summaries(run, signal), this.listArtifacts(run.info.runId, signal)]);
    return { run: row, metrics, artifacts, inputs: toSourceInputs(run) };
  }

  /** Summaries from each series' full history (MLflow keeps only the latest value per key). */
  private async summaries(run: WireRun, signal?: AbortSignal): Promise<MetricSummary[]> {
    const latest = [...run.metrics].sort((a, b) => compareText(a.key, b.key));
    const out: MetricSummary[] = new Array(latest.length);
    let next = 0;
    const worker = async () => {
      while (next < latest.length) {
        const i = next++;
        const m = latest[i]!;
        const points = await this.client.getMetricHistory(run.info.runId, m.key, signal);
        let min = NaN;
        let max = NaN;
        for (const p of points) {
          if (Number.isNaN(p.value)) continue;
          if (!(p.value >= min)) min = p.value;
          if (!(p.value <= max)) max = p.value;
        }
        out[i] = { key: m.key, latest: m.value, latestStep: m.step, latestTimestamp: m.timestamp, min, max, count: points.length };
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, latest.length) }, worker));
    return out;
  }

  async getMetricHistory(runId: string, key: string, range: StepRange = {}, signal?: AbortSignal): Promise<MetricHistory> {
    return toHistory(await this.client.getMetricHistory(runId, key, signal), range);
  }

  async downsampleMetric(runId: string, key: string, maxPoints: number, range: StepRange = {}, signal?: AbortSignal): Promise<DownsampledMetric> {
    const max = Math.max(1, Math.floor(maxPoints));
    if (max <= BULK_MAX_POINTS) {
      const points = await this.client.getMetricHistoryBulkInterval([runId], key, max, { startStep: range.minStep ?? MIN_STEP, endStep: range.maxStep ?? MAX_STEP }, signal);
      if (points) {
        // The server returns every step when the range has at most `max`; more distinct steps mean it sampled.
        const h = toHistory(points, range);
        return { ...h, downsampled: new Set(h.steps).size > max };
      }
    }
    return downsampleHistory(await this.getMetricHistory(runId, key, range, signal), max);
  }

  /** MLflow records no config path (mlflowRows.ts maps `configPath` to null), so no run is a config's. */
  async runsOfConfig(): Promise<SourceRunRow[]> {
    return [];
  }

  async listArtifacts(runId: string, signal?: AbortSignal): Promise<SourceArtifact[]> {
    const files = await this.client.listArtifactsDeep(runId, signal);
    return files.map((f) => ({ runId, path: f.path, size: f.fileSize, sha256: null, kind: 'file', createdAt: null }));
  }

  async readArtifact(runId: string, path: string, signal?: AbortSignal): Promise<Buffer> {
    const info = this.runInfos.get(runId) ?? this.remember(await this.client.getRun(runId, signal)).info;
    return this.client.downloadArtifact(info, path, signal);
  }

  async changeToken(signal?: AbortSignal): Promise<string> {
    const exps = await this.client.listExperiments(signal);
    const hash = createHash('sha256').update(JSON.stringify(exps.map((e) => [e.experimentId, e.name, e.lastUpdateTime])));
    const experimentIds = exps.map((e) => e.experimentId);
    if (experimentIds.length > 0) {
      const [newest, running] = await Promise.all([
        this.client.searchRuns({ experimentIds, maxResults: NEWEST_RUNS, orderBy: ['attributes.start_time DESC'] }, signal),
        this.client.searchRuns({ experimentIds, filter: "attributes.status = 'RUNNING'", maxResults: 1000 }, signal),
      ]);
      for (const r of [...newest.items, ...running.items]) {
        hash.update(JSON.stringify([r.info.runId, r.info.status, r.info.endTime, r.info.runName, r.metrics.map((m) => [m.key, m.step, m.timestamp, String(m.value)]), r.params, r.tags]));
      }
    }
    return hash.digest('base64url').slice(0, 22);
  }
}
