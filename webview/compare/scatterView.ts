import type { ChartDataset } from 'chart.js';
import { Chart } from 'chart.js';
import type { CompareData, ComparePageState, CompareRun } from '../../src/protocol/compare';
import type { AxisChoice } from './axisChoices';
import { axisChoices, choiceSelect, pickChoice, tickText } from './axisChoices';
import { formatTick } from './axisFormat';
import { h, replaceChildren } from '../shared/dom';
import type { Theme } from './theme';

export interface PlotHost {
  readonly theme: () => Theme;
  readonly state: () => ComparePageState;
  readonly setState: (patch: Partial<ComparePageState>) => void;
  readonly colorOf: (run: CompareRun) => string;
}

type Point = { x: number; y: number };
type RunDataset = ChartDataset<'scatter', Point[]> & { rlRun: number };

function scaleOptions(choice: AxisChoice, theme: Theme) {
  const s = choice.scale;
  const categorical = s.kind === 'categorical';
  return {
    type: 'linear' as const,
    title: { display: true, text: choice.row.key, color: theme.muted },
    grid: { color: theme.grid },
    ...(categorical ? { min: -0.5, max: s.categories.length - 0.5 } : {}),
    ticks: {
      color: theme.muted,
      ...(categorical ? { stepSize: 1, autoSkip: false } : {}),
      callback: (v: number | string) => tickText(s, Number(v), formatTick),
    },
  };
}

/** Param-vs-metric scatter: one point per run; both axes chosen from the table's rows. */
export class ScatterView {
  readonly element: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly canvas = h('canvas', { attrs: { role: 'img', 'aria-label': 'Param versus metric scatter' } });
  private chart: Chart<'scatter', Point[]> | undefined;
  private data: CompareData | undefined;
  /** The choices and selection the controls show: rebuilt only when these change, so an open dropdown survives live updates. */
  private controlsKey = '';

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
    const xs = axisChoices(data.table, ['param', 'metric']);
    const ys = axisChoices(data.table, ['metric', 'param']);
    const x = pickChoice(xs, state.scatterX, (c) => c.row.group === 'param' && c.row.differs && c.scale.kind === 'numeric', (c) => c.row.group === 'param' && c.row.differs);
    const y = pickChoice(ys, state.scatterY, (c) => c.row.direction !== undefined && c.row.key.startsWith('test_'), (c) => c.row.direction !== undefined);
    const key = JSON.stringify([xs.map((c) => c.id), ys.map((c) => c.id), x?.id, y?.id]);
    if (key !== this.controlsKey) {
      this.controlsKey = key;
      replaceChildren(
        this.controls,
        choiceSelect('X', xs, x?.id, (id) => {
          this.host.setState({ scatterX: id });
          this.render();
        }),
        choiceSelect('Y', ys, y?.id, (id) => {
          this.host.setState({ scatterY: id });
          this.render();
        }),
      );
    }
    if (!x || !y) return;
    const hidden = new Set(state.hiddenRunIds);
    const theme = this.host.theme();
    const datasets: RunDataset[] = [];
    data.runs.forEach((run, i) => {
      const vx = x.scale.values[i];
      const vy = y.scale.values[i];
      if (vx === null || vy === null) return;
      const color = this.host.colorOf(run);
      datasets.push({ rlRun: i, label: run.name, data: [{ x: vx, y: vy }], hidden: hidden.has(run.id), backgroundColor: color, borderColor: color, pointRadius: 5, pointHoverRadius: 7 });
    });
    const raw = (c: AxisChoice, run: number) => c.row.values[run] ?? '—';
    const options = {
      animation: false as const,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: scaleOptions(x, theme), y: scaleOptions(y, theme) },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item: { dataset: { label?: string } }) => {
              const i = (item.dataset as RunDataset).rlRun;
              return ` ${item.dataset.label ?? ''}: ${x.row.key} = ${raw(x, i)}, ${y.row.key} = ${raw(y, i)}`;
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
      this.chart = new Chart<'scatter', Point[]>(this.canvas, { type: 'scatter', data: { datasets }, options });
    }
  }
}
