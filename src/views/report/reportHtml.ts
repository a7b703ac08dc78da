import { createHash } from 'node:crypto';
import { escapeHtml } from '../escapeHtml';
import type { Block } from './reportBlocks';

/** The report's only style sheet; allowed by its hash, so the CSP needs no 'unsafe-inline'. */
const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#222;background:#fff;line-height:1.4}',
  'table{border-collapse:collapse;margin:8px 0 16px;font-variant-numeric:tabular-nums}',
  'th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}',
  'th{background:#f4f4f4}',
  'td.best{font-weight:600;color:#1e7b34}',
  'h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}',
  'figure{margin:8px 0 16px}',
  'p.note{color:#555}',
].join('\n');

/**
 * The Content-Security-Policy of the report: nothing may load or run (no
 * script, no connection, no remote image or font, no form); frame-ancestors is left out because a meta tag cannot carry it; the
 * one inline style sheet is allowed by its sha256. The charts are inline
 * SVG drawn with attributes, so they need nothing else.
 */
export function reportCsp(): string {
  const hash = createHash('sha256').update(STYLE, 'utf8').digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`;
}

/** The report as one self-contained HTML file. */
export function renderReportHtml(title: string, blocks: readonly Block[]): string {
  const body = blocks.map(block).join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(reportCsp())}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function block(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `<h${b.level}${b.id ? ` id="${escapeHtml(b.id)}"` : ''}>${escapeHtml(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p class="note">${escapeHtml(b.text)}</p>`;
    case 'table': {
      const head = `<tr>${b.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
      const rows = b.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c.text)}</th>` : `<td${c.best ? ' class="best"' : ''}>${escapeHtml(c.text)}</td>`)).join('')}</tr>`);
      return `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
    }
    case 'image':
      // Inline SVG: vega escaped its texts and attribute values when it drew it (svgCharts.ts; svgCharts.test.ts checks).
      return `<figure>${b.svg}</figure>`;
  }
}
