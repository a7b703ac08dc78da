/**
 * Messages between the compare-runs panel host (`src/extension/compare`) and
 * its page (`webview/compare`). Type-only: no runtime code, no vscode or node
 * import. Payloads are JSON (VS Code serialises webview messages as JSON), so
 * non-finite numbers travel as `null` in number arrays and as text in tables.
 *
 * Handshake (src/views/webview/pageChannel.ts): the page posts `ready` first;
 * the host sends nothing until then and answers with `data` (reason `init`)
 * followed by one `series` message per charted metric. Both receivers end their switch in `assertNever`.
 */

/** X axis of the metric curves. `relative`: seconds since the run started; `wall`: clock time. */
export type XAxisMode = 'step' | 'relative' | 'wall';

/** Whether a larger or a smaller value of a metric is better (undefined: unknown). */
export type MetricDirection = 'max' | 'min';

/** One compared run, as the page shows it. Order = column order everywhere. */
export interface CompareRun {
  readonly id: string;
  readonly name: string;
  readonly experiment: string;
  readonly status: string;
  /** Origin of the relative time axis (ms since the epoch): started_at, else created_at. */
  readonly t0: number;
  /** Index into the colour palette, stable while the run stays in the comparison. */
  readonly colorIndex: number;
}

/**
 * One run's points of one metric, in step order. `t[i]` is the timestamp of
 * point i in ms relative to the run's `t0` (smaller JSON than epoch ms).
 */
export interface SeriesPayload {
  readonly runId: string;
  readonly key: string;
  readonly steps: readonly number[];
  /** null for NaN and ±Infinity (JSON has no such numbers). */
  readonly values: readonly (number | null)[];
  readonly t: readonly number[];
  /** True when the host dropped points (min/max buckets): zooming in can ask for more. */
  readonly downsampled: boolean;
  /** Points the store holds for this series (all steps). */
  readonly count: number;
}

/** Row groups of the comparison table, in display order. */
export type TableGroup = 'run' | 'param' | 'data' | 'metric';

/** One row of the comparison table: one cell per run, in `CompareRun` order. */
export interface TableRow {
  readonly group: TableGroup;
  readonly key: string;
  /** Display/export text per run; null where the run has no value. */
  readonly values: readonly (string | null)[];
  /** True when the runs do not all have the same value (a missing value counts as different). */
  readonly differs: boolean;
  /** Metric rows: the numbers behind `values` (null when missing or non-finite). */
  readonly numbers?: readonly (number | null)[];
  /** Metric rows: which way is better, when the key tells. */
  readonly direction?: MetricDirection;
  /** Metric rows: column indices holding the best value (ties: all of them). */
  readonly best?: readonly number[];
  /** Metric rows: whether the metric is charted (logged at more than one step). */
  readonly charted?: boolean;
}

/** A confusion matrix artifact: rows are true classes, columns predicted. */
export interface ConfusionMatrixView {
  readonly runId: string;
  readonly split: string;
  readonly labels: readonly string[];
  readonly matrix: readonly (readonly number[])[];
}

/** A feature-importances artifact. */
export interface FeatureImportancesView {
  readonly runId: string;
  readonly method: string;
  readonly importances: readonly { readonly feature: string; readonly importance: number }[];
}

/** Per-class scores from a classification report artifact. */
export interface ClassReportView {
  readonly runId: string;
  readonly split: string;
  readonly classes: readonly {
    readonly label: string;
    readonly precision: number | null;
    readonly recall: number | null;
    readonly f1: number | null;
    readonly support: number | null;
  }[];
}

