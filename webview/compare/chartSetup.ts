import type { ChartEvent, InteractionItem, InteractionModeFunction } from 'chart.js';
import {
  BarController, BarElement, CategoryScale, Chart, Interaction, LinearScale, LineController, LineElement, LogarithmicScale,
  PointElement, ScatterController, Tooltip,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import type { Theme } from './theme';

declare module 'chart.js' {
  interface InteractionModeMap {
    /** Per visible run, its point nearest to the cursor's x. */
    nearestX: InteractionModeFunction;
  }
}

/** A point of a curve: x per axis mode, y, and the step it came from (for tooltips and range requests). */
export interface CurvePoint {
  readonly x: number;
  readonly y: number | null;
  readonly s: number;
}

/** Extra fields the panel keeps on its datasets. */
export interface RunDatasetMeta {
  rlRunId?: string;
  /** The faint unsmoothed copy drawn under a smoothed curve: no tooltip. */
  rlRaw?: boolean;
}

function nearestIndex(data: readonly { x: number }[], x: number): number {
  let lo = 0;
  let hi = data.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (data[mid].x < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(data[lo - 1].x - x) <= Math.abs(data[lo].x - x)) return lo - 1;
  return lo;
}

/**
 * Chart.js's `index` mode pairs points by array index, which is wrong when
 * runs have different (downsampled) steps; `nearest` returns one run. This
 * mode returns, for every visible smoothed curve, the point whose x is
 * closest to the cursor, as long as the cursor is within that run's x extent.
 */
const nearestX: InteractionModeFunction = (chart: Chart, e: ChartEvent): InteractionItem[] => {
  const scale = chart.scales.x;
  if (!scale || e.x === null) return [];
  const x = scale.getValueForPixel(e.x);
  if (x === undefined) return [];
  const items: InteractionItem[] = [];
  chart.data.datasets.forEach((ds, datasetIndex) => {
    const meta = chart.getDatasetMeta(datasetIndex);
    const data = ds.data as unknown as CurvePoint[];
    if (!chart.isDatasetVisible(datasetIndex) || (ds as RunDatasetMeta).rlRaw || data.length === 0) return;
    const slack = (scale.max - scale.min) * 0.02;
    if (x < data[0].x - slack || x > data[data.length - 1].x + slack) return;
    let index = nearestIndex(data, x);
    // Skip a gap (non-finite value) to its nearest finite neighbour.
    for (let d = 1; data[index]?.y === null && d < 4; d++) {
      if (data[index - d]?.y != null) index -= d;
      else if (data[index + d]?.y != null) index += d;
    }
    const element = meta.data[index];
    if (element && data[index].y !== null) items.push({ element, datasetIndex, index });
  });
  return items;
};

let registered = false;

/** Registers only what the panel draws (keeps the bundle small) plus the zoom plugin and `nearestX`. */
export function setupCharts(): void {
  if (registered) return;
  registered = true;
  Chart.register(
    LineController, LineElement, PointElement, ScatterController, BarController, BarElement,
    LinearScale, LogarithmicScale, CategoryScale, Tooltip, zoomPlugin,
  );
  Interaction.modes.nearestX = nearestX;
}

/** Defaults shared by every chart: theme colours and fonts, no animation. */
export function applyThemeDefaults(theme: Theme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(10, theme.fontSize - 1);
  Chart.defaults.animation = false;
  Chart.defaults.plugins.tooltip.backgroundColor = theme.tooltipBackground;
  Chart.defaults.plugins.tooltip.borderColor = theme.tooltipBorder;
  Chart.defaults.plugins.tooltip.borderWidth = 1;
  Chart.defaults.plugins.tooltip.titleColor = theme.foreground;
  Chart.defaults.plugins.tooltip.bodyColor = theme.foreground;
  Chart.defaults.plugins.tooltip.footerColor = theme.muted;
}
