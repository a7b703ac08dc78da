import type { PageToHost, SmokeView, VersionChoice } from '../../src/protocol/deploy';
import { h, icon, replaceChildren } from '../shared/dom';
import { button, seconds } from './format';

export interface SmokeHost {
  readonly post: (m: PageToHost) => void;
  readonly choice: () => VersionChoice | undefined;
}

/** The Smoke test section: run it, then the predictions next to the labels with the match count. */
export class SmokeSection {
  readonly element: HTMLElement;
  private readonly runButton: HTMLElement;
  private readonly result = h('div', { className: 'smoke-result', attrs: { role: 'status', 'aria-live': 'polite' } });
  /** The smoke test runs workspace code: off in an untrusted workspace, whatever state arrives after. */
  private trusted = true;

  constructor(host: SmokeHost) {
    this.runButton = button('Run Smoke Test', 'beaker', () => {
      const c = host.choice();
      if (c) host.post({ type: 'smokeTest', ref: c.ref });
    }, false);
    this.runButton.dataset.action = 'smokeTest';
    this.element = h('section', { attrs: { 'aria-label': 'Smoke test' } },
      h('h2', {}, icon('beaker'), 'Smoke test'),
      h('p', { className: 'note' }, 'Runs the version\'s newest built image (where this machine can run containers; else the build context\'s files, what the image runs, on this machine\'s Node) and sends it a sample of rows of the model\'s data.'),
      h('div', { className: 'row' }, this.runButton),
      this.result);
  }

  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
    this.runButton.toggleAttribute('disabled', !trusted);
  }

  running(ref: string): void {
    this.runButton.toggleAttribute('disabled', true);
    const spin = icon('loading', 'running');
    spin.classList.add('codicon-modifier-spin');
    replaceChildren(this.result, h('div', { className: 'banner' }, spin, `Smoke-testing ${ref}…`));
  }

  failed(): void {
    this.runButton.toggleAttribute('disabled', !this.trusted);
    replaceChildren(this.result);
  }

  setResult(s: SmokeView | null): void {
    this.runButton.toggleAttribute('disabled', !this.trusted);
    if (!s) {
      replaceChildren(this.result);
      return;
    }
    const all = s.matches === s.rows.length;
    const what = s.task === 'regression' ? 'predictions within 10% of the label' : 'predictions match the label';
    replaceChildren(this.result,
      h('div', { className: `banner ${all ? 'ok' : 'warn'}` }, icon(all ? 'pass' : 'warning'),
        h('span', { className: 'big', dataset: { smokeMatches: String(s.matches), smokeRows: String(s.rows.length) } }, `${s.matches}/${s.rows.length}`),
        ` ${what} (${s.ref}, ${seconds(s.ms)})`),
      h('div', { className: 'note' }, `Rows from ${s.source}.`),
      h('div', { className: 'note', dataset: { smokeTarget: s.target } },
        s.image ? `Answered by the image ${s.image.tag} (${s.image.id.slice(0, 19)}, build #${s.image.buildId}, ${s.image.cli}).` : 'Answered by the build context\'s files, not the image.'),
      h('div', { className: 'note' }, `Server: ${s.how}.`),
      h('table', { className: 'smoke-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'line'), h('th', {}, 'expected'), h('th', {}, 'predicted'), h('th', {}, ''))),
        h('tbody', {}, ...s.rows.map((r) => h('tr', {},
          h('td', { className: 'num' }, r.line === null ? '' : String(r.line)),
          h('td', {}, r.expected),
          h('td', {}, r.predicted),
          h('td', { className: r.match ? 'match' : 'miss' }, icon(r.match ? 'check' : 'close', r.match ? 'match' : 'mismatch')))))));
  }
}
