import type { MonitorView, PageToHost, VersionChoice } from '../../src/protocol/deploy';
import { h, icon, replaceChildren } from '../shared/dom';
import { button, num, percent } from './format';

export interface MonitorHost {
  readonly post: (m: PageToHost) => void;
  readonly choice: () => VersionChoice | undefined;
  readonly trusted: () => boolean;
}

function figure(label: string, value: string, key: string): HTMLElement {
  return h('div', { className: 'figure', dataset: { figure: key } }, h('span', { className: 'value' }, value), h('span', { className: 'label' }, label));
}

/**
 * The Monitor section for a running local server: traffic and latency from
 * its /metrics, input drift per feature against the training data (worst
 * first), a warning and "Retrain with Current Data" when drift is large.
 */
export class MonitorSection {
  readonly element: HTMLElement;
  private readonly actions = h('div', { className: 'row' });
  private readonly body = h('div', { className: 'monitor-body', attrs: { 'aria-live': 'polite' } });

  constructor(private readonly host: MonitorHost) {
    this.element = h('section', { attrs: { 'aria-label': 'Monitor' } }, h('h2', {}, icon('pulse'), 'Monitor'), this.actions, this.body);
  }

  /** Serve / Stop buttons for the chosen version. */
  setChoice(choice: VersionChoice | undefined): void {
    if (!choice) {
      replaceChildren(this.actions);
      return;
    }
    if (choice.servingUrl) {
      replaceChildren(this.actions,
        h('span', { dataset: { serving: choice.servingImage ? 'image' : 'local' } }, choice.servingImage ? `Serving the image ${choice.servingImage} at ` : 'Serving at '),
        h('code', { className: 'command' }, `${choice.servingUrl}/invocations`),
        button('Copy URL', 'copy', () => this.host.post({ type: 'copy', text: `${choice.servingUrl}/invocations` })),
        button('Stop Serving', 'debug-stop', () => this.host.post({ type: 'stopServing', ref: choice.ref })));
    } else {
      const serve = button('Serve Locally', 'play', () => this.host.post({ type: 'serve', ref: choice.ref }), false);
      serve.toggleAttribute('disabled', !this.host.trusted());
      // the version's newest built image, in a container (runlens serve --image)
      const image = button('Serve Image', 'package', () => this.host.post({ type: 'serve', ref: choice.ref, image: true }));
      image.dataset.action = 'serveImage';
      image.toggleAttribute('disabled', !this.host.trusted() || !choice.builtImage);
      image.title = choice.builtImage ? `Run ${choice.builtImage} in a container, its request log mounted for the monitor` : 'Build an image of this version first';
      replaceChildren(this.actions, serve, image);
    }
  }

  setMonitor(m: MonitorView | null, note: string | null): void {
    if (!m) {
      replaceChildren(this.body, note ? h('p', { className: 'note' }, note) : null);
      return;
    }
    const drift = m.drift;
    const large = drift?.verdict === 'large';
    replaceChildren(this.body,
      h('div', { className: 'figures' },
        figure('requests/s', num(m.requestsPerSecond, 1), 'rps'),
        figure('error rate', percent(m.errorRate), 'errorRate'),
        figure('p50', num(m.p50, 1, ' ms'), 'p50'),
        figure('p95', num(m.p95, 1, ' ms'), 'p95'),
        figure('p99', num(m.p99, 1, ' ms'), 'p99'),
        figure('requests since start', String(m.totalRequests), 'total')),
      h('div', { className: 'note' }, `${m.url} · updated ${new Date(m.at).toLocaleTimeString()}`),
      large ? h('div', { className: 'banner warn', attrs: { role: 'alert' } }, icon('warning'),
        'The live inputs drifted far from the training data: the model may be answering questions it never learned.',
        m.canRetrain ? button('Retrain with Current Data', 'refresh', () => this.host.post({ type: 'retrain', ref: m.ref }), false) : null) : null,
      ...m.warnings.filter((w) => !/large drift/.test(w)).map((w) => h('div', { className: 'banner warn' }, icon('warning'), w)),
      drift
        ? h('div', {},
          h('h3', {}, `Input drift: ${drift.verdict} (${drift.rows} live rows vs the training data, PSI)`),
          h('table', { className: 'drift-table' },
            h('thead', {}, h('tr', {}, h('th', {}, 'feature'), h('th', {}, 'PSI'), h('th', {}, 'verdict'), h('th', {}, 'live values'), h('th', {}, 'note'))),
            h('tbody', {}, ...drift.features.map((f) => h('tr', {},
              h('td', {}, f.feature),
              h('td', { className: 'num' }, num(f.psi, 3)),
              h('td', { className: f.verdict ? `verdict-${f.verdict}` : '' }, f.verdict ?? '—'),
              h('td', { className: 'num' }, String(f.live)),
              h('td', { className: 'note' }, f.note ?? ''))))))
        : h('p', { className: 'note' }, `Input drift: ${m.driftNote ?? 'not available'}`));
  }
}
