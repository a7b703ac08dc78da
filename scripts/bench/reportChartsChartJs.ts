/**
 * The report's line chart drawn by chart.js 4 on @napi-rs/canvas's SVG
 * canvas (Skia's SVG backend): the candidate reportChartsBench measured
 * against vega-lite (#18.3). Same size, colours, title, axis label and
 * legend as src/views/report/svgCharts.ts.
 */
import { createCanvas, SvgExportFlag } from '@napi-rs/canvas';
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title } from 'chart.js';
import type { LineSeries } from '../../src/views/report/svgCharts';

Chart.register(LineController, LineElement, PointElement, LinearScale, Title, Legend);
// chart.js's default family list names Helvetica/Arial; Skia writes the family it resolved, so ask for the generic one.
Chart.defaults.font.family = 'sans-serif';

const W = 560;
const H = 300;

/** `textAsPaths`: Skia draws every glyph as a path (no font needed to view it, but no text to select or read aloud). */
export function chartJsLineChartSvg(title: string, xLabel: string, series: readonly LineSeries[], textAsPaths = false): string {
  const canvas = createCanvas(W, H, textAsPaths ? SvgExportFlag.ConvertTextToPaths : SvgExportFlag.NoPrettyXML);
  const chart = new Chart(canvas as unknown as HTMLCanvasElement, {
    type: 'line',
    data: {
      datasets: series.map((s) => ({
        label: s.label,
        data: s.x.map((x, i) => ({ x, y: s.y[i] ?? null })) as { x: number; y: number }[],
        borderColor: s.color,
        backgroundColor: s.color,
        borderWidth: 1.5,
        pointRadius: 0,
        spanGaps: false,
      })),
    },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      parsing: false,
      normalized: true,
      scales: { x: { type: 'linear', title: { display: true, text: xLabel } }, y: { type: 'linear' } },
      plugins: { title: { display: true, text: title, align: 'start' }, legend: { position: 'bottom' } },
    },
  });
  const svg = canvas.getContent().toString('utf8');
  chart.destroy();
  return svg;
}
