import type { CompareData, CompareRun, HostToPage, SeriesPayload, TableFormat } from '../../protocol/compare';
import type { RunArtifactViews } from './compareArtifacts';
import { artifactSignature, readRunArtifacts } from './compareArtifacts';
import { collectSeries } from './compareSeries';
import type { CompareStore, StoreForRun } from './compareStore';
import type { RunTableInput } from './compareTable';
import { buildCompareTable, chartKeysOf } from './compareTable';
import { tableToCsv, tableToMarkdown } from './tableExport';

export interface CompareSessionOptions {
  readonly storeForRun: StoreForRun;
  /** Target points per series; read on every collect so a settings change applies. */
  readonly pointsPerSeries: () => number;
  readonly log: (message: string) => void;
}

/** Points counted per metric key, per run: what was last sent, to find series that grew. */
type Counts = Map<string, Map<string, number>>;

interface Collected {
  readonly data: CompareData;
  readonly counts: Counts;
}

/** What the integration test asserts after the round trip. */
export interface CompareSummary {
  readonly runs: number;
  readonly charts: readonly string[];
}

/** Lowest palette index not taken, so a run keeps its colour while others come and go. */
function freeIndex(used: ReadonlySet<number>): number {
  let i = 0;
  while (used.has(i)) i++;
  return i;
}

function clampPoints(n: number): number {
  return Math.min(100_000, Math.max(16, Math.floor(Number.isFinite(n) ? n : 1000)));
}

/**
 * The compare panel's data side, without VS Code: which runs are compared,
 * what the page was sent, and the messages that bring it up to date. The
 * host owns one and forwards its messages; tests drive it on a real store.
 */
export class CompareSession {
  private ids: string[] = [];
  private readonly colors = new Map<string, number>();
  private readonly artifactCache = new Map<string, { sig: string; views: RunArtifactViews }>();
  private sentData: string | undefined;
  private sentCounts: Counts = new Map();
  private last: CompareData | undefined;

  constructor(private readonly options: CompareSessionOptions) {}

  get runIds(): readonly string[] {
    return this.ids;
  }

  /** Replaces the compared runs (duplicates dropped, order kept). */
  setRuns(runIds: readonly string[]): void {
    this.ids = [...new Set(runIds)];
    for (const id of [...this.colors.keys()]) {
      if (this.ids.includes(id)) continue;
      this.colors.delete(id);
      this.artifactCache.delete(id);
    }
    for (const id of this.ids) if (!this.colors.has(id)) this.colors.set(id, freeIndex(new Set(this.colors.values())));
  }

  addRuns(runIds: readonly string[]): void {
    this.setRuns([...this.ids, ...runIds]);
  }

  removeRun(runId: string): void {
    this.setRuns(this.ids.filter((id) => id !== runId));
  }

  /** The last data sent, if any. */
  get lastData(): CompareData | undefined {
    return this.last;
  }

  summary(): CompareSummary {
    return { runs: this.last?.runs.length ?? 0, charts: this.last?.chartKeys ?? [] };
  }

  /** Everything from scratch: `data` (init), then one `series` (init) per chart. */
  initialMessages(): HostToPage[] {
    const first = this.initialData();
    return [first, ...first.data.chartKeys.map((key) => this.initialSeries(key))];
  }

  /**
   * Starts a fresh send: collects and remembers everything, returns the
   * `data` message. The curves follow with {@link initialSeries}, one chart
   * at a time, so the host can yield between charts.
   */
  initialData(): Extract<HostToPage, { type: 'data' }> {
    const { data, counts } = this.collect();
    this.remember(data, counts);
    return { type: 'data', reason: 'init', data };
  }

  /** The curves of one chart for every run, as counted by the last collect. */
  initialSeries(key: string): HostToPage {
    const data = this.last;
    return { type: 'series', reason: 'init', key, series: data ? this.series(data, this.sentCounts, key) : [] };
  }