/** One group of a slice column on the test split. */
export interface SliceGroupView {
  readonly group: string;
  readonly count: number;
  /** Fewer test rows than the report's `minGroupSize`: shown as "small group: unreliable", never hidden. */
  readonly small: boolean;
  /** By metric name (`SliceReportView.metrics`); null where the file had no finite number. */
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** The gap of one metric over a slice column's groups, logged as `metricKey`. */
export interface SliceDisparityView {
  /** `accuracy_gap`, `demographic_parity_difference`, `equalized_odds_difference`, `mae_gap`. */
  readonly name: string;
  /** The run metric holding it: `slice_<column>_<name>`. */
  readonly metricKey: string;
  readonly value: number | null;
}

export interface SliceColumnView {
  readonly column: string;
  readonly groups: readonly SliceGroupView[];
  readonly disparities: readonly SliceDisparityView[];
}

/** A run's `slices.json` (per slice column, the test metrics of each group). */
export interface SliceReportView {
  readonly runId: string;
  readonly task: 'classification' | 'regression';
  /** Binary classification: the positive class the rates are of. */
  readonly positive?: string;
  readonly minGroupSize: number;
  /** The group metrics, in display order. */
  readonly metrics: readonly string[];
  readonly columns: readonly SliceColumnView[];
}

/** Everything but the curves: runs, chart keys, table, artifacts. */
export interface CompareData {
  readonly runs: readonly CompareRun[];
  /** Metric keys logged at more than one step by at least one run: one chart each. */
  readonly chartKeys: readonly string[];
  readonly table: readonly TableRow[];
  readonly confusionMatrices: readonly ConfusionMatrixView[];
  readonly featureImportances: readonly FeatureImportancesView[];
  readonly classReports: readonly ClassReportView[];
  /** `slices.json` of the runs that have one (`evaluate.slices`). */
  readonly slices: readonly SliceReportView[];
  /** Target points per series the host sends (setting `runlens.compare.pointsPerSeries`). */
  readonly pointsPerSeries: number;
  /** Runs that were asked for but are gone from every store (deleted). */
  readonly missingRunIds: readonly string[];
}

/**
 * Two compared runs read different versions (fingerprints) of the data for
 * one role: the page offers "view diff", which opens the dataset-diff panel.
 */
export interface DataChange {
  readonly role: string;
  readonly path: string;
  readonly a: { readonly runName: string; readonly fingerprint: string };
  readonly b: { readonly runName: string; readonly fingerprint: string };
}

/** Host → page. */
export type HostToPage =
  /**
   * The comparison, after `ready` and whenever runs, params, statuses,
   * metric keys or artifacts change. `init`: the run set changed, drop every
   * curve and zoom window; `update`: same runs, keep the curves.
   */
  | { readonly type: 'data'; readonly reason: 'init' | 'update'; readonly data: CompareData }
  /**
   * Downsampled curves of one metric for some runs. With `reason: 'init'`
   * it holds every run that logged the key; `live`: only series that grew,
   * replacing those runs' points and leaving the others.
   */
  | { readonly type: 'series'; readonly reason: 'init' | 'live'; readonly key: string; readonly series: readonly SeriesPayload[] }
  /**
   * Answer to `requestRange`: denser points of one metric for every run,
   * only inside `[minStep, maxStep]`.
   */
  | {
      readonly type: 'range';
      readonly requestId: number;
      readonly key: string;
      readonly minStep: number;
      readonly maxStep: number;
      readonly series: readonly SeriesPayload[];
    }
  /** After each `data`: the roles whose data differs between runs (empty: none). */
  | { readonly type: 'dataChanges'; readonly changes: readonly DataChange[] }
  /** Something the page asked for failed; shown in the page. */
  | { readonly type: 'error'; readonly message: string };

/** Formats the page can export the table as. */
export type TableFormat = 'csv' | 'markdown';

/** Page → host. */
export type PageToHost =
  /** The page's listener is installed; the host may send data now. Always the first message. */
  | { readonly type: 'ready' }
  /**
   * The user zoomed a chart to a step window: send denser points of `key`
   * inside it. `requestId` grows; the page ignores answers to older requests.
   */
  | { readonly type: 'requestRange'; readonly requestId: number; readonly key: string; readonly minStep: number; readonly maxStep: number }
  /** "Add runs…": show a quick pick of runs of the same store and add the chosen ones. */
  | { readonly type: 'pickRuns' }
  /** Remove one run from the comparison. */
  | { readonly type: 'removeRun'; readonly runId: string }
  /** Save a chart image: a `data:image/png;base64,…` URL of the canvas. */
  | { readonly type: 'exportChart'; readonly name: string; readonly dataUrl: string }
  /** Export the comparison table (the host builds the text from its own data). */
  | {
      readonly type: 'exportTable';
      readonly format: TableFormat;
      readonly destination: 'file' | 'clipboard';
      readonly onlyDiffers: boolean;
    }
  /** "Export Report…": a report of the compared runs (Markdown or HTML) where the user chooses. */
  | { readonly type: 'exportReport' }
  /** "Data changed: view diff": open the dataset-diff panel on two recorded versions. */
  | { readonly type: 'viewDataDiff'; readonly fingerprintA: string; readonly fingerprintB: string }
  /** An uncaught error in the page, for the RunLens log. */
  | { readonly type: 'pageError'; readonly message: string };

/** UI state the page keeps with `setState` (also read by the panel serializer after a reload). */
export interface ComparePageState {
  readonly runIds: readonly string[];
  readonly xAxis: XAxisMode;
  /** EMA weight in [0, 0.999]. */
  readonly smoothing: number;
  readonly logScale: boolean;
  readonly onlyDiffers: boolean;
  /** Runs hidden through the legend. */
  readonly hiddenRunIds: readonly string[];
  readonly scatterX?: string;
  readonly scatterY?: string;
  readonly parallelMetric?: string;
  /** Sections the user collapsed. */
  readonly collapsed: readonly string[];
}
