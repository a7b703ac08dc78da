import type { CompareData, ComparePageState, PageToHost, TableFormat, TableGroup, TableRow } from '../../src/protocol/compare';
import { visibleRows } from '../../src/views/compare/visibleRows';
import { formatMetric } from '../../src/views/runPresentation';
import { h, replaceChildren, swatch } from '../shared/dom';

export interface TableHost {
  readonly state: () => ComparePageState;
  readonly setState: (patch: Partial<ComparePageState>) => void;
  readonly colorOf: (run: CompareData['runs'][number]) => string;
  readonly post: (m: PageToHost) => void;
}

const GROUP_TITLES: Readonly<Record<TableGroup, string>> = { run: 'Run', param: 'Params', data: 'Data', metric: 'Metrics (latest value)' };

/**
 * Runs as columns, params and final metrics as rows. Rows where runs
 * differ are marked, and so are cells that differ from the first run (the
 * baseline); the best value of a metric row is marked by direction.
 */
export class TableView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private data: CompareData | undefined;

  constructor(private readonly host: TableHost) {
    const only = h('vscode-checkbox', { attrs: { label: 'Only what differs' } });
    only.checked = host.state().onlyDiffers;
    only.addEventListener('change', () => {
      this.host.setState({ onlyDiffers: only.checked });
      this.render();
    });
    const exportButton = (label: string, icon: string, format: TableFormat, destination: 'file' | 'clipboard') => {
      const b = h('vscode-button', { attrs: { secondary: '', icon } }, label);
      b.addEventListener('click', () => this.host.post({ type: 'exportTable', format, destination, onlyDiffers: this.host.state().onlyDiffers }));
      return b;
    };
    this.body = h('div', { className: 'table-scroll' });
    this.element = h(
      'div',
      { className: 'params' },
      h(
        'div',
        { className: 'controls' },
        only,
        h('span', { className: 'spacer' }),
        exportButton('CSV…', 'desktop-download', 'csv', 'file'),
        exportButton('Markdown…', 'markdown', 'markdown', 'file'),
        exportButton('Copy CSV', 'copy', 'csv', 'clipboard'),
        exportButton('Copy Markdown', 'copy', 'markdown', 'clipboard'),
      ),
      this.body,
    );
  }

  setData(data: CompareData): void {
    this.data = data;
    this.render();
  }

  private render(): void {
    const data = this.data;
    if (!data) return;
    const rows = visibleRows(data.table, this.host.state().onlyDiffers);
    const head = h(
      'tr',
      {},
      h('th', { className: 'key', attrs: { scope: 'col' } }, ''),
      ...data.runs.map((r) => h('th', { attrs: { scope: 'col' }, title: `${r.name} (${r.id})` }, swatch(this.host.colorOf(r)), r.name)),
    );
    const body = h('tbody');
    const columns = data.runs.length + 1;
    for (const group of Object.keys(GROUP_TITLES) as TableGroup[]) {
      const groupRows = rows.filter((r) => r.group === group);
      if (groupRows.length === 0) continue;
      body.appendChild(h('tr', { className: 'group' }, h('th', { attrs: { colspan: String(columns), scope: 'rowgroup' } }, GROUP_TITLES[group])));
      for (const row of groupRows) body.appendChild(this.row(row));
    }
    const table = h('table', { className: 'compare-table' }, h('thead', {}, head), body);
    // Live updates re-render the table: keep the user's scroll position.
    const { scrollTop, scrollLeft } = this.body;
    replaceChildren(this.body, rows.length ? table : h('p', { className: 'empty' }, 'All runs have the same params and metrics.'));
    this.body.scrollTop = scrollTop;
    this.body.scrollLeft = scrollLeft;
  }

  private row(row: TableRow): HTMLTableRowElement {
    const best = new Set(row.best ?? []);
    const baseline = row.values[0];
    const title = row.direction ? `${row.key} (${row.direction === 'max' ? 'higher' : 'lower'} is better)` : row.key;
    const tr = h('tr', { className: row.differs ? 'differs' : '', dataset: { group: row.group, key: row.key } }, h('th', { className: 'key', attrs: { scope: 'row' }, title }, row.key));
    row.values.forEach((v, i) => {
      const n = row.numbers?.[i];
      const text = v === null ? '—' : row.group === 'metric' ? formatMetric(n ?? Number(v)) : v;
      const classes = [v === null ? 'missing' : '', row.differs && i > 0 && v !== baseline ? 'cell-differs' : '', best.has(i) ? 'best' : ''];
      const td = h('td', { className: classes.filter(Boolean).join(' '), title: v ?? 'missing' }, text);
      if (best.has(i)) td.appendChild(h('span', { className: 'best-mark', attrs: { 'aria-label': 'best' } }, ' ★'));
      tr.appendChild(td);
    });
    return tr;
  }
}
