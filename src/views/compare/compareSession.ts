import type { CompareData, CompareRun, HostToPage, SeriesPayload, TableFormat } from '../../protocol/compare';
import type { RunDetails } from '../../tracking/runSource';
import type { RunArtifactViews } from './compareArtifacts';
import { artifactSignature, readRunArtifacts } from './compareArtifacts';
import { collectSeries } from './compareSeries';
import type { CompareRunSource, SourceForRun } from './compareStore';
import type { RunTableInput } from './compareTable';
import { buildCompareTable, chartKeysOf } from './compareTable';
import { mapLimit } from './mapLimit';
import { tableToCsv, tableToMarkdown } from './tableExport';

export interface CompareSessionOptions {
  /** Where each compared run (by key) is read: the workspace store or a tracking server. */
  readonly sourceForRun: SourceForRun;
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

/** Runs read at once (a tracking server answers each run with a few requests). */
const CONCURRENCY = 6;

/** What the data-change banner needs of a compared run. */
export interface ComparedInputs {
  readonly name: string;
  readonly createdAt: number;
  readonly inputs: readonly { readonly role: string; readonly path: string; readonly fingerprint: string }[];
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
 * what the page was sent, and the messages that bring it up to date. Runs
 * are named by key and read through their {@link RunSource}, so one panel
 * holds runs of the workspace store and of tracking servers side by side.
 * A local run is read afresh on every collect (cheap SQLite reads); a run on
 * a server is read once and again only after {@link invalidateRemote} (the
 * host calls it when the server's change token moved). The host owns one
 * session and forwards its messages; tests drive it on real sources.
 */
export class CompareSession {
  private ids: string[] = [];
  private readonly colors = new Map<string, number>();
  private readonly artifactCache = new Map<string, { sig: string; views: RunArtifactViews }>();
  private readonly remoteDetails = new Map<string, RunDetails>();
  private inputsOfRuns: ComparedInputs[] = [];
  private problems: string[] = [];
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
      this.remoteDetails.delete(id);
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

  /** Reads the runs of tracking servers again on the next collect. */
  invalidateRemote(): void {
    this.remoteDetails.clear();
  }

  /** True when a compared run lives on a tracking server. */
  get hasRemoteRuns(): boolean {
    return this.ids.some((id) => this.options.sourceForRun(id)?.source.kind === 'mlflow');
  }

  /** The inputs of the runs last collected (the panel's data-change banner). */
  get comparedInputs(): readonly ComparedInputs[] {
    return this.inputsOfRuns;
  }

  /** Runs of the last collect that could not be read, one line each (a server away, say). */
  get readProblems(): readonly string[] {
    return this.problems;
  }

  summary(): CompareSummary {
    return { runs: this.last?.runs.length ?? 0, charts: this.last?.chartKeys ?? [] };
  }

  /** Everything from scratch: `data` (init), then one `series` (init) per chart. */
  async initialMessages(): Promise<HostToPage[]> {
    const first = await this.initialData();
    const series: HostToPage[] = [];
    for (const key of first.data.chartKeys) series.push(await this.initialSeries(key));
    return [first, ...series];
  }

  /**
   * Starts a fresh send: collects and remembers everything, returns the
   * `data` message. The curves follow with {@link initialSeries}, one chart
   * at a time, so the host can yield between charts.
   */
  async initialData(): Promise<Extract<HostToPage, { type: 'data' }>> {
    const { data, counts } = await this.collect();
    this.remember(data, counts);
    return { type: 'data', reason: 'init', data };
  }

  /** The curves of one chart for every run, as counted by the last collect. */
  async initialSeries(key: string): Promise<HostToPage> {
    const data = this.last;
    return { type: 'series', reason: 'init', key, series: data ? await this.series(data, this.sentCounts, key) : [] };
  }

  /**
   * What changed since the last messages: `data` (update) when anything
   * but the curves changed, `series` (init) for a new chart, `series` (live)
   * with only the runs whose series grew. Empty when nothing changed.
   */
  async liveMessages(): Promise<HostToPage[]> {
    if (!this.last) return this.initialMessages();
    const { data, counts } = await this.collect();
    const out: HostToPage[] = [];
    const json = JSON.stringify(data);
    if (json !== this.sentData) out.push({ type: 'data', reason: 'update', data });
    const oldKeys = new Set(this.last.chartKeys);
    for (const key of data.chartKeys) {
      if (!oldKeys.has(key)) {
        out.push({ type: 'series', reason: 'init', key, series: await this.series(data, counts, key) });
        continue;
      }
      const before = this.sentCounts.get(key);
      const grown = data.runs.filter((r) => (counts.get(key)?.get(r.id) ?? 0) !== (before?.get(r.id) ?? 0));
      const series = await this.series({ ...data, runs: grown }, counts, key);
      if (series.length > 0) out.push({ type: 'series', reason: 'live', key, series });
    }
    this.remember(data, counts, json);
    return out;
  }

  /** Denser points of one metric inside a step window, for every compared run. */
  async rangeMessage(requestId: number, key: string, minStep: number, maxStep: number): Promise<HostToPage> {
    const data = Number.isFinite(minStep) && Number.isFinite(maxStep) ? this.last : undefined;
    const lo = Math.min(minStep, maxStep);
    const hi = Math.max(minStep, maxStep);
    const series = data
      ? await collectSeries(this.options.sourceForRun, data.runs, key, clampPoints(this.options.pointsPerSeries()), (id) => this.sentCounts.get(key)?.get(id), {
          minStep: lo,
          maxStep: hi,
        }, this.options.log)
      : [];
    return { type: 'range', requestId, key, minStep: lo, maxStep: hi, series };
  }

  /** The table as CSV or Markdown, from the data last sent. */
  async tableText(format: TableFormat, onlyDiffers: boolean): Promise<string> {
    const data = this.last ?? (await this.collect()).data;
    return format === 'csv' ? tableToCsv(data.runs, data.table, onlyDiffers) : tableToMarkdown(data.runs, data.table, onlyDiffers);
  }

  private remember(data: CompareData, counts: Counts, json = JSON.stringify(data)): void {
    this.last = data;
    this.sentData = json;
    this.sentCounts = counts;
  }

  private series(data: CompareData, counts: Counts, key: string): Promise<SeriesPayload[]> {
    return collectSeries(this.options.sourceForRun, data.runs, key, clampPoints(this.options.pointsPerSeries()), (id) => counts.get(key)?.get(id), {}, this.options.log);
  }

  /** One run's details: a local run afresh, a remote one from the cache unless invalidated. */
  private async details(key: string, at: CompareRunSource): Promise<RunDetails> {
    if (at.source.kind === 'local') return at.source.getRun(at.runId);
    const cached = this.remoteDetails.get(key);
    if (cached) return cached;
    const d = await at.source.getRun(at.runId);
    this.remoteDetails.set(key, d);
    return d;
  }

  private async collect(): Promise<Collected> {
    const ids = this.ids;
    const problems: string[] = [];
    const read = await mapLimit(ids, CONCURRENCY, async (key) => {
      const at = this.options.sourceForRun(key);
      if (!at) return undefined;
      try {
        const details = await this.details(key, at);
        if (details.run.id !== at.runId) return undefined;
        return { key, at, details, views: await this.artifactsOf(at, key, details) };
      } catch (e) {
        const message = (e as Error).message;
        this.options.log(`compare: cannot read run ${at.runId}: ${message}`);
        // A run that is gone is "missing"; a source that failed (a server away) is said in the page.
        if (at.source.kind === 'mlflow' && !/^no run /.test(message)) problems.push(message);
        return undefined;
      }
    });
    const inputs: (RunTableInput & { readonly key: string })[] = [];
    const runs: CompareRun[] = [];
    const missing: string[] = [];
    const views: RunArtifactViews[] = [];
    const compared: ComparedInputs[] = [];
    ids.forEach((key, i) => {
      const r = read[i];
      if (!r) {
        missing.push(key);
        return;
      }
      const { run } = r.details;
      inputs.push({ key, run, params: run.params, summaries: r.details.metrics, inputs: r.details.inputs });
      runs.push({ id: key, name: run.name, experiment: run.experiment, status: run.status, t0: run.startedAt ?? run.createdAt, colorIndex: this.colors.get(key) ?? 0 });
      views.push(r.views);
      compared.push({ name: run.name, createdAt: run.createdAt, inputs: r.details.inputs });
    });
    this.inputsOfRuns = compared;
    this.problems = [...new Set(problems)];
    const chartKeys = chartKeysOf(inputs);
    const counts: Counts = new Map();
    for (const key of chartKeys) counts.set(key, new Map());
    inputs.forEach((input) => {
      for (const s of input.summaries) counts.get(s.key)?.set(input.key, s.count);
    });
    const data: CompareData = {
      runs,
      chartKeys,
      table: buildCompareTable(inputs, chartKeys),
      confusionMatrices: views.flatMap((v) => v.confusionMatrices),
      featureImportances: views.flatMap((v) => v.featureImportances),
      classReports: views.flatMap((v) => v.classReports),
      slices: views.flatMap((v) => v.slices),
      pointsPerSeries: clampPoints(this.options.pointsPerSeries()),
      missingRunIds: missing,
    };
    return { data, counts };
  }

  private async artifactsOf(at: CompareRunSource, key: string, details: RunDetails): Promise<RunArtifactViews> {
    const sig = artifactSignature(details.artifacts);
    const cached = this.artifactCache.get(key);
    if (cached && cached.sig === sig) return cached.views;
    const views = await readRunArtifacts(at, key, details.artifacts, this.options.log);
    this.artifactCache.set(key, { sig, views });
    return views;
  }
}
