import type { CompareData, ComparePageState, HostToPage, XAxisMode } from '../../src/protocol/compare';
import { h, replaceChildren } from '../shared/dom';
import type { ChartHost } from './metricChart';
import { CROWDED_RUNS, MetricChart } from './metricChart';

type SeriesMessage = Extract<HostToPage, { type: 'series' }>;
type RangeMessage = Extract<HostToPage, { type: 'range' }>;

export interface CurvesHost extends ChartHost {
  readonly setState: (patch: Partial<ComparePageState>) => void;
}

/** A second set of curves (the System section) shares the first one's controls and has its own empty text. */
export interface CurvesOptions {
  readonly controls?: boolean;
  readonly emptyText?: string;
}

/** Slider positions → EMA weight; TensorBoard's range is 0…0.999. */
const SMOOTHING_MAX = 0.99;

/**
 * The metric curves: axis / smoothing / log controls and one chart per
 * metric logged at more than one step.
 */
export class CurvesView {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly charts = new Map<string, MetricChart>();
  private readonly smoothingLabel: HTMLElement;
  private refreshQueued = false;
  private pumpQueued = false;
  /** What of the data the charts draw (runs, names, colours, keys): table-only updates skip the redraw. */
  private drawnSignature = '';
  private readonly byElement = new WeakMap<Element, MetricChart>();
  private readonly nearView = new Set<MetricChart>();
  /** Tracks which cards are near the viewport: their charts are built first. */
  private readonly observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        const chart = this.byElement.get(e.target);
        if (!chart) continue;
        if (e.isIntersecting) this.nearView.add(chart);
        else this.nearView.delete(chart);
      }
      this.queueDraw();
    },
    { rootMargin: '200px 0px' },
  );

  constructor(
    private readonly host: CurvesHost,
    private readonly options: CurvesOptions = {},
  ) {
    const state = host.state();
    const axis = h('vscode-single-select', { attrs: { 'aria-label': 'X axis' } });
    for (const [value, label] of [['step', 'Step'], ['relative', 'Relative time'], ['wall', 'Wall time']] as [XAxisMode, string][]) {
      const opt = h('vscode-option', { attrs: { value } }, label);
      if (value === state.xAxis) opt.setAttribute('selected', '');
      axis.appendChild(opt);
    }
    axis.addEventListener('change', () => {
      this.host.setState({ xAxis: axis.value as XAxisMode });
      this.refreshAll();
    });
    const slider = h('input', { className: 'smoothing', attrs: { type: 'range', min: '0', max: String(SMOOTHING_MAX), step: '0.01', 'aria-label': 'Smoothing' } });
    slider.value = String(state.smoothing);
    this.smoothingLabel = h('span', { className: 'smoothing-value' }, state.smoothing.toFixed(2));
    const applySmoothing = (final: boolean) => {
      const smoothing = Number(slider.value);
      this.smoothingLabel.textContent = smoothing.toFixed(2);
      this.host.setState({ smoothing });
      // With many runs a redraw takes longer than a frame: follow the slider only on release.
      if (final || this.host.runs().length <= CROWDED_RUNS) this.queueRefresh();
    };
    slider.addEventListener('input', () => applySmoothing(false));
    slider.addEventListener('change', () => applySmoothing(true));
    const log = h('vscode-checkbox', { attrs: { label: 'Log scale' } });
    log.checked = state.logScale;
    log.addEventListener('change', () => {
      this.host.setState({ logScale: log.checked });
      this.refreshAll();
    });
    const resetAll = h('vscode-button', { attrs: { secondary: '', icon: 'zoom-out' } }, 'Reset zoom');
    resetAll.addEventListener('click', () => this.charts.forEach((c) => c.resetZoom()));
    this.grid = h('div', { className: 'chart-grid' });
    this.element = h(
      'div',
      { className: 'curves' },
      h(
        'div',
        { className: 'controls' },
        h('label', { className: 'control' }, 'X axis ', axis),
        h('label', { className: 'control' }, 'Smoothing ', slider, this.smoothingLabel),
        log,
        resetAll,
        h('span', { className: 'hint' }, 'Drag to zoom · Ctrl+wheel zoom · Shift+drag pan · double-click resets'),
      ),
      this.grid,
    );
    if (options.controls === false) this.element.firstElementChild?.remove();
  }

  /** New data: charts for new keys, none for keys gone; `init` drops all curves. */
  setData(data: CompareData, reason: 'init' | 'update'): void {
    if (reason === 'init') {
      for (const c of this.charts.values()) c.destroy();
      this.charts.clear();
      this.nearView.clear();
      this.observer.disconnect();
    }
    const keys = new Set(data.chartKeys);
    for (const [key, chart] of this.charts) {
      if (keys.has(key)) continue;
      this.observer.unobserve(chart.element);
      this.nearView.delete(chart);
      chart.destroy();
      this.charts.delete(key);
    }
    for (const key of data.chartKeys) {
      if (this.charts.has(key)) continue;
      const chart = new MetricChart(key, this.host);
      this.charts.set(key, chart);
      this.byElement.set(chart.element, chart);
      this.observer.observe(chart.element);
    }
    const ids = new Set(data.runs.map((r) => r.id));
    for (const c of this.charts.values()) c.keepRuns(ids);
    replaceChildren(
      this.grid,
      ...data.chartKeys.map((k) => this.charts.get(k)?.element),
      data.chartKeys.length === 0 ? h('p', { className: 'empty' }, this.options.emptyText ?? 'No metric was logged at more than one step; final values are in the table.') : null,
    );
    const signature = JSON.stringify([data.chartKeys, data.runs.map((r) => [r.id, r.name, r.colorIndex, r.t0])]);
    if (reason === 'update' && signature !== this.drawnSignature) this.refreshAll();
    this.drawnSignature = signature;
  }

  setSeries(m: SeriesMessage): void {
    const chart = this.charts.get(m.key);
    if (!chart) return;
    chart.setSeries(m.series, m.reason === 'init');
    if (chart.drawn && this.nearView.has(chart)) chart.refresh();
    else this.queueDraw();
  }

  applyRange(m: RangeMessage): void {
    this.charts.get(m.key)?.applyRange(m);
  }

  /** Settings changed: redraw charts in view now, the others when idle. */
  refreshAll(): void {
    for (const c of this.charts.values()) {
      if (c.drawn && this.nearView.has(c)) c.refresh();
      else c.markStale();
    }
    this.queueDraw();
  }

  /**
   * Builds pending charts one per task, so the browser paints between them:
   * those near the viewport first (next frame), the others when the page is
   * idle, so all are ready before the user scrolls to them.
   */
  private queueDraw(): void {
    if (this.pumpQueued) return;
    const all = [...this.charts.values()];
    const visible = all.find((c) => c.pending && this.nearView.has(c));
    const next = visible ?? all.find((c) => c.pending);
    if (!next) return;
    this.pumpQueued = true;
    const run = () => {
      this.pumpQueued = false;
      if (next.pending) next.draw();
      this.queueDraw();
    };
    if (visible) setTimeout(run, 0);
    else if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: 300 });
    else setTimeout(run, 30);
  }

  /** Slider input fires per pixel: redraw at most once per frame. */
  private queueRefresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    requestAnimationFrame(() => {
      this.refreshQueued = false;
      this.refreshAll();
    });
  }

  /** Keys with a drawn chart (tests). */
  get drawnKeys(): string[] {
    return [...this.charts.values()].filter((c) => c.drawn).map((c) => c.key);
  }
}
