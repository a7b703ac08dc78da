import type { DatasetDiffPageState, DiffSummary, HostToPage, PageToHost, RowFilter } from '../../src/protocol/datasetDiff';
import { collapsibleSection } from '../shared/collapsibleSection';
import { h, icon, replaceChildren } from '../shared/dom';
import { DriftView } from './driftView';
import { formatCount } from './format';
import { RowsTable } from './rowsTable';
import { StatsView } from './statsView';

export interface AppIo {
  readonly post: (m: PageToHost) => void;
  readonly saveState: (s: DatasetDiffPageState) => void;
}

type SectionId = 'schema' | 'rows' | 'stats' | 'drift';

/**
 * The dataset-diff page: the two sides and actions, a status line (progress
 * or error), the summary counts, then collapsible sections: schema changes,
 * changed rows (virtualised), per-column statistics, drift. Every value from
 * the data becomes a Text node (`h`), never markup.
 */
export class DiffApp {
  private readonly sides = h('div', { className: 'sides-labels' });
  private readonly status = h('div', { className: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly counts = h('div', { className: 'counts' });
  private readonly keyLine = h('div', { className: 'key-line' });
  private readonly schema = h('div', { className: 'schema-view' });
  private readonly rows: RowsTable;
  private readonly stats = new StatsView();
  private readonly drift = new DriftView();
  private readonly exports: HTMLElement;
  private readonly body: HTMLElement;
  private requestCounter = 0;

  constructor(
    root: HTMLElement,
    private state: DatasetDiffPageState,
    private readonly io: AppIo,
  ) {
    this.rows = new RowsTable({
      requestRows: (offset, limit, filter) => {
        const requestId = ++this.requestCounter;
        io.post({ type: 'requestRows', requestId, offset, limit, filter });
        return requestId;
      },
      filter: () => this.state.filter,
      setFilter: (filter: RowFilter) => this.setState({ filter }),
    });
    const button = (label: string, iconName: string, m: PageToHost, secondary = true) => {
      const b = h('vscode-button', { attrs: { icon: iconName, ...(secondary ? { secondary: '' } : {}) } }, label);
      b.addEventListener('click', () => io.post(m));
      return b;
    };
    this.exports = h('div', { className: 'actions' },
      button('Export CSV…', 'desktop-download', { type: 'export', format: 'csv', destination: 'file' }),
      button('Open Markdown', 'markdown', { type: 'export', format: 'markdown', destination: 'untitled' }),
      button('Save Markdown…', 'save', { type: 'export', format: 'markdown', destination: 'file' }),
    );
    this.exports.hidden = true;
    this.body = h('div', { className: 'diff-body' },
      this.counts,
      this.keyLine,
      this.section('schema', 'Schema changes', this.schema),
      this.section('rows', 'Changed rows', this.rows.element),
      this.section('stats', 'Column statistics', this.stats.element),
      this.section('drift', 'Drift', this.drift.element),
    );
    this.body.hidden = true;
    replaceChildren(root, h('header', { className: 'sides' }, this.sides, h('span', { className: 'spacer' }), this.exports), this.status, this.body);
    root.removeAttribute('aria-busy');
    this.renderSides(state.refA, state.refB);
  }

  onMessage(m: Exclude<HostToPage, { type: 'rows' }>): void {
    switch (m.type) {
      case 'start':
        this.setState({ refA: m.refA, refB: m.refB, key: [...m.key] });
        this.renderSides(m.refA, m.refB);
        this.body.hidden = true;
        this.exports.hidden = true;
        this.showProgress('Starting');
        return;
      case 'progress':
        this.showProgress(m.message, m.fraction);
        return;
      case 'summary':
        this.setSummary(m.summary);
        return;
      case 'error':
        this.showError(m.message, m.changeKey);
        return;
    }
  }

  setRows(m: Extract<HostToPage, { type: 'rows' }>): void {
    this.rows.setRows(m.requestId, m.total, m.offset, m.rows);
  }

  private setState(patch: Partial<DatasetDiffPageState>): void {
    this.state = { ...this.state, ...patch };
    this.io.saveState(this.state);
  }

  private section(id: SectionId, title: string, content: HTMLElement): HTMLElement {
    return collapsibleSection({
      id,
      title,
      content: h('div', { className: 'section-body' }, content),
      collapsed: () => this.state.collapsed,
      onCollapsedChange: (collapsed) => this.setState({ collapsed }),
    });
  }

  private renderSides(refA: string, refB: string, labels?: { a: string; b: string }): void {
    const side = (tag: string, ref: string, label?: string) =>
      h('span', { className: 'side', dataset: { side: tag }, title: ref }, h('span', { className: 'tag' }, `${tag}:`), h('span', { className: 'label' }, label ?? ref));
    replaceChildren(this.sides, side('A', refA, labels?.a), icon('arrow-right'), side('B', refB, labels?.b));
  }

  private showProgress(message: string, fraction?: number): void {
    const fill = h('div', { className: 'progress-fill' });
    if (fraction !== undefined) fill.style.width = `${Math.round(fraction * 100)}%`;
    replaceChildren(this.status, h('p', { className: 'banner progress' }, icon('loading codicon-modifier-spin'), `${message}…`, h('div', { className: 'progress-track' }, fill)));
  }

  private showError(message: string, changeKey: boolean): void {
    const retry = h('vscode-button', { attrs: { icon: 'refresh', secondary: '' } }, 'Retry');
    retry.addEventListener('click', () => this.io.post({ type: 'rerun' }));
    const buttons = [retry];
    if (changeKey) {
      const key = h('vscode-button', { attrs: { icon: 'key', secondary: '' } }, 'Change key…');
      key.addEventListener('click', () => this.io.post({ type: 'changeKey' }));
      buttons.push(key);
    }
    replaceChildren(this.status, h('p', { className: 'banner error', attrs: { role: 'alert' } }, icon('error'), h('span', { className: 'message' }, message), ...buttons));
    this.body.hidden = true;
    this.exports.hidden = true;
  }

  private setSummary(s: DiffSummary): void {
    this.renderSides(s.a.ref, s.b.ref, { a: s.a.label, b: s.b.label });
    replaceChildren(this.status, s.identical
      ? h('p', { className: 'banner identical' }, icon('pass'), 'No change: same columns, same rows, same statistics.')
      : null);
    const count = (id: string, label: string, n: number, title?: string) =>
      h('div', { className: 'count', dataset: { count: id }, title: title ?? label }, h('span', { className: 'count-value' }, formatCount(n)), h('span', { className: 'count-label' }, label));
    replaceChildren(this.counts,
      count('rowsA', 'rows in A', s.a.rows, s.a.label),
      count('rowsB', 'rows in B', s.b.rows, s.b.label),
      count('added', 'added', s.counts.added),
      count('removed', 'removed', s.counts.removed),
      s.mode === 'key' ? count('modified', 'modified', s.counts.modified) : null,
      s.mode === 'key' ? count('changedCells', 'changed cells', s.counts.changedCells) : null,
      h('span', { className: 'muted note' }, `in ${(s.elapsedMs / 1000).toFixed(1)} s`),
    );
    const changeKey = h('vscode-button', { attrs: { icon: 'key', secondary: '' } }, s.mode === 'key' ? 'Change key…' : 'Pick key columns…');
    changeKey.addEventListener('click', () => this.io.post({ type: 'changeKey' }));
    replaceChildren(this.keyLine,
      h('span', {}, s.mode === 'key' ? `Rows matched on key: ${s.key.join(', ')}` : 'No key: rows compared whole, as a multiset (added/removed only).'),
      changeKey);
    this.renderSchema(s);
    this.rows.setSummary(s);
    this.stats.setSummary(s);
    this.drift.setSummary(s);
    this.body.hidden = false;
    this.exports.hidden = false;
  }

  private renderSchema(s: DiffSummary): void {
    const items: HTMLElement[] = [
      ...s.schema.added.map((c) => h('li', { className: 'schema-added' }, icon('diff-added', 'added'), 'added ', h('code', {}, c.name), ` (${c.type})`)),
      ...s.schema.removed.map((c) => h('li', { className: 'schema-removed' }, icon('diff-removed', 'removed'), 'removed ', h('code', {}, c.name), ` (${c.type})`)),
      ...s.schema.renamed.map((r) => h('li', { className: 'schema-renamed' }, icon('diff-renamed', 'renamed'), 'renamed ', h('code', {}, r.from), ' → ', h('code', {}, r.to))),
      ...s.schema.typeChanged.map((t) => h('li', { className: 'schema-type' }, icon('symbol-field', 'type changed'), h('code', {}, t.name), `: ${t.before} → ${t.after}`)),
    ];
    replaceChildren(this.schema, items.length ? h('ul', { className: 'schema' }, ...items) : h('p', { className: 'empty' }, 'Same columns with the same types (column order is ignored).'));
  }
}
