import type { ChartDataset, Plugin } from 'chart.js';
import { Chart } from 'chart.js';
import type { CompareData } from '../../src/protocol/compare';
import { normalizeOnAxis } from '../../src/views/compare/axisValues';
import { formatMetric } from '../../src/views/runPresentation';
import type { AxisChoice } from './axisChoices';
import { axisChoices, choiceSelect, pickChoice } from './axisChoices';
import { h, replaceChildren } from '../shared/dom';
import type { PlotHost } from './scatterView';
import type { Theme } from './theme';
import { mix } from './theme';

/** Param axes at most, besides the metric (more becomes unreadable). */
const MAX_PARAM_AXES = 10;
/** Category labels drawn per axis at most. */
const MAX_CATEGORY_LABELS = 12;

type Point = { x: number; y: number | null };
type RunDataset = ChartDataset<'line', Point[]> & { rlRun: number };

/**
 * Draws each axis as a vertical line with its value labels (numeric: min,
 * middle, max; categorical: the categories). Chart.js has no parallel
 * coordinates, so axes are x = 0…n-1 on a hidden 0…1 y scale.
 */
function axesPlugin(axes: () => readonly AxisChoice[], theme: () => Theme): Plugin<'line'> {
  return {
    id: 'runlensParallelAxes',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const t = theme();
      ctx.save();
      ctx.strokeStyle = t.muted;
      ctx.lineWidth = 1;
      axes().forEach((_a, i) => {
        const x = scales.x.getPixelForValue(i);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
      });
      ctx.restore();
    },
    afterDatasetsDraw(chart) {
      const { ctx, scales } = chart;
      const t = theme();
      ctx.save();
      ctx.font = `${Math.max(10, t.fontSize - 2)}px ${t.fontFamily}`;
      ctx.textBaseline = 'middle';
      axes().forEach((a, i) => {
        const x = scales.x.getPixelForValue(i) + 4;
        const labels: [number, string][] =
          a.scale.kind === 'numeric'
            ? [a.scale.min, (a.scale.min + a.scale.max) / 2, a.scale.max].map((v) => [normalizeOnAxis(a.scale, v), formatMetric(v)])
            : a.scale.categories.slice(0, MAX_CATEGORY_LABELS).map((c, k) => [normalizeOnAxis(a.scale, k), c]);
        for (const [pos, text] of labels) {
          const y = scales.y.getPixelForValue(pos);
          ctx.fillStyle = t.background;
          const w = ctx.measureText(text).width;
          ctx.fillRect(x - 1, y - 7, w + 2, 14);
          ctx.fillStyle = t.foreground;
          ctx.fillText(text, x, y);
        }
      });
      ctx.restore();
    },
  };
}

/**
 * Parallel coordinates of the params that differ and one metric: one line
 * per run, coloured by the metric (low → high), numeric and categorical
 * params alike.
 */
export class ParallelView {
  readonly element: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly caption = h('span', { className: 'hint' });
  private readonly canvas = h('canvas', { attrs: { role: 'img', 'aria-label': 'Parallel coordinates of params and a metric' } });
  private chart: Chart<'line', Point[]> | undefined;
  private data: CompareData | undefined;
  /** The choices and selection the controls show: rebuilt only when these change, so an open dropdown survives live updates. */
  private controlsKey = '';
  private axes: AxisChoice[] = [];

  constructor(private readonly host: PlotHost) {
    this.controls = h('div', { className: 'controls' });
    this.element = h('div', { className: 'plot-card' }, this.controls, h('div', { className: 'chart-box tall' }, this.canvas));
  }

  setData(data: CompareData): void {
    this.data = data;
    this.render();
  }

  render(): void {
    const data = this.data;
    if (!data) return;
    const state = this.host.state();
    const metrics = axisChoices(data.table, ['metric']);
    const metric = pickChoice(metrics, state.parallelMetric, (c) => c.row.direction !== undefined && c.row.key.startsWith('test_'), (c) => c.row.direction !== undefined);
    const params = axisChoices(data.table, ['param']);
    const differing = params.filter((p) => p.row.differs);
    this.axes = [...(differing.length ? differing : params).slice(0, MAX_PARAM_AXES), ...(metric ? [metric] : [])];
    this.caption.textContent = metric ? `Line colour: ${metric.row.key}, low (blue) → high (orange)` : '';
    const key = JSON.stringify([metrics.map((c) => c.id), metric?.id]);
    if (key !== this.controlsKey) {
      this.controlsKey = key;
      replaceChildren(
        this.controls,
        choiceSelect('Metric', metrics, metric?.id, (id) => {
          this.host.setState({ parallelMetric: id });
          this.render();
        }),
        this.caption,
      );
    }
    const theme = this.host.theme();
    const hidden = new Set(state.hiddenRunIds);
    const datasets: RunDataset[] = data.runs.map((run, i) => {
      const m = metric?.scale.values[i];
      const color = m === null || m === undefined || !metric ? theme.muted : mix(theme.low, theme.high, normalizeOnAxis(metric.scale, m));
      return {
        rlRun: i,
        label: run.name,
        hidden: hidden.has(run.id),
        borderColor: color,
        backgroundColor: color,
        borderWidth: 1.5,
        pointRadius: 2.5,
        pointHoverRadius: 5,
        spanGaps: false,
        data: this.axes.map((a, k) => {
          const v = a.scale.values[i];
          return { x: k, y: v === null ? null : normalizeOnAxis(a.scale, v) };
        }),
      };
    });
    const axes = this.axes;
    const options = {
      animation: false as const,
      parsing: false as const,
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { top: 10, right: 60, bottom: 4, left: 10 } },
      interaction: { mode: 'nearest' as const, intersect: false },
      scales: {
        x: {
          type: 'linear' as const,
          min: 0,
          max: Math.max(1, axes.length - 1),
          grid: { display: false },
          ticks: { stepSize: 1, autoSkip: false, color: theme.foreground, maxRotation: 30, callback: (v: number | string) => axes[Number(v)]?.row.key ?? '' },
        },
        y: { type: 'linear' as const, min: -0.04, max: 1.04, display: false },
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items: { dataset: { label?: string } }[]) => items[0]?.dataset.label ?? '',
            label: (item: { dataset: unknown }) => {
              const i = (item.dataset as RunDataset).rlRun;
              return axes.map((a) => ` ${a.row.key}: ${a.row.values[i] ?? '—'}`);
            },
          },
        },
      },
    };
    if (this.chart) {
      this.chart.data.datasets = datasets;
      this.chart.options = options;
      this.chart.update('none');
    } else {
      this.chart = new Chart<'line', Point[]>(this.canvas, { type: 'line', data: { datasets }, options, plugins: [axesPlugin(() => this.axes, () => this.host.theme())] });
    }
  }
}
