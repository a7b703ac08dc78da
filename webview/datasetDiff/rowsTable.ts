import type { DiffSummary, RowChange, RowChangeKind, RowFilter } from '../../src/protocol/datasetDiff';
import { h, icon, replaceChildren } from '../shared/dom';
import { cellNode, cellText, formatCount } from './format';

export interface RowsHost {
  /** Asks the host for a window of rows; returns the request id. */
  readonly requestRows: (offset: number, limit: number, filter: RowFilter) => number;
  readonly filter: () => RowFilter;
  readonly setFilter: (filter: RowFilter) => void;
}

/** Must match `--rl-row-h` in styles.ts. */
const ROW_H = 24;
/** Rows per request; the host caps larger asks. */
const BLOCK = 100;
/** Browsers stop laying out elements taller than ~16–33M px: past this the scrollbar maps to rows by ratio. */
const MAX_SPACER_PX = 8_000_000;
const WIDTH = { marker: 32, line: 110, column: 160 };

const KIND_ICON: Readonly<Record<RowChangeKind, [string, string]>> = {
  added: ['diff-added', 'added'],
  removed: ['diff-removed', 'removed'],
  modified: ['diff-modified', 'modified'],
};

/**
 * The changed rows, virtualised: only the rows in view are in the DOM, and
 * only the blocks in view are asked for (`requestRows`), so a diff with
 * millions of changed rows costs the page a few hundred rows at a time.
 * Added rows are green, removed red; a modified row shows each changed cell
 * as `old → new`.
 */
export class RowsTable {
  readonly element: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly head: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly block: HTMLElement;
  private summary: DiffSummary | undefined;
  private columns: string[] = [];
  private total: number | undefined;
  private readonly blocks = new Map<number, RowChange[]>();
  /** Request id → block index, for requests of the current filter only. */
  private readonly pending = new Map<number, number>();
  private queued = false;

  constructor(private readonly host: RowsHost) {
    this.controls = h('div', { className: 'filters' });
    this.head = h('div', { className: 'rows-head' });
    this.block = h('div', { className: 'rows-block' });
    this.spacer = h('div', { className: 'rows-spacer' }, this.block);
    this.viewport = h('div', { className: 'rows-viewport', attrs: { role: 'region', 'aria-label': 'Changed rows', tabindex: '0' } }, this.head, this.spacer);
    this.viewport.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
    this.element = h('div', { className: 'rows' }, this.controls, this.viewport);
  }

  setSummary(summary: DiffSummary): void {
    this.summary = summary;
    const key = summary.key.filter((k) => summary.columns.includes(k));
    this.columns = [...key, ...summary.columns.filter((c) => !key.includes(c))];
    this.renderControls();
    this.reset();
  }

  /** An answer from the host; answers to superseded requests are dropped. */
  setRows(requestId: number, total: number, offset: number, rows: readonly RowChange[]): void {
    const index = this.pending.get(requestId);
    if (index === undefined) return;
    this.pending.delete(requestId);
    this.total = total;
    // The host answers at the offset asked for (clamped past the end): store the rows where they belong.
    this.blocks.set(offset === index * BLOCK ? index : Math.floor(offset / BLOCK), [...rows]);
    this.render();
  }

  private reset(): void {
    this.blocks.clear();
    this.pending.clear();
    this.total = undefined;
    this.viewport.scrollTop = 0;
    this.renderHead();
    this.render();
  }

  private renderControls(): void {
    const s = this.summary;
    if (!s) return;
    const filter = this.host.filter();
    const kind = h('vscode-single-select', { attrs: { 'aria-label': 'Change kind' } });
    const kinds: [string, string][] = [
      ['', `All changes (${formatCount(s.counts.added + s.counts.removed + s.counts.modified)})`],
      ['added', `Added (${formatCount(s.counts.added)})`],
      ['removed', `Removed (${formatCount(s.counts.removed)})`],
      ...(s.mode === 'key' ? [['modified', `Modified (${formatCount(s.counts.modified)})`] as [string, string]] : []),
    ];
    for (const [value, label] of kinds) {
      const opt = h('vscode-option', { attrs: { value } }, label);
      if ((filter.kind ?? '') === value) opt.setAttribute('selected', '');
      kind.appendChild(opt);
    }
    const column = h('vscode-single-select', { attrs: { 'aria-label': 'Column', combobox: '' } });
    const allColumns = h('vscode-option', { attrs: { value: '' } }, 'All columns');
    if (!filter.column) allColumns.setAttribute('selected', '');
    column.appendChild(allColumns);
    for (const c of s.comparedColumns) {
      const n = s.changedCellsByColumn[c];
      const opt = h('vscode-option', { attrs: { value: c } }, n ? `${c} (${formatCount(n)} changed)` : c);
      if (filter.column === c) opt.setAttribute('selected', '');
      column.appendChild(opt);
    }
    const apply = () => {
      const k = kind.value as RowChangeKind | '';
      this.host.setFilter({ ...(k ? { kind: k } : {}), ...(column.value ? { column: column.value } : {}) });
      this.reset();
    };
    kind.addEventListener('change', apply);
    column.addEventListener('change', apply);
    replaceChildren(this.controls, h('label', {}, 'Show ', kind), h('label', {}, 'touching ', column), h('span', { className: 'note rows-total' }));
  }