  /**
   * What changed since the last messages: `data` (update) when anything
   * but the curves changed, `series` (init) for a new chart, `series` (live)
   * with only the runs whose series grew. Empty when nothing changed.
   */
  liveMessages(): HostToPage[] {
    if (!this.last) return this.initialMessages();
    const { data, counts } = this.collect();
    const out: HostToPage[] = [];
    const json = JSON.stringify(data);
    if (json !== this.sentData) out.push({ type: 'data', reason: 'update', data });
    const oldKeys = new Set(this.last.chartKeys);
    for (const key of data.chartKeys) {
      if (!oldKeys.has(key)) {
        out.push({ type: 'series', reason: 'init', key, series: this.series(data, counts, key) });
        continue;
      }
      const before = this.sentCounts.get(key);
      const grown = data.runs.filter((r) => (counts.get(key)?.get(r.id) ?? 0) !== (before?.get(r.id) ?? 0));
      const series = this.series({ ...data, runs: grown }, counts, key);
      if (series.length > 0) out.push({ type: 'series', reason: 'live', key, series });
    }
    this.remember(data, counts, json);
    return out;
  }

  /** Denser points of one metric inside a step window, for every compared run. */
  rangeMessage(requestId: number, key: string, minStep: number, maxStep: number): HostToPage {
    const data = Number.isFinite(minStep) && Number.isFinite(maxStep) ? this.last : undefined;
    const lo = Math.min(minStep, maxStep);
    const hi = Math.max(minStep, maxStep);
    const series = data
      ? collectSeries(this.options.storeForRun, data.runs, key, clampPoints(this.options.pointsPerSeries()), (id) => this.sentCounts.get(key)?.get(id), {
          minStep: lo,
          maxStep: hi,
        })
      : [];
    return { type: 'range', requestId, key, minStep: lo, maxStep: hi, series };
  }

  /** The table as CSV or Markdown, from the data last sent. */
  tableText(format: TableFormat, onlyDiffers: boolean): string {
    const data = this.last ?? this.collect().data;
    return format === 'csv' ? tableToCsv(data.runs, data.table, onlyDiffers) : tableToMarkdown(data.runs, data.table, onlyDiffers);
  }

  private remember(data: CompareData, counts: Counts, json = JSON.stringify(data)): void {
    this.last = data;
    this.sentData = json;
    this.sentCounts = counts;
  }

  private series(data: CompareData, counts: Counts, key: string): SeriesPayload[] {
    return collectSeries(this.options.storeForRun, data.runs, key, clampPoints(this.options.pointsPerSeries()), (id) => counts.get(key)?.get(id));
  }

  private collect(): Collected {
    const inputs: RunTableInput[] = [];
    const runs: CompareRun[] = [];
    const missing: string[] = [];
    const views: RunArtifactViews[] = [];
    for (const id of this.ids) {
      const store = this.options.storeForRun(id);
      let record;
      try {
        record = store?.findRun(id);
      } catch (e) {
        this.options.log(`compare: cannot read run ${id}: ${(e as Error).message}`);
      }
      if (!store || !record || record.id !== id) {
        missing.push(id);
        continue;
      }
      const input: RunTableInput = {
        run: record,
        params: store.getParams(id),
        summaries: store.getMetricSummaries(id),
        inputs: store.listInputs(id),
      };
      inputs.push(input);
      runs.push({
        id,
        name: record.name,
        experiment: record.experiment,
        status: record.status,
        t0: record.startedAt ?? record.createdAt,
        colorIndex: this.colors.get(id) ?? 0,
      });
      views.push(this.artifactsOf(store, id));
    }
    const chartKeys = chartKeysOf(inputs);
    const counts: Counts = new Map();
    for (const key of chartKeys) counts.set(key, new Map());
    inputs.forEach((input) => {
      for (const s of input.summaries) counts.get(s.key)?.set(input.run.id, s.count);
    });
    const data: CompareData = {
      runs,
      chartKeys,
      table: buildCompareTable(inputs, chartKeys),
      confusionMatrices: views.flatMap((v) => v.confusionMatrices),
      featureImportances: views.flatMap((v) => v.featureImportances),
      classReports: views.flatMap((v) => v.classReports),
      pointsPerSeries: clampPoints(this.options.pointsPerSeries()),
      missingRunIds: missing,
    };
    return { data, counts };
  }

  private artifactsOf(store: CompareStore, runId: string): RunArtifactViews {
    const list = store.listArtifacts(runId);
    const sig = artifactSignature(list);
    const cached = this.artifactCache.get(runId);
    if (cached && cached.sig === sig) return cached.views;
    const views = readRunArtifacts(store, runId, list, this.options.log);
    this.artifactCache.set(runId, { sig, views });
    return views;
  }
}
