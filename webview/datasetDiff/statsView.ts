import type { ColumnStats, DiffSummary } from '../../src/protocol/datasetDiff';
import { h, replaceChildren } from '../shared/dom';
import { formatCount, formatStat } from './format';

type Entry = [label: string, value: string];

/** The statistics of one column on one side, as label/value pairs (same labels on both sides, so they line up). */
function entries(s: ColumnStats): Entry[] {
  switch (s.type) {
    case 'numeric':
      return [
        ['missing', formatCount(s.missing)],
        ['min', formatStat(s.min)],
        ['max', formatStat(s.max)],
        ['mean', formatStat(s.mean)],
        ['std', formatStat(s.std)],
      ];
    case 'categorical':
      return [
        ['missing', formatCount(s.missing)],
        ['distinct', formatCount(s.distinct)],
        ...s.top.slice(0, 3).map((t, i): Entry => [`top ${i + 1}`, `${t.value} (${formatCount(t.count)})`]),
      ];
    case 'boolean':
      return [
        ['missing', formatCount(s.missing)],
        ['true', formatCount(s.true)],
        ['false', formatCount(s.false)],
      ];
  }
}

/** Bars of one side: a numeric histogram, the top categories, or true/false. */
function histogram(s: ColumnStats, side: 'a' | 'b'): HTMLElement {
  let bars: { count: number; title: string }[];
  let range: [string, string] = ['', ''];
  if (s.type === 'numeric') {
    const { edges, counts } = s.histogram;
    bars = counts.map((count, i) => ({ count, title: `[${formatStat(edges[i])}, ${formatStat(edges[i + 1])}${i === counts.length - 1 ? ']' : ')'}: ${formatCount(count)}` }));
    if (edges.length) range = [formatStat(edges[0]), formatStat(edges[edges.length - 1])];
  } else if (s.type === 'categorical') {
    bars = s.top.map((t) => ({ count: t.count, title: `${t.value}: ${formatCount(t.count)}` }));
    range = ['most frequent', 'less'];
  } else {
    bars = [{ count: s.true, title: `true: ${formatCount(s.true)}` }, { count: s.false, title: `false: ${formatCount(s.false)}` }];
    range = ['true', 'false'];
  }
  const max = Math.max(1, ...bars.map((b) => b.count));
  const chart = h('div', { className: `hist side-${side}`, attrs: { role: 'img', 'aria-label': `distribution of ${s.name}` } });
  for (const b of bars) {
    const bar = h('div', { className: 'bar', title: b.title });
    bar.style.height = `${(b.count / max) * 100}%`; // CSSOM: allowed by the CSP, unlike style attributes
    chart.appendChild(bar);
  }
  return h('div', {}, chart, h('div', { className: 'hist-range' }, h('span', {}, range[0]), h('span', {}, range[1])));
}

function sideCell(s: ColumnStats | null, other: ColumnStats | null, side: 'a' | 'b'): HTMLElement {
  if (!s) return h('td', { className: 'absent' }, 'not in this version');
  const theirs = new Map(other && other.type === s.type ? entries(other) : []);
  const dl = h('dl');
  for (const [label, value] of entries(s)) {
    const changed = side === 'b' && theirs.size > 0 && theirs.get(label) !== value;
    dl.append(h('dt', {}, label), h('dd', { className: changed ? 'changed' : '', title: changed ? `was ${theirs.get(label) ?? '—'}` : '' }, value));
  }
  return h('td', { className: 'stats-side' }, dl, histogram(s, side));
}

/** Per-column statistics of A and B side by side, with a small histogram of each. */
export class StatsView {
  readonly element = h('div', { className: 'stats' });

  setSummary(summary: DiffSummary): void {
    if (summary.statistics.length === 0) {
      replaceChildren(this.element, h('p', { className: 'empty' }, summary.statisticsNote ?? 'No statistics.'));
      return;
    }
    const body = h('tbody');
    for (const pair of summary.statistics) {
      const type = pair.a && pair.b && pair.a.type !== pair.b.type ? `${pair.a.type} → ${pair.b.type}` : (pair.b ?? pair.a)?.type ?? '';
      body.appendChild(h('tr', { dataset: { column: pair.column } },
        h('th', { attrs: { scope: 'row' } }, pair.column, h('div', { className: 'muted' }, type)),
        sideCell(pair.a, pair.b, 'a'),
        sideCell(pair.b, pair.a, 'b'),
      ));
    }
    replaceChildren(
      this.element,
      summary.statisticsNote ? h('p', { className: 'note' }, summary.statisticsNote) : null,
      h('table', { className: 'plain stats-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Column'), h('th', {}, `A: ${summary.a.label}`), h('th', {}, `B: ${summary.b.label}`))),
        body),
    );
  }
}
