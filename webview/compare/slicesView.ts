import type { CompareData, CompareRun, SliceColumnView, SliceReportView } from '../../src/protocol/compare';
import { formatMetric } from '../../src/views/runPresentation';
import { gapEnds, SLICE_METRIC_LABELS, SMALL_GROUP_TEXT } from '../../src/views/compare/sliceViews';
import { h, replaceChildren, swatch } from '../shared/dom';

export interface SlicesHost {
  readonly colorOf: (run: CompareRun) => string;
}

/** Metrics that are shares of rows: their bars are drawn against 1, not against the largest group. */
const RATES = new Set(['accuracy', 'precision', 'recall', 'selection_rate', 'false_positive_rate', 'false_negative_rate', 'precision_macro', 'recall_macro']);

/**
 * The Slices section: per run, per slice column, a table with a row per
 * group and a bar per metric (the run's colour; widths through CSSOM, which
 * the CSP allows). The two ends of each metric's gap are marked, the gap
 * is the last row, and the logged disparities follow under their metric
 * names. Small groups say so in their row; nothing is hidden. Every text
 * from data goes in as a Text node.
 */
export class SlicesView {
  readonly element = h('div', { className: 'slices' });

  constructor(private readonly host: SlicesHost) {}

  setData(data: CompareData): void {
    const byId = new Map(data.runs.map((r) => [r.id, r]));
    replaceChildren(this.element, ...data.slices.map((s) => this.runCard(s, byId.get(s.runId))));
  }

  private runCard(report: SliceReportView, run: CompareRun | undefined): HTMLElement {
    const color = run ? this.host.colorOf(run) : 'var(--vscode-charts-blue)';
    const title = h('div', { className: 'slice-title' },
      run ? swatch(color) : null,
      h('span', { className: 'run-name' }, run?.name ?? report.runId),
      h('span', { className: 'muted' }, ` · test rows${report.positive !== undefined ? ` · positive class ${report.positive}` : ''}`));
    return h('figure', { className: 'slice-card', dataset: { runId: report.runId } }, title, ...report.columns.map((c) => this.columnTable(report, c, color)));
  }

  private columnTable(report: SliceReportView, col: SliceColumnView, color: string): HTMLElement {
    const metrics = report.metrics;
    const ends = metrics.map((m) => gapEnds(col, m));
    const scale = metrics.map((m) => (RATES.has(m) ? 1 : Math.max(0, ...col.groups.map((g) => Math.abs(g.metrics[m] ?? 0)))));
    const head = h('tr', {}, h('th', { attrs: { scope: 'col' } }, col.column), h('th', { attrs: { scope: 'col' } }, 'count'),
      ...metrics.map((m) => h('th', { attrs: { scope: 'col' } }, SLICE_METRIC_LABELS[m] ?? m)));
    const body = h('tbody');
    col.groups.forEach((g, row) => {
      const label = h('th', { attrs: { scope: 'row' } }, h('span', { className: 'group-name' }, g.group), g.small ? h('span', { className: 'small-group', title: `fewer than ${report.minGroupSize} test rows` }, SMALL_GROUP_TEXT) : null);
      const cells = metrics.map((m, j) => {
        const v = g.metrics[m];
        const end = ends[j];
        const isMax = end !== undefined && end.max === row && end.max !== end.min;
        const isMin = end !== undefined && end.min === row && end.max !== end.min;
        const bar = h('span', { className: 'slice-bar' });
        bar.style.width = `${v === null || scale[j] === 0 ? 0 : Math.min(100, (Math.abs(v) / scale[j]) * 100)}%`;
        bar.style.backgroundColor = color;
        return h('td', { className: `slice-cell${isMax ? ' gap-end gap-max' : ''}${isMin ? ' gap-end gap-min' : ''}`, title: isMax ? 'largest of the groups' : isMin ? 'smallest of the groups' : '' },
          h('span', { className: 'slice-track' }, bar), h('span', { className: 'slice-value' }, v === null ? '—' : formatMetric(v)));
      });
      body.appendChild(h('tr', { className: g.small ? 'small' : '', dataset: { group: g.group } }, label, h('td', { className: 'num' }, String(g.count)), ...cells));
    });
    const gaps = metrics.map((m, j) => {
      const e = ends[j];
      const gap = e ? (col.groups[e.max].metrics[m] as number) - (col.groups[e.min].metrics[m] as number) : null;
      return h('td', { className: 'slice-gap' }, gap === null ? '—' : formatMetric(gap));
    });
    body.appendChild(h('tr', { className: 'gap-row' }, h('th', { attrs: { scope: 'row' } }, 'gap (max − min)'), h('td'), ...gaps));
    const logged = col.disparities.length
      ? h('p', { className: 'slice-disparities' }, ...col.disparities.map((d) => h('span', { className: 'disparity', dataset: { metric: d.metricKey } }, `${d.metricKey} = ${d.value === null ? '—' : formatMetric(d.value)}`)))
      : null;
    return h('div', { className: 'slice-column', dataset: { column: col.column } }, h('table', { className: 'compare-table slice-table' }, h('thead', {}, head), body), logged);
  }
}
