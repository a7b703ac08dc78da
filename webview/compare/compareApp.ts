import type { CompareData, ComparePageState, CompareRun, DataChange, HostToPage, PageToHost } from '../../src/protocol/compare';
import { applyThemeDefaults, setupCharts } from './chartSetup';
import { ConfusionView } from './confusionView';
import { CurvesView } from './curvesView';
import { collapsibleSection } from '../shared/collapsibleSection';
import { h, replaceChildren } from '../shared/dom';
import { ImportanceView } from './importanceView';
import { LegendView } from './legendView';
import { ParallelView } from './parallelView';
import { ScatterView } from './scatterView';
import { SlicesView } from './slicesView';
import { TableView } from './tableView';
import type { Theme } from './theme';
import { readTheme, runColor } from './theme';
import { splitChartKeys, systemXAxis } from '../../src/views/compare/systemCurves';

type SectionId = 'curves' | 'system' | 'table' | 'plots' | 'classification' | 'importances' | 'slices';

export interface AppIo {
  readonly post: (m: PageToHost) => void;
  readonly saveState: (s: ComparePageState) => void;
}

/**
 * The compare page: one legend, then collapsible sections (curves, table,
 * scatter + parallel coordinates, confusion matrices, importances, slices). Owns the
 * UI state and hands each view what it needs through small host objects.
 */
export class CompareApp {
  private theme: Theme;
  private data: CompareData | undefined;
  private requestCounter = 0;
  private readonly banner = h('div', { className: 'banners', attrs: { role: 'status' } });
  private readonly dataBanner = h('div', { className: 'banners data-changes' });
  private readonly legend: LegendView;
  private readonly curves: CurvesView;
  /** The System section: the sampled CPU, memory, disk and GPU series, always against time. */
  private readonly system: CurvesView;
  private systemKeys = new Set<string>();
  private readonly table: TableView;
  private readonly scatter: ScatterView;
  private readonly parallel: ParallelView;
  private readonly confusion: ConfusionView;
  private readonly importances: ImportanceView;
  private readonly slices: SlicesView;
  private readonly sections = new Map<SectionId, HTMLElement>();

  constructor(
    root: HTMLElement,
    private state: ComparePageState,
    private readonly io: AppIo,
  ) {
    setupCharts();
    this.theme = readTheme();
    applyThemeDefaults(this.theme);
    const base = {
      theme: () => this.theme,
      state: () => this.state,
      setState: (patch: Partial<ComparePageState>) => this.setState(patch),
      colorOf: (run: CompareRun) => runColor(this.theme, run.colorIndex),
      hidden: () => new Set(this.state.hiddenRunIds),
      post: io.post,
    };
    this.legend = new LegendView({ ...base, toggle: (id) => this.toggleRun(id) });
    const curvesHost = {
      ...base,
      runs: () => this.data?.runs ?? [],
      requestRange: (key: string, minStep: number, maxStep: number) => {
        const requestId = ++this.requestCounter;
        io.post({ type: 'requestRange', requestId, key, minStep, maxStep });
        return requestId;
      },
      exportChart: (name: string, dataUrl: string) => io.post({ type: 'exportChart', name, dataUrl }),
    };
    this.curves = new CurvesView(curvesHost);
    this.system = new CurvesView(
      { ...curvesHost, state: () => ({ ...this.state, xAxis: systemXAxis(this.state.xAxis) }) },
      { controls: false, emptyText: 'No system metrics were sampled more than once.' },
    );
    this.table = new TableView(base);
    this.scatter = new ScatterView(base);
    this.parallel = new ParallelView(base);
    this.confusion = new ConfusionView(base);
    this.importances = new ImportanceView(base);
    this.slices = new SlicesView(base);
    const plots = h('div', { className: 'plots' }, this.scatter.element, this.parallel.element);
    const report = h('vscode-button', { attrs: { icon: 'export', secondary: '' } }, 'Export Report…');
    report.addEventListener('click', () => io.post({ type: 'exportReport' }));
    replaceChildren(
      root,
      this.banner,
      this.dataBanner,
      h('div', { className: 'controls report-bar' }, h('span', { className: 'spacer' }), report),
      this.legend.element,
      this.section('curves', 'Metric curves', this.curves.element),
      this.section('system', 'System', this.system.element),
      this.section('table', 'Params and final metrics', this.table.element),
      this.section('plots', 'Param vs metric', plots),
      this.section('classification', 'Confusion matrices', this.confusion.element),
      this.section('importances', 'Feature importances', this.importances.element),
      this.section('slices', 'Slices', this.slices.element),
    );
    root.removeAttribute('aria-busy');
    this.watchTheme();
  }

  setSeries(m: Extract<HostToPage, { type: 'series' }>): void {
    this.curvesOf(m.key).setSeries(m);
  }

