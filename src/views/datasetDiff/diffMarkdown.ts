import type { RowChange } from '../../core/datasetDiff/diffFiles';
import type { ColumnDrift, DatasetDiff, DiffCell, DriftVerdict, StatChange } from '../../core/datasetDiff/types';
import { markdownCell } from '../compare/tableExport';
import { markdownCode } from './markdownCode';
import { examplesAsRowChanges } from './rowExamples';

/** Changed rows listed when the caller does not say. */
export const DEFAULT_MARKDOWN_ROWS = 20;
/** Beyond this many value columns the row table keeps only the columns that changed. */
const MAX_ROW_COLUMNS = 12;

export interface DiffMarkdownOptions {
  /** Changed rows listed (default 20; 0 leaves the table out). */
  readonly maxRows?: number;
  /** The row changes to list (from `FileDiff.page`); default: the examples kept in the diff. */
  readonly changes?: RowChange[];
}

const VERDICT_WORDS: Readonly<Record<DriftVerdict, string>> = { large: 'large shift', moderate: 'moderate shift', none: 'no shift' };
const VERDICT_RANK: Readonly<Record<DriftVerdict, number>> = { large: 0, moderate: 1, none: 2 };

/** One line saying what changed, e.g. "3 rows added, 1 removed, 2 modified (4 cells); 1 column added". */
export function diffSummaryLine(diff: DatasetDiff): string {
  if (diff.identical) return 'No differences.';
  const r = diff.rows;
  const parts: string[] = [];
  const rowParts = [`${r.added} ${plural(r.added, 'row')} added`, `${r.removed} removed`];
  if (r.mode === 'key') rowParts.push(`${r.modified} modified (${r.changedCells} ${plural(r.changedCells, 'cell')})`);
  parts.push(rowParts.join(', '));
  const s = diff.schema;
  const schema = [
    s.added.length > 0 ? `${s.added.length} ${plural(s.added.length, 'column')} added` : '',
    s.removed.length > 0 ? `${s.removed.length} removed` : '',
    s.renamed.length > 0 ? `${s.renamed.length} renamed` : '',
    s.typeChanged.length > 0 ? `${s.typeChanged.length} changed type` : '',
  ].filter(Boolean);
  if (schema.length > 0) parts.push(schema.join(', '));
  if (diff.stats.length > 0) parts.push(`${diff.stats.length} ${plural(diff.stats.length, 'statistic')} changed`);
  const large = diff.drift.filter((d) => d.verdict === 'large').length;
  const moderate = diff.drift.filter((d) => d.verdict === 'moderate').length;
  if (large + moderate > 0) parts.push(`drift: ${[large ? `${large} large` : '', moderate ? `${moderate} moderate` : ''].filter(Boolean).join(', ')}`);
  return parts.join('; ') + '.';
}

/**
 * The diff as a Markdown report: summary counts, schema changes, the first
 * changed rows (modified cells as `old → new`), statistic changes, and the
 * drift table sorted by severity. Cell values are data: every one is escaped
 * (markdownCell: entities and backslashes, `|` for the table), except inside
 * a code span (column and key names), where Markdown shows text literally
 * and markdownCode picks a fence instead.
 */
export function diffToMarkdown(diff: DatasetDiff, options: DiffMarkdownOptions = {}): string {
  const maxRows = Math.max(0, options.maxRows ?? DEFAULT_MARKDOWN_ROWS);
  const out: string[] = [];
  out.push(`## Dataset diff`, '', `- **A:** ${markdownCell(diff.a)}`, `- **B:** ${markdownCell(diff.b)}`, '');
  out.push(`**${markdownCell(diffSummaryLine(diff))}**`, '');
  const r = diff.rows;
  out.push('| | A | B |', '|---|---:|---:|', `| rows | ${r.rowsA} | ${r.rowsB} |`, '');
  out.push('| change | count |', '|---|---:|', `| rows added | ${r.added} |`, `| rows removed | ${r.removed} |`);
  if (r.mode === 'key') out.push(`| rows modified | ${r.modified} |`, `| cells changed | ${r.changedCells} |`);
  out.push('');
  out.push(r.mode === 'key'
    ? `Rows matched by key ${r.key?.map((k) => markdownCode(k)).join(', ')}.`
    : 'No key: rows compared as whole rows (a changed row counts as one removed and one added).', '');

  const schema = schemaLines(diff);
  if (schema.length > 0) out.push('### Schema changes', '', ...schema, '');
  if (maxRows > 0) out.push(...rowSection(diff, options.changes ?? examplesAsRowChanges(diff), maxRows));
  if (diff.stats.length > 0) out.push(...statsSection(diff.stats));
  if (diff.drift.length > 0 && !diff.identical) out.push(...driftSection(diff.drift));
  return out.join('\n').replace(/\n+$/, '\n');
}

