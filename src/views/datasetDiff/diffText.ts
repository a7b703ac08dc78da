import { categoryChangeText } from '../../core/datasetDiff/columnDrift';
import type { RowChange } from '../../core/datasetDiff/diffFiles';
import type { DatasetDiff, DiffCell } from '../../core/datasetDiff/types';
import { diffSummaryLine, sortDriftBySeverity } from './diffMarkdown';

/** Changes listed per modified row before "…". */
const MAX_CELLS_PER_ROW = 4;
const MAX_TEXT = 40;

/**
 * The compact terminal summary of a diff: what A and B are, one line of
 * counts, schema changes, the first changed rows, and the columns that
 * drifted (none-verdict columns left out).
 */
export function diffToText(diff: DatasetDiff, changes: readonly RowChange[], totalChanges: number): string {
  const r = diff.rows;
  const lines = [`A  ${diff.a}  (${r.rowsA} rows)`, `B  ${diff.b}  (${r.rowsB} rows)`, '', diffSummaryLine(diff)];
  const s = diff.schema;
  const schema = [
    ...s.added.map((c) => `+${c.name} (${c.type})`),
    ...s.removed.map((c) => `-${c.name} (${c.type})`),
    ...s.renamed.map((c) => `${c.from} → ${c.to}`),
    ...s.typeChanged.map((c) => `${c.name}: ${c.before} → ${c.after}`),
  ];
  if (schema.length > 0) lines.push(`columns: ${schema.join(', ')}`);
  if (changes.length > 0) {
    lines.push('', changes.length < totalChanges ? `first ${changes.length} of ${totalChanges} changed rows:` : 'changed rows:');
    const keyNames = r.mode === 'key' ? r.key ?? [] : [];
    for (const c of changes) lines.push(`  ${c.kind.padEnd(8)} ${rowIdent(c, keyNames)}${rowDetail(c, keyNames)}`);
  }
  const drifted = sortDriftBySeverity(diff.drift).filter((d) => d.verdict !== 'none');
  if (drifted.length > 0) {
    lines.push('', 'drift:');
    for (const d of drifted) {
      const extra = d.ks ? `, KS D ${fmt(d.ks.value)}` : d.chiSquare ? `, Cramér's V ${fmt(d.chiSquare.cramersV)}` : '';
      lines.push(`  ${d.column}: ${d.verdict} shift (PSI ${fmt(d.psi.value)}${extra}${categoryChangeText(d)})`);
    }
  }
  return lines.join('\n') + '\n';
}

function rowIdent(c: RowChange, keyNames: readonly string[]): string {
  if (keyNames.length > 0 && c.key) return keyNames.map((k, i) => `${k}=${cell(c.key![i] ?? null)}`).join(' ');
  const line = c.kind === 'removed' ? c.lineA : c.lineB ?? c.lineA;
  return line === undefined ? '' : `line ${line}`;
}

function rowDetail(c: RowChange, keyNames: readonly string[]): string {
  if (c.kind === 'modified') {
    const ch = c.changes ?? [];
    const shown = ch.slice(0, MAX_CELLS_PER_ROW).map((x) => `${x.column}: ${cell(x.before)} → ${cell(x.after)}`);
    return `  ${shown.join(', ')}${ch.length > MAX_CELLS_PER_ROW ? `, … (${ch.length} cells)` : ''}`;
  }
  const entries = Object.entries(c.values).filter(([k]) => !keyNames.includes(k));
  const values = entries.slice(0, MAX_CELLS_PER_ROW).map(([k, v]) => `${k}=${cell(v)}`);
  return values.length > 0 ? `  ${values.join(' ')}${entries.length > MAX_CELLS_PER_ROW ? ' …' : ''}` : '';
}

/** A cell on one terminal line: missing spelled out, control characters escaped, long text cut. */
function cell(v: DiffCell): string {
  if (v === null) return '(missing)';
  const t = typeof v === 'number' ? String(v) : JSON.stringify(v).slice(1, -1);
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t === '' ? '""' : t;
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
