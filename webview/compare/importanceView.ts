import type { ChartDataset } from 'chart.js';
import { Chart } from 'chart.js';
import type { CompareData, CompareRun } from '../../src/protocol/compare';
import { formatMetric } from '../../src/views/runPresentation';
import { formatTick } from './axisFormat';
import { h } from '../shared/dom';
import type { Theme } from './theme';

export interface ImportanceHost {
  readonly theme: () => Theme;
  readonly colorOf: (run: CompareRun) => string;
  readonly hidden: () => ReadonlySet<string>;
}

/** Features shown: the largest by their best importance over the runs. */
const TOP_FEATURES = 15;

/** Feature importances as horizontal bars, one colour per run, grouped by feature. */
export class ImportanceView {
  readonly element: HTMLElement;
  private readonly box: HTMLElement;
  private readonly canvas = h('canvas', { attrs: { role: 'img', 'aria-label': 'Feature importances per run' } });
  private readonly caption = h('p', { className: 'hint' });
  private chart: Chart<'bar', number[], string> | undefined;

  constructor(private readonly host: ImportanceHost) {
    this.box = h('div', { className: 'chart-box' }, this.canvas);
    this.element = h('div', { className: 'plot-card' }, this.caption, this.box);
  }

  setData(data: CompareData): void {
    const theme = this.host.theme();
    const runs = new Map(data.runs.map((r) => [r.id, r]));
    const lists = data.featureImportances.filter((f) => runs.has(f.runId));
    const best = new Map<string, number>();
    for (const f of lists) for (const { feature, importance } of f.importances) best.set(feature, Math.max(best.get(feature) ?? -Infinity, importance));
    const features = [...best.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_FEATURES).map(([f]) => f);
    const methods = [...new Set(lists.map((f) => f.method).filter(Boolean))];
    this.caption.textContent = `Top ${features.length} of ${best.size} features${methods.length ? ` · ${methods.join(', ')}` : ''}`;
    const hidden = this.host.hidden();
    const datasets: ChartDataset<'bar', number[]>[] = lists.map((f) => {
      const run = runs.get(f.runId) as CompareRun;
      const values = new Map(f.importances.map((i) => [i.feature, i.importance]));
      const color = this.host.colorOf(run);
      return { label: run.name, data: features.map((ft) => values.get(ft) ?? 0), backgroundColor: color, borderColor: color, hidden: hidden.has(run.id) };
    });
    // Room per feature grows with the runs drawn side by side, within limits.
    this.box.style.height = `${Math.min(1200, Math.max(180, features.length * Math.max(22, lists.length * 7 + 8) + 40))}px`;
    const options = {
      animation: false as const,
      indexAxis: 'y' as const,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { grid: { color: theme.grid }, ticks: { color: theme.muted, callback: (v: number | string) => formatTick(Number(v)) } },
        y: { grid: { display: false }, ticks: { color: theme.foreground, autoSkip: false } },
      },
      plugins: { tooltip: { callbacks: { label: (item: { dataset: { label?: string }; parsed: { x: number | null } }) => ` ${item.dataset.label ?? ''}: ${formatMetric(item.parsed.x ?? NaN)}` } } },
    };
    if (this.chart) {
      this.chart.data = { labels: features, datasets };
      this.chart.options = options;
      this.chart.update('none');
    } else {
      this.chart = new Chart<'bar', number[], string>(this.canvas, { type: 'bar', data: { labels: features, datasets }, options });
    }
  }
}
