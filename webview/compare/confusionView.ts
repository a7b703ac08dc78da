import type { ClassReportView, CompareData, CompareRun, ConfusionMatrixView } from '../../src/protocol/compare';
import { bestIndices } from '../../src/views/compare/metricDirection';
import { h, replaceChildren, swatch } from '../shared/dom';

export interface ConfusionHost {
  readonly colorOf: (run: CompareRun) => string;
}

/** Largest heat share of a cell's background; the text stays readable on top. */
const MAX_HEAT = 75;

/**
 * Confusion matrices side by side, as tables (text stays selectable and
 * readable by screen readers). Cells are heat-coloured by the row share
 * (recall per true class) with the theme's chart colour mixed into the
 * background through CSSOM, which the CSP allows.
 */
export class ConfusionView {
  readonly element: HTMLElement;
  private readonly grid = h('div', { className: 'matrix-grid' });
  private readonly report = h('div', { className: 'report' });
  private normalized = false;
  private data: CompareData | undefined;

  constructor(private readonly host: ConfusionHost) {
    const norm = h('vscode-checkbox', { attrs: { label: 'Show row percentages' } });
    norm.addEventListener('change', () => {
      this.normalized = norm.checked;
      this.render();
    });
    this.element = h('div', { className: 'classification' }, h('div', { className: 'controls' }, norm), this.grid, this.report);
  }

  setData(data: CompareData): void {
    this.data = data;
    this.render();
  }

  private render(): void {
    const data = this.data;
    if (!data) return;
    const byId = new Map(data.runs.map((r) => [r.id, r]));
    replaceChildren(this.grid, ...data.confusionMatrices.map((m) => this.matrix(m, byId.get(m.runId))));
    replaceChildren(this.report, data.classReports.length ? this.reportTable(data.classReports, byId) : null);
  }

  private matrix(m: ConfusionMatrixView, run: CompareRun | undefined): HTMLElement {
    const head = h('tr', {}, h('th', { className: 'corner', title: 'rows: true class · columns: predicted' }, 'true \\ pred'), ...m.labels.map((l) => h('th', { attrs: { scope: 'col' } }, l)));
    const body = h('tbody');
    m.matrix.forEach((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      const tr = h('tr', {}, h('th', { attrs: { scope: 'row' } }, m.labels[i]));
      row.forEach((count, j) => {
        const share = total > 0 ? count / total : 0;
        const td = h('td', { className: i === j ? 'diag' : '', title: `true ${m.labels[i]}, predicted ${m.labels[j]}: ${count} (${(share * 100).toFixed(1)}% of the row)` },
          this.normalized ? `${(share * 100).toFixed(0)}%` : String(count));
        const heat = Math.round(share * MAX_HEAT);
        if (heat > 0) td.style.backgroundColor = `color-mix(in srgb, var(--vscode-charts-${i === j ? 'blue' : 'red'}) ${heat}%, transparent)`;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    const title = h('div', { className: 'matrix-title' }, run ? swatch(this.host.colorOf(run)) : null, run?.name ?? m.runId, m.split ? h('span', { className: 'muted split' }, `· ${m.split}`) : null);
    return h('figure', { className: 'matrix-card' }, title, h('table', { className: 'matrix' }, h('thead', {}, head), body));
  }

  /** Per-class F1 across runs (rows: classes), best per class marked. */
  private reportTable(reports: readonly ClassReportView[], byId: ReadonlyMap<string, CompareRun>): HTMLElement {
    const labels = [...new Set(reports.flatMap((r) => r.classes.map((c) => c.label)))];
    const head = h('tr', {}, h('th', {}, 'F1 per class'), ...reports.map((r) => {
      const run = byId.get(r.runId);
      return h('th', { attrs: { scope: 'col' } }, run ? swatch(this.host.colorOf(run)) : null, run?.name ?? r.runId);
    }));
    const body = h('tbody');
    for (const label of labels) {
      const values = reports.map((r) => r.classes.find((c) => c.label === label)?.f1 ?? null);
      const best = new Set(reports.length > 1 ? bestIndices(values, 'max') : []);
      body.appendChild(h('tr', {}, h('th', { attrs: { scope: 'row' } }, label), ...values.map((v, i) =>
        h('td', { className: best.has(i) ? 'best' : '' }, v === null ? '—' : v.toFixed(3), best.has(i) ? h('span', { className: 'best-mark' }, ' ★') : null))));
    }
    return h('table', { className: 'compare-table report-table' }, h('thead', {}, head), body);
  }
}