  private colgroup(): HTMLTableColElement {
    const g = h('colgroup');
    const col = (w: number) => {
      const c = h('col');
      c.style.width = `${w}px`;
      return c;
    };
    g.append(col(WIDTH.marker), col(WIDTH.line), ...this.columns.map(() => col(WIDTH.column)));
    return g;
  }

  private tableWidth(): number {
    return WIDTH.marker + WIDTH.line + this.columns.length * WIDTH.column;
  }

  private renderHead(): void {
    const key = new Set(this.summary?.key ?? []);
    const row = h('tr', {},
      h('th', { attrs: { scope: 'col' }, title: 'Change' }, ''),
      h('th', { attrs: { scope: 'col' }, title: 'Line in A → line in B' }, 'Line'),
      ...this.columns.map((c) => h('th', { className: key.has(c) ? 'key-col' : '', attrs: { scope: 'col' }, title: c }, c)),
    );
    const table = h('table', { className: 'grid' }, this.colgroup(), h('thead', {}, row));
    table.style.width = `${this.tableWidth()}px`;
    replaceChildren(this.head, table);
  }

  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.render();
    });
  }

  /** Draws the rows in view and asks for the blocks it does not have. */
  private render(): void {
    if (!this.summary) return;
    const total = this.total ?? BLOCK;
    const note = this.controls.querySelector('.rows-total');
    if (note) note.textContent = this.total === undefined ? 'loading…' : `${formatCount(this.total)} row${this.total === 1 ? '' : 's'}`;
    const height = Math.min(total * ROW_H, MAX_SPACER_PX);
    this.spacer.style.height = `${height}px`;
    this.spacer.style.width = `${this.tableWidth()}px`;
    const viewH = Math.max(this.viewport.clientHeight - this.head.offsetHeight, ROW_H);
    const visible = Math.ceil(viewH / ROW_H) + 1;
    const scaled = total * ROW_H > MAX_SPACER_PX;
    const scrollTop = this.viewport.scrollTop;
    const first = scaled
      ? Math.floor((scrollTop / Math.max(1, height - viewH)) * Math.max(0, total - visible + 1))
      : Math.floor(scrollTop / ROW_H);
    const last = Math.min(total, first + visible);
    this.block.style.top = `${scaled ? scrollTop : first * ROW_H}px`;
    for (let b = Math.floor(first / BLOCK); b <= Math.floor(Math.max(first, last - 1) / BLOCK); b++) this.ensure(b);
    if (this.total === 0) {
      replaceChildren(this.block, h('p', { className: 'empty' }, this.summary.identical ? 'No changed rows.' : 'No changed rows match this filter.'));
      return;
    }
    const body = h('tbody');
    for (let i = first; i < last; i++) {
      const row = this.blocks.get(Math.floor(i / BLOCK))?.[i % BLOCK];
      body.appendChild(row ? this.row(row, i) : h('tr', { className: 'loading-row' }, h('td', { attrs: { colspan: String(this.columns.length + 2) } }, '…')));
    }
    const table = h('table', { className: 'grid' }, this.colgroup(), body);
    table.style.width = `${this.tableWidth()}px`;
    replaceChildren(this.block, table);
  }

  private ensure(index: number): void {
    if (this.blocks.has(index) || [...this.pending.values()].includes(index)) return;
    if (this.total !== undefined && index * BLOCK >= this.total) return;
    const id = this.host.requestRows(index * BLOCK, BLOCK, this.host.filter());
    this.pending.set(id, index);
  }

  private row(r: RowChange, index: number): HTMLTableRowElement {
    const [iconName, label] = KIND_ICON[r.kind];
    const changed = new Map((r.changes ?? []).map((c) => [c.column, c]));
    const lines = [r.lineA !== undefined ? `A ${r.lineA}` : '', r.lineB !== undefined ? `B ${r.lineB}` : ''].filter(Boolean).join(' → ');
    const key = new Set(this.summary?.key ?? []);
    const tr = h('tr', { className: `row-${r.kind}`, dataset: { index: String(index), kind: r.kind } },
      h('td', { className: 'marker', title: label }, icon(iconName, label)),
      h('td', { className: 'line', title: lines }, lines),
    );
    for (const c of this.columns) {
      const change = changed.get(c);
      if (change) {
        const before = cellText(change.before) ?? '(missing)';
        const after = cellText(change.after) ?? '(missing)';
        tr.appendChild(h('td', { className: 'cell-modified', title: `${c}: ${before} → ${after}`, dataset: { column: c } },
          h('span', { className: 'before' }, cellNode(change.before)),
          h('span', { className: 'arrow', attrs: { 'aria-label': 'changed to' } }, ' → '),
          h('span', { className: 'after' }, cellNode(change.after)),
        ));
      } else {
        const v = r.values[c];
        tr.appendChild(h('td', { className: key.has(c) ? 'key-col' : '', title: cellText(v) ?? 'missing', dataset: { column: c } }, cellNode(v)));
      }
    }
    return tr;
  }
}
