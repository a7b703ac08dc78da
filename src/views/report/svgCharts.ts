import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type * as VegaSvg from './vegaSvg';

/**
 * The report's charts as SVG, drawn headless by vega-lite (compiled to vega,
 * rendered by vega's SVG string renderer). Chosen over chart.js on
 * @napi-rs/canvas by measurement (scripts/bench/reportChartsBench.ts, #18.3):
 * vega is plain JavaScript (chart.js needs a 35 MB native Skia binary per
 * platform), writes presentation attributes only (no `style`, so the report's
 * CSP without 'unsafe-inline' still draws it), names the generic
 * `sans-serif` font where Skia's SVG names the machine's font and places
 * every glyph by that font's metrics, and escapes the texts it writes. The
 * price: 2 to 2.7× chart.js's time (0.15 to 0.5 s for a report's three
 * charts of five runs, by the machine's load; under 1 s with loading vega),
 * once per report.
 */

/** Run colours (VS Code's chart colours, readable on white and dark backgrounds). */
export const RUN_COLORS = ['#1a85ff', '#d18616', '#388a34', '#e51400', '#8f4fd1', '#0f9d9d', '#b5200d', '#6c6c6c'];

export interface LineSeries {
  readonly label: string;
  readonly color: string;
  readonly x: readonly number[];
  /** null: a gap in the line. */
  readonly y: readonly (number | null)[];
}

/** The plot area (axes, title and legend come around it). */
export const PLOT_WIDTH = 480;
export const PLOT_HEIGHT = 200;

/**
 * The vega-lite spec of a line chart: one line per series in its colour, a
 * gap where a value is null, the legend under the plot. Names are the
 * series' keys in the colour scale, so two series of the same name get a
 * " (2)" to stay two lines.
 */
export function lineChartSpec(title: string, xLabel: string, series: readonly LineSeries[]): TopLevelSpec {
  const labels = uniqueLabels(series.map((s) => s.label));
  const values = series.flatMap((s, i) => s.x.map((x, j) => ({ series: labels[i], x, y: s.y[j] ?? null })));
  return {
    description: `${title} by ${xLabel}`,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    background: '#ffffff',
    title,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xLabel },
      y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: labels, range: series.map((s) => s.color) },
        legend: { title: null, orient: 'bottom', direction: 'horizontal', columns: 3 },
      },
    },
    config: {
      font: 'sans-serif',
      title: { anchor: 'start', fontSize: 13, color: '#222222' },
      axis: { gridColor: '#e4e4e4', labelColor: '#555555', titleColor: '#555555', labelFontSize: 11, titleFontWeight: 'normal', titleFontSize: 11 },
      legend: { labelFontSize: 11, labelColor: '#222222', labelLimit: 170 },
      view: { stroke: null },
    },
  };
}

/** A line chart of several series against a shared x axis, with a legend under it (complete SVG markup). */
export async function lineChartSvg(title: string, xLabel: string, series: readonly LineSeries[]): Promise<string> {
  return renderSvg(lineChartSpec(title, xLabel, series));
}

/**
 * Renders a vega-lite spec to SVG: through dist/reportCharts.js when this
 * code runs from a bundle beside it (the extension, the CLI), else from the
 * source (tests, development under tsx).
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const bundled = join(__dirname, 'reportCharts.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file beside the bundle, found at run time
  const vega: typeof VegaSvg = existsSync(bundled) ? require(bundled) : await import('./vegaSvg');
  return vega.vegaLiteToSvg(spec);
}

function uniqueLabels(labels: readonly string[]): string[] {
  const used = new Set<string>();
  return labels.map((label) => {
    let name = label;
    for (let n = 2; used.has(name); n++) name = `${label} (${n})`;
    used.add(name);
    return name;
  });
}
