import type { ChartDataset, TooltipItem } from 'chart.js';
import { Chart } from 'chart.js';
import type { ComparePageState, CompareRun, HostToPage, SeriesPayload, XAxisMode } from '../../src/protocol/compare';
import type { SeriesPoints } from '../../src/views/compare/seriesWindow';
import { mergeWindow } from '../../src/views/compare/seriesWindow';
import { emaSmooth } from '../../src/views/compare/smoothing';
import { formatMetric } from '../../src/views/runPresentation';
import { X_AXIS_TITLES, formatTick, formatX } from './axisFormat';
import type { CurvePoint, RunDatasetMeta } from './chartSetup';
import { h } from '../shared/dom';
import { chartPng } from './exportImage';
import type { Theme } from './theme';
import { withAlpha } from './theme';

type RangeMessage = Extract<HostToPage, { type: 'range' }>;
type LineDataset = ChartDataset<'line', CurvePoint[]> & RunDatasetMeta;
/** A curve point with the raw value under a smoothed one, for the tooltip. */
type TipPoint = CurvePoint & { readonly r?: number | null };

/** What a chart needs from the page around it. */
export interface ChartHost {
  readonly theme: () => Theme;
  readonly state: () => ComparePageState;
  readonly runs: () => readonly CompareRun[];
  readonly colorOf: (run: CompareRun) => string;
  /** Posts a requestRange and returns its id. */
  readonly requestRange: (key: string, minStep: number, maxStep: number) => number;
  readonly exportChart: (name: string, dataUrl: string) => void;
}

/** Tooltip rows at most; the runs nearest the cursor win. */
const TOOLTIP_ROWS = 20;
const ZOOM_SETTLE_MS = 150;
/** Above this many runs a chart is drawn lighter (see `datasets`). */
export const CROWDED_RUNS = 20;

interface Overview extends SeriesPoints {
  readonly downsampled: boolean;
  readonly count: number;
}

/**
 * One metric's curves, one line per run. Keeps the host's overview per run
 * and, once zoomed, the denser points the host sent for the visible window;
 * datasets are rebuilt from those on every change of smoothing, axis,
 * scale or visibility (cheap next to drawing).
 */
