import type { CompareRun, TableGroup, TableRow } from '../../protocol/compare';
import { visibleRows } from './visibleRows';

const GROUP_TITLES: Readonly<Record<TableGroup, string>> = { run: 'Run', param: 'Params', data: 'Data', metric: 'Metrics' };

/**
 * A CSV field: quoted when needed (RFC 4180). Text that a spreadsheet would
 * run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`
 * (OWASP's CSV-injection advice); numbers such as `-0.5` stay numbers.
 */
export function csvField(text: string): string {
  let s = text;
  if (/^[=+\-@\t\r]/.test(s) && !Number.isFinite(Number(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Header `group,key,<run names>`, one line per row, CRLF line ends (RFC 4180). */
export function tableToCsv(runs: readonly CompareRun[], rows: readonly TableRow[], onlyDiffers: boolean): string {
  const lines = [['group', 'key', ...runs.map((r) => r.name)].map(csvField).join(',')];
  for (const row of visibleRows(rows, onlyDiffers)) {
    lines.push([row.group, row.key, ...row.values.map((v) => v ?? '')].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * Text safe in a Markdown table cell: pipes and Markdown punctuation
 * escaped, `<`/`>`/`&` as entities (renderers pass raw HTML through), line
 * breaks as spaces.
 */
export function markdownCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|#]/g, (c) => `\\${c}`);
}

/** One table per group (`### Params` …); best metric values in bold. */
export function tableToMarkdown(runs: readonly CompareRun[], rows: readonly TableRow[], onlyDiffers: boolean): string {
  const shown = visibleRows(rows, onlyDiffers);
  const header = `| key | ${runs.map((r) => markdownCell(r.name)).join(' | ')} |`;
  const rule = `| --- | ${runs.map(() => '---').join(' | ')} |`;
  const out: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as TableGroup[]) {
    const groupRows = shown.filter((r) => r.group === group);
    if (groupRows.length === 0) continue;
    out.push(`### ${GROUP_TITLES[group]}`, '', header, rule);
    for (const row of groupRows) {
      const best = new Set(row.best ?? []);
      const cells = row.values.map((v, i) => {
        const text = v === null ? '—' : markdownCell(v);
        return best.has(i) ? `**${text}**` : text;
      });
      out.push(`| ${markdownCell(row.key)} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  if (out.length === 0) out.push(onlyDiffers ? '_No differences._' : '_Nothing to compare._', '');
  return out.join('\n');
}
