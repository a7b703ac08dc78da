import type { CompareData, CompareRun, PageToHost } from '../../src/protocol/compare';
import { h, replaceChildren, swatch } from '../shared/dom';

export interface LegendHost {
  readonly colorOf: (run: CompareRun) => string;
  readonly hidden: () => ReadonlySet<string>;
  readonly toggle: (runId: string) => void;
  readonly post: (m: PageToHost) => void;
}

const STATUS_ICONS: Readonly<Record<string, string>> = {
  running: 'codicon-sync codicon-modifier-spin',
  queued: 'codicon-clock',
  failed: 'codicon-error',
  killed: 'codicon-circle-slash',
};

/**
 * One legend for every chart (W&B style): a chip per run toggles it in all
 * charts at once; × removes it from the comparison; "Add runs…" asks the host.
 */
export class LegendView {
  readonly element = h('div', { className: 'legend', attrs: { role: 'toolbar', 'aria-label': 'Runs' } });

  constructor(private readonly host: LegendHost) {}

  setData(data: CompareData): void {
    const hidden = this.host.hidden();
    const chips = data.runs.map((run) => {
      const off = hidden.has(run.id);
      const icon = STATUS_ICONS[run.status];
      const chip = h(
        'button',
        { className: `chip${off ? ' off' : ''}`, title: `${run.name} · ${run.experiment} · ${run.status}\nClick to ${off ? 'show' : 'hide'} in the charts`, attrs: { 'aria-pressed': String(!off), type: 'button' }, dataset: { runId: run.id } },
        swatch(this.host.colorOf(run)),
        h('span', { className: 'chip-name' }, run.name),
        icon ? h('span', { className: `codicon ${icon}`, attrs: { 'aria-label': run.status } }) : null,
      );
      chip.addEventListener('click', () => this.host.toggle(run.id));
      const remove = h('vscode-toolbar-button', { title: `Remove ${run.name} from the comparison`, attrs: { icon: 'close', label: `Remove ${run.name}` } });
      remove.addEventListener('click', () => this.host.post({ type: 'removeRun', runId: run.id }));
      return h('span', { className: 'chip-group' }, chip, remove);
    });
    const add = h('vscode-button', { attrs: { icon: 'add', secondary: '' } }, 'Add runs…');
    add.addEventListener('click', () => this.host.post({ type: 'pickRuns' }));
    replaceChildren(this.element, ...chips, add);
  }
}