function schemaLines(diff: DatasetDiff): string[] {
  const s = diff.schema;
  return [
    ...s.added.map((c) => `- Column added: ${markdownCode(c.name)} (${c.type})`),
    ...s.removed.map((c) => `- Column removed: ${markdownCode(c.name)} (${c.type})`),
    ...s.renamed.map((c) => `- Column renamed: ${markdownCode(c.from)} → ${markdownCode(c.to)}`),
    ...s.typeChanged.map((c) => `- Type changed: ${markdownCode(c.name)} ${c.before} → ${c.after}`),
  ];
}

function rowSection(diff: DatasetDiff, changes: readonly RowChange[], maxRows: number): string[] {
  const r = diff.rows;
  const total = r.added + r.removed + r.modified;
  if (total === 0) return [];
  const listed = changes.slice(0, maxRows);
  const keyed = r.mode === 'key' && (r.key?.length ?? 0) > 0;
  const keyCols = keyed ? (r.key as string[]) : [];
  const changed = new Set<string>();
  for (const c of listed) for (const ch of c.changes ?? []) changed.add(ch.column);
  let cols: string[] = [];
  for (const c of listed) for (const name of Object.keys(c.values)) if (!keyCols.includes(name) && !cols.includes(name)) cols.push(name);
  let hidden = 0;
  if (cols.length > MAX_ROW_COLUMNS) {
    const narrowed = cols.filter((c) => changed.has(c)).slice(0, MAX_ROW_COLUMNS);
    hidden = cols.length - narrowed.length;
    cols = narrowed;
  }
  const head = ['change', ...(keyed ? keyCols : ['line']), ...cols];
  const lines = [`### Changed rows (${listed.length === total ? `all ${total}` : `first ${listed.length} of ${total}`})`, ''];
  lines.push(`| ${head.map(markdownCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const c of listed) {
    const ident = keyed ? keyCols.map((_, i) => cellMd(c.key?.[i] ?? null)) : [String(c.kind === 'removed' ? c.lineA ?? '' : c.lineB ?? c.lineA ?? '')];
    const cells = cols.map((col) => {
      const ch = c.changes?.find((x) => x.column === col);
      if (ch) return `${cellMd(ch.before)} → **${cellMd(ch.after)}**`;
      return col in c.values ? cellMd(c.values[col] ?? null) : '';
    });
    lines.push(`| ${[c.kind, ...ident, ...cells].join(' | ')} |`);
  }
  lines.push('');
  if (hidden > 0) lines.push(`${hidden} unchanged ${plural(hidden, 'column')} not shown.`, '');
  return lines;
}

function statsSection(stats: readonly StatChange[]): string[] {
  const lines = ['### Statistic changes', '', '| column | statistic | A | B | change |', '|---|---|---:|---:|---:|'];
  for (const s of stats) {
    const delta = s.before !== null && s.after !== null ? signed(s.after - s.before) : '';
    lines.push(`| ${markdownCell(s.column)} | ${s.stat} | ${num(s.before)} | ${num(s.after)} | ${delta} |`);
  }
  return [...lines, ''];
}

/** Columns by severity (large, moderate, none), then by PSI, largest first. */
export function sortDriftBySeverity(drift: readonly ColumnDrift[]): ColumnDrift[] {
  return [...drift].sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] || b.psi.value - a.psi.value || (a.column < b.column ? -1 : 1));
}

function driftSection(drift: readonly ColumnDrift[]): string[] {
  const lines = ['### Drift', '', '| column | verdict | PSI | KS D | chi-square (Cramér\'s V) |', '|---|---|---:|---:|---:|'];
  for (const d of sortDriftBySeverity(drift)) {
    const ks = d.ks ? `${num(d.ks.value)} (${d.ks.verdict})` : '';
    const chi = d.chiSquare ? `${num(d.chiSquare.value)} (V ${num(d.chiSquare.cramersV)}, ${d.chiSquare.verdict})` : '';
    lines.push(`| ${markdownCell(d.column)} | ${VERDICT_WORDS[d.verdict]} | ${num(d.psi.value)} (${d.psi.verdict}) | ${ks} | ${chi} |`);
  }
  lines.push('', 'PSI under 0.1 is no shift, under 0.25 moderate, else large; KS D and Cramér\'s V: under 0.1 none, under 0.2 moderate, else large.', '');
  return lines;
}

function cellMd(v: DiffCell): string {
  if (v === null) return '*missing*';
  if (v === '') return '*empty*';
  return markdownCell(String(v));
}

/** A statistic for reading: 4 significant digits, integers as they are. */
function num(v: number | null): string {
  if (v === null) return '';
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(4)).toString();
}

function signed(v: number): string {
  const t = num(v);
  return v > 0 ? `+${t}` : t;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
