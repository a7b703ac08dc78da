/** A legend entry drawn into an exported image. */
export interface LegendEntry {
  readonly label: string;
  readonly color: string;
}

const LEGEND_LIMIT = 24;

/**
 * The chart as a PNG data URL with what the page shows around it: the
 * theme's background (the canvas itself is transparent), a title and a
 * legend of the visible runs, so the image stands alone in a report.
 */
export function chartPng(canvas: HTMLCanvasElement, opts: { title: string; legend: readonly LegendEntry[]; background: string; foreground: string; font: string }): string {
  const ratio = canvas.width / Math.max(1, canvas.clientWidth || canvas.width);
  const pad = 10 * ratio;
  const line = 16 * ratio;
  const shown = opts.legend.slice(0, LEGEND_LIMIT);
  const probe = document.createElement('canvas').getContext('2d');
  if (!probe) return canvas.toDataURL('image/png');
  probe.font = `${12 * ratio}px ${opts.font}`;
  // Lay out legend entries in rows that fit the chart's width.
  const rows: { entry: LegendEntry; x: number }[][] = [[]];
  let x = pad;
  for (const entry of shown) {
    const w = 14 * ratio + probe.measureText(entry.label).width + 12 * ratio;
    if (x + w > canvas.width - pad && rows[rows.length - 1].length > 0) {
      rows.push([]);
      x = pad;
    }
    rows[rows.length - 1].push({ entry, x });
    x += w;
  }
  const extra = opts.legend.length > shown.length ? 1 : 0;
  const top = pad + line + pad / 2;
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = top + canvas.height + pad + (rows.length + extra) * line + pad;
  const ctx = out.getContext('2d');
  if (!ctx) return canvas.toDataURL('image/png');
  ctx.fillStyle = opts.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = opts.foreground;
  ctx.textBaseline = 'top';
  ctx.font = `600 ${13 * ratio}px ${opts.font}`;
  ctx.fillText(opts.title, pad, pad);
  ctx.drawImage(canvas, 0, top);
  ctx.font = `${12 * ratio}px ${opts.font}`;
  let y = top + canvas.height + pad;
  for (const row of rows) {
    for (const { entry, x: ex } of row) {
      ctx.fillStyle = entry.color;
      ctx.fillRect(ex, y + 3 * ratio, 10 * ratio, 10 * ratio);
      ctx.fillStyle = opts.foreground;
      ctx.fillText(entry.label, ex + 14 * ratio, y + ratio);
    }
    y += line;
  }
  if (extra) ctx.fillText(`+ ${opts.legend.length - shown.length} more runs`, pad, y + ratio);
  return out.toDataURL('image/png');
}