  applyRange(m: Extract<HostToPage, { type: 'range' }>): void {
    this.curvesOf(m.key).applyRange(m);
  }

  private curvesOf(key: string): CurvesView {
    return this.systemKeys.has(key) ? this.system : this.curves;
  }

  /** "Data changed: view diff", one line per role whose data differs between runs. */
  setDataChanges(changes: readonly DataChange[]): void {
    replaceChildren(this.dataBanner, ...changes.map((c) => {
      const view = h('vscode-button', { attrs: { icon: 'diff', secondary: '' } }, 'View diff');
      view.addEventListener('click', () => this.io.post({ type: 'viewDataDiff', fingerprintA: c.a.fingerprint, fingerprintB: c.b.fingerprint }));
      return h('p', { className: 'banner data-change', dataset: { role: c.role } },
        `Data changed: ${c.role} data ${c.path} differs between ${c.a.runName} (${c.a.fingerprint.slice(0, 8)}) and ${c.b.runName} (${c.b.fingerprint.slice(0, 8)}). `,
        view);
    }));
  }

  showError(message: string): void {
    this.banner.appendChild(h('p', { className: 'banner error' }, message));
  }

  private section(id: SectionId, title: string, content: HTMLElement): HTMLElement {
    const c = collapsibleSection({ id, title, content, collapsed: () => this.state.collapsed, onCollapsedChange: (collapsed) => this.setState({ collapsed }) });
    this.sections.set(id, c);
    return c;
  }

  private setState(patch: Partial<ComparePageState>): void {
    this.state = { ...this.state, ...patch };
    this.io.saveState(this.state);
    // The curves' controls (axis, smoothing, log scale) apply to the System section too.
    if (patch.xAxis !== undefined || patch.smoothing !== undefined || patch.logScale !== undefined) this.system?.refreshAll();
  }

  private toggleRun(runId: string): void {
    const hidden = new Set(this.state.hiddenRunIds);
    if (hidden.has(runId)) hidden.delete(runId);
    else hidden.add(runId);
    this.setState({ hiddenRunIds: [...hidden] });
    if (this.data) this.legend.setData(this.data);
    this.curves.refreshAll();
    this.system.refreshAll();
    this.scatter.render();
    this.parallel.render();
    if (this.data?.featureImportances.length) this.importances.setData(this.data);
  }

  setData(data: CompareData, reason: 'init' | 'update'): void {
    this.data = data;
    const ids = new Set(data.runs.map((r) => r.id));
    this.setState({ runIds: data.runs.map((r) => r.id), hiddenRunIds: this.state.hiddenRunIds.filter((id) => ids.has(id)) });
    this.renderBanners(data);
    this.legend.setData(data);
    const keys = splitChartKeys(data.chartKeys);
    this.systemKeys = new Set(keys.system);
    this.curves.setData({ ...data, chartKeys: keys.metric }, reason);
    this.system.setData({ ...data, chartKeys: keys.system }, reason);
    this.show('system', keys.system.length > 0);
    this.table.setData(data);
    const hasParams = data.table.some((r) => r.group === 'param') && data.table.some((r) => r.group === 'metric');
    this.show('plots', hasParams);
    if (hasParams) {
      this.scatter.setData(data);
      this.parallel.setData(data);
    }
    this.show('classification', data.confusionMatrices.length > 0 || data.classReports.length > 0);
    this.confusion.setData(data);
    this.show('importances', data.featureImportances.length > 0);
    if (data.featureImportances.length) this.importances.setData(data);
    this.show('slices', data.slices.length > 0);
    this.slices.setData(data);
  }

  private show(id: SectionId, visible: boolean): void {
    const el = this.sections.get(id);
    if (el) el.hidden = !visible;
  }

  private renderBanners(data: CompareData): void {
    const parts: HTMLElement[] = [];
    if (data.runs.length < 2) {
      const add = h('vscode-button', { attrs: { icon: 'add' } }, 'Add runs…');
      add.addEventListener('click', () => this.io.post({ type: 'pickRuns' }));
      parts.push(h('p', { className: 'banner hint-banner' }, data.runs.length === 0 ? 'No runs to compare. ' : 'Only one run here: add another to compare. ', add));
    }
    if (data.missingRunIds.length > 0) {
      parts.push(h('p', { className: 'banner' }, `${data.missingRunIds.length} run${data.missingRunIds.length > 1 ? 's were' : ' was'} deleted and left out.`));
    }
    replaceChildren(this.banner, ...parts);
  }

  /** VS Code swaps the theme by changing the body class and the variables on <html>: re-read and redraw. */
  private watchTheme(): void {
    let queued = false;
    const onChange = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        this.theme = readTheme();
        applyThemeDefaults(this.theme);
        if (!this.data) return;
        this.setData(this.data, 'update');
        this.curves.refreshAll();
        this.system.refreshAll();
      });
    };
    const observer = new MutationObserver(onChange);
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  }
}