export class MetricChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly note: HTMLElement;
  private chart: Chart<'line', CurvePoint[]> | undefined;
  private readonly overview = new Map<string, Overview>();
  private window: { minStep: number; maxStep: number; byRun: Map<string, SeriesPoints> } | undefined;
  private pendingRequest = 0;
  private zoomTimer: ReturnType<typeof setTimeout> | undefined;
  private cursorY = 0;
  private hiddenTips = 0;
  private mode: XAxisMode;
  private wanted = false;
  private stale = false;

  constructor(readonly key: string, private readonly host: ChartHost) {
    this.mode = host.state().xAxis;
    this.canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `${key} per run` } });
    this.canvas.addEventListener('dblclick', () => this.resetZoom());
    this.note = h('span', { className: 'chart-note' });
    const reset = h('vscode-toolbar-button', { title: 'Reset zoom (double-click the chart)', attrs: { icon: 'zoom-out', label: 'Reset zoom' } });
    reset.addEventListener('click', () => this.resetZoom());
    const save = h('vscode-toolbar-button', { title: 'Save chart as PNG', attrs: { icon: 'desktop-download', label: 'Save chart as PNG' } });
    save.addEventListener('click', () => this.exportPng());
    this.element = h(
      'section',
      { className: 'chart-card', dataset: { key } },
      h('header', { className: 'chart-header' }, h('span', { className: 'chart-title', title: key }, key), this.note, h('span', { className: 'spacer' }), reset, save),
      h('div', { className: 'chart-box' }, this.canvas),
    );
  }

  /** New overview curves: all runs (`init`) or just the ones that grew (`live`). The owner redraws (see `pending`). */
  setSeries(series: readonly SeriesPayload[], replaceAll: boolean): void {
    if (replaceAll) this.overview.clear();
    for (const s of series) this.overview.set(s.runId, { steps: s.steps, values: s.values, t: s.t, downsampled: s.downsampled, count: s.count });
    this.stale = true;
    // Live points may fall inside the zoomed window: ask for it again.
    if (!replaceAll && this.window) this.scheduleRangeRequest();
  }

  /** Denser points for the zoomed window; answers to superseded requests are dropped. */
  applyRange(m: RangeMessage): void {
    if (m.requestId !== this.pendingRequest || !this.chart?.isZoomedOrPanned()) return;
    this.window = { minStep: m.minStep, maxStep: m.maxStep, byRun: new Map(m.series.map((s) => [s.runId, s])) };
    this.refresh();
  }

  /** Forgets runs no longer compared. */
  keepRuns(ids: ReadonlySet<string>): void {
    for (const id of [...this.overview.keys()]) {
      if (ids.has(id)) continue;
      this.overview.delete(id);
      this.stale = true;
    }
  }

  resetZoom(): void {
    this.window = undefined;
    this.pendingRequest = 0;
    this.chart?.resetZoom('none');
    this.refresh();
  }

  /** Rebuilds datasets and scales from the current data, state and theme. */
  refresh(): void {
    const state = this.host.state();
    this.stale = false;
    if (state.xAxis !== this.mode) {
      // x values change meaning: a zoom window in the old unit is void.
      this.mode = state.xAxis;
      this.window = undefined;
      this.chart?.resetZoom('none');
    }
    this.updateNote();
    // What the x axis is, for tests and themes: the System section's charts are always against time.
    this.element.dataset.xAxis = state.xAxis;
    if (!this.chart) {
      // Charts are built when they scroll into view (or when the page is idle): 100 runs × 1000 points cost real time each.
      if (this.overview.size === 0 || !this.wanted) return;
      this.chart = new Chart(this.canvas, { type: 'line', data: { datasets: this.datasets(state) }, options: this.options(state) });
      this.element.dataset.drawn = 'true';
      return;
    }
    const datasets = this.datasets(state);
    const next = this.options(state);
    const old = this.chart.options.scales;
    if (this.chart.isZoomedOrPanned() && next.scales?.x && next.scales.y && old?.x && old.y) {
      // The zoom plugin keeps the zoom in the scale options: carry it over.
      Object.assign(next.scales.x, { min: old.x.min, max: old.x.max });
      Object.assign(next.scales.y, { min: old.y.min, max: old.y.max });
    }
    this.chart.data.datasets = datasets;
    this.chart.options = next;
    this.chart.update('none');
  }

  destroy(): void {
    if (this.zoomTimer) clearTimeout(this.zoomTimer);
    this.chart?.destroy();
    this.chart = undefined;
  }

  /** Whether the chart is built (the card also says so in `data-drawn`). */
  get drawn(): boolean {
    return this.chart !== undefined;
  }

  /** Whether there are curves but no chart yet, or the chart is out of date. */
  get pending(): boolean {
    return this.overview.size > 0 && (this.chart === undefined || this.stale);
  }

  /** The data or the settings changed; the owner decides when to redraw. */
  markStale(): void {
    this.stale = true;
  }

  /** Builds or updates the chart now (it is in view, or the page is idle). */
  draw(): void {
    this.wanted = true;
    this.refresh();
  }

  private updateNote(): void {
    const sampled = [...this.overview.values()].filter((o) => o.downsampled);
    if (sampled.length === 0) {
      this.note.textContent = '';
      return;
    }
    const total = Math.max(...sampled.map((o) => o.count));
    this.note.textContent = this.window ? 'zoomed: detail loaded' : `sampled from ${total.toLocaleString()} points`;
    this.note.title = this.window
      ? 'Showing every point the host holds for the zoomed window (min/max per bucket when still too many).'
      : 'Min/max downsampled on the host so spikes survive; drag to zoom in for the full detail.';
  }

  private points(runId: string): SeriesPoints | undefined {
    const base = this.overview.get(runId);
    if (!base) return undefined;
    const dense = this.window?.byRun.get(runId);
    return dense && this.window ? mergeWindow(base, dense, this.window.minStep, this.window.maxStep) : base;
  }

  private datasets(state: ComparePageState): LineDataset[] {
    const hidden = new Set(state.hiddenRunIds);
    const runs = this.host.runs();
    // Many overlapping runs: thin lines and no faint raw curve under the smoothed one
    // (easier to read, and half the points to lay out and rasterise).
    const crowded = runs.length > CROWDED_RUNS;
    const width = crowded ? 1 : 1.5;
    const out: LineDataset[] = [];
    for (const run of runs) {
      const p = this.points(run.id);
      if (!p) continue;
      const color = this.host.colorOf(run);
      const smoothed = state.smoothing > 0 ? emaSmooth(p.values, state.smoothing) : undefined;
      const n = p.steps.length;
      const raw: CurvePoint[] = smoothed ? new Array(n) : [];
      const main: TipPoint[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const s = p.steps[i];
        const x = state.xAxis === 'step' ? s : state.xAxis === 'relative' ? p.t[i] / 1000 : run.t0 + p.t[i];
        const v = p.values[i];
        const y = v === null || (state.logScale && v <= 0) ? null : v;
        if (smoothed) {
          const sv = smoothed[i];
          raw[i] = { x, y, s };
          main[i] = { x, y: sv === null || (state.logScale && sv <= 0) ? null : sv, s, r: v };
        } else {
          main[i] = { x, y, s };
        }
      }
      const base = { rlRunId: run.id, label: run.name, hidden: hidden.has(run.id) };
      if (smoothed && !crowded) {
        const faint = withAlpha(color, 0.25);
        out.push({ ...base, rlRaw: true, order: 1, borderWidth: 1, borderColor: faint, backgroundColor: faint, data: raw });
      }
      out.push({ ...base, order: 0, borderWidth: width, borderColor: color, backgroundColor: color, data: main });
    }
    return out;
  }

  private options(state: ComparePageState): NonNullable<Chart<'line', CurvePoint[]>['options']> {
    const theme = this.host.theme();
    const mode = state.xAxis;
    const span = () => (this.chart ? this.chart.scales.x.max - this.chart.scales.x.min : 0);
    return {
      animation: false,
      parsing: false,
      normalized: true,
      spanGaps: true,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearestX', intersect: false },
      elements: { point: { radius: 0, hoverRadius: 3, hitRadius: 0 }, line: { tension: 0 } },
      onHover: (e) => {
        this.cursorY = e.y ?? 0;
      },
      scales: {
        x: {
          type: 'linear',
          grid: { color: theme.grid },
          ticks: { color: theme.muted, maxRotation: 0, autoSkipPadding: 12, includeBounds: false, callback: (v) => formatX(mode, Number(v), span()) },
          title: { display: true, text: X_AXIS_TITLES[mode], color: theme.muted },
        },
        y: {
          type: state.logScale ? 'logarithmic' : 'linear',
          grid: { color: theme.grid },
          ticks: { color: theme.muted, includeBounds: false, callback: (v) => formatTick(Number(v)) },
        },
      },
      plugins: {
        tooltip: {
          filter: (item, _i, items) => this.nearCursor(item, items),
          itemSort: (a, b) => (b.parsed.y ?? -Infinity) - (a.parsed.y ?? -Infinity),
          callbacks: {
            title: (items) => {
              const p = items[0]?.raw as CurvePoint | undefined;
              if (!p) return '';
              return mode === 'step' ? `step ${p.s}` : `${formatX(mode, p.x, span())} · step ${p.s}`;
            },
            label: (item) => {
              const p = item.raw as TipPoint;
              const raw = p.r !== undefined ? ` (raw ${formatMetric(p.r ?? NaN)})` : '';
              return ` ${item.dataset.label ?? ''}: ${formatMetric(p.y ?? NaN)}${raw}`;
            },
            footer: () => (this.hiddenTips > 0 ? `+ ${this.hiddenTips} more runs` : ''),
          },
        },
        zoom: {
          limits: { x: { min: 'original', max: 'original' } },
          zoom: {
            mode: 'xy',
            drag: { enabled: true, threshold: 4, backgroundColor: withAlpha(theme.accent, 0.15), borderColor: theme.accent, borderWidth: 1 },
            wheel: { enabled: true, modifierKey: 'ctrl' },
            pinch: { enabled: true },
            onZoomComplete: () => this.scheduleRangeRequest(),
          },
          pan: { enabled: true, mode: 'xy', modifierKey: 'shift', onPanComplete: () => this.scheduleRangeRequest() },
        },
      },
    };
  }

  /** Keeps the TOOLTIP_ROWS runs whose point is nearest the cursor (a 100-run tooltip would not fit). */
  private nearCursor(item: TooltipItem<'line'>, items: readonly TooltipItem<'line'>[]): boolean {
    if (item === items[0]) this.hiddenTips = Math.max(0, items.length - TOOLTIP_ROWS);
    if (items.length <= TOOLTIP_ROWS) return true;
    const d = (t: TooltipItem<'line'>) => Math.abs(t.element.y - this.cursorY);
    const mine = d(item);
    let closer = 0;
    for (const other of items) if (d(other) < mine) closer++;
    return closer < TOOLTIP_ROWS;
  }

  private scheduleRangeRequest(): void {
    if (this.zoomTimer) clearTimeout(this.zoomTimer);
    this.zoomTimer = setTimeout(() => this.requestWindow(), ZOOM_SETTLE_MS);
  }

  /** The visible x range as a step window; asks the host only when some curve was downsampled. */
  private requestWindow(): void {
    const chart = this.chart;
    if (!chart || !chart.isZoomedOrPanned()) return;
    if (![...this.overview.values()].some((o) => o.downsampled)) return;
    const { min, max } = chart.scales.x;
    let lo = Infinity;
    let hi = -Infinity;
    if (this.mode === 'step') {
      lo = Math.floor(min);
      hi = Math.ceil(max);
    } else {
      // Time → step: the steps of overview points inside the window, widened by one point on each side.
      for (const run of this.host.runs()) {
        const o = this.overview.get(run.id);
        if (!o) continue;
        for (let i = 0; i < o.steps.length; i++) {
          const x = this.mode === 'relative' ? o.t[i] / 1000 : run.t0 + o.t[i];
          if (x < min || x > max) continue;
          lo = Math.min(lo, o.steps[Math.max(0, i - 1)]);
          hi = Math.max(hi, o.steps[Math.min(o.steps.length - 1, i + 1)]);
        }
      }
    }
    if (!(hi >= lo)) return;
    this.pendingRequest = this.host.requestRange(this.key, lo, hi);
  }

  private exportPng(): void {
    if (!this.chart) return;
    const theme = this.host.theme();
    const hidden = new Set(this.host.state().hiddenRunIds);
    const legend = this.host
      .runs()
      .filter((r) => this.overview.has(r.id) && !hidden.has(r.id))
      .map((r) => ({ label: r.name, color: this.host.colorOf(r) }));
    const dataUrl = chartPng(this.canvas, { title: this.key, legend, background: theme.background, foreground: theme.foreground, font: theme.fontFamily });
    this.host.exportChart(this.key, dataUrl);
  }
}
