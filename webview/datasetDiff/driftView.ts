import type { ColumnDrift, DiffSummary, DriftVerdict } from '../../src/protocol/datasetDiff';
import { h, icon, replaceChildren } from '../shared/dom';
import { formatStat } from './format';

const VERDICT: Readonly<Record<DriftVerdict, [string, string]>> = {
  large: ['error', 'large drift'],
  moderate: ['warning', 'moderate drift'],
  none: ['pass', 'no drift'],
};

function verdict(v: DriftVerdict): HTMLElement {
  const [name, words] = VERDICT[v];
  return h('span', { className: `verdict verdict-${v}` }, icon(name), words);
}

function test(d: ColumnDrift): string {
  if (d.ks) return `KS D = ${formatStat(d.ks.value)}`;
  if (d.chiSquare) return `χ² = ${formatStat(d.chiSquare.value)} (dof ${d.chiSquare.dof}, p = ${formatStat(d.chiSquare.pValue)}, V = ${formatStat(d.chiSquare.cramersV)})`;
  return '—';
}

/** Drift per column, most severe first (the host sorts), with plain-words verdicts. */
export class DriftView {
  readonly element = h('div', { className: 'drift' });

  setSummary(summary: DiffSummary): void {
    if (summary.drift.length === 0) {
      replaceChildren(this.element, h('p', { className: 'empty' }, 'No column is present in both versions with the same type: nothing to measure.'));
      return;
    }
    const body = h('tbody');
    for (const d of summary.drift) {
      body.appendChild(h('tr', { dataset: { column: d.column, verdict: d.verdict } },
        h('th', { attrs: { scope: 'row' } }, d.column),
        h('td', {}, d.kind),
        h('td', { className: 'num', title: `PSI verdict: ${d.psi.verdict}` }, formatStat(d.psi.value)),
        h('td', {}, test(d)),
        h('td', {}, verdict(d.verdict)),
      ));
    }
    replaceChildren(this.element, h('table', { className: 'plain drift-table' },
      h('thead', {}, h('tr', {}, ...['Column', 'Kind', 'PSI', 'Test', 'Verdict'].map((t) => h('th', { attrs: { scope: 'col' } }, t)))),
      body));
  }
}
