import type { DiffCell } from '../../src/protocol/datasetDiff';
import { h } from '../shared/dom';

/** A cell as text: numbers as JavaScript prints them (full precision), missing as null. */
export function cellText(v: DiffCell | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? String(v) : v;
}

/** A cell as a node: data stays a Text node; missing values show as an em dash. */
export function cellNode(v: DiffCell | undefined): Node {
  const text = cellText(v);
  return text === null ? h('span', { className: 'missing', title: 'missing' }, '—') : document.createTextNode(text);
}

/** Statistics: 4 significant digits, integers as they are. */
export function formatStat(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
