/**
 * The report's first line chart, hand-written SVG (src/views/report/svgCharts.ts
 * before #18.3's measurement moved it to vega-lite), kept here as the
 * reportChartsBench's baseline: no library, string building only.
 */
import { escapeHtml } from '../../src/views/escapeHtml';
import type { LineSeries } from '../../src/views/report/svgCharts';

const W = 560;
const H = 260;
const PAD = { left: 56, right: 12, top: 24, bottom: 44 };

/** "Nice" tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

/** A line chart of several series against a shared x axis, with a legend under it. */
export function handLineChartSvg(title: string, xLabel: string, series: readonly LineSeries[]): string {
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y.filter((v): v is number => v !== null));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y0 + 1];
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H + 18 * Math.ceil(series.length / 3)}" width="${W}" role="img" aria-label="${escapeHtml(title)}">`);
  parts.push(`<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>`);
  parts.push(`<text x="${PAD.left}" y="16" font-family="sans-serif" font-size="13" font-weight="bold" fill="#222222">${escapeHtml(title)}</text>`);
  for (const t of niceTicks(y0, y1)) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" font-family="sans-serif" font-size="11" fill="#555555">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1)) {
    parts.push(`<text x="${px(t).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-family="sans-serif" font-size="11" fill="#555555">${fmt(t)}</text>`);
  }
  parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#888888"/>`);
  parts.push(`<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - PAD.bottom + 32}" text-anchor="middle" font-family="sans-serif" font-size="11" fill="#555555">${escapeHtml(xLabel)}</text>`);
  for (const s of series) {
    // A null value breaks the line into pieces ("M" starts a new one).
    let d = '';
    let pen = false;
    s.x.forEach((x, i) => {
      const y = s.y[i];
      if (y === null || y === undefined) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${px(x).toFixed(1)} ${py(y).toFixed(1)}`;
      pen = true;
    });
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
  }
  series.forEach((s, i) => {
    const lx = PAD.left + (i % 3) * 170;
    const ly = H + 4 + 18 * Math.floor(i / 3);
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 14}" y="${ly}" font-family="sans-serif" font-size="11" fill="#222222">${escapeHtml(s.label.length > 26 ? `${s.label.slice(0, 25)}…` : s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
