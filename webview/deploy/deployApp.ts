import type { DeployPageState, DeployState, HostToPage, PageToHost, VersionChoice } from '../../src/protocol/deploy';
import { assertNever } from '../shared/assertNever';
import { h, icon, replaceChildren } from '../shared/dom';
import { BuildSection } from './buildView';
import { MonitorSection } from './monitorView';
import { SmokeSection } from './smokeView';

export interface AppIo {
  readonly post: (m: PageToHost) => void;
  readonly saveState: (s: DeployPageState) => void;
}

/**
 * The Deploy page: the version picker, then Build, Smoke test and Monitor
 * sections. Every value from the host (model names, tags, log lines, data)
 * becomes a Text node (`h`), never markup.
 */
export class DeployApp {
  private state: DeployState | undefined;
  private readonly select = h('vscode-single-select', { attrs: { 'aria-label': 'Model version', 'data-field': 'version' } }) as HTMLElement & { value: string };
  private readonly banners = h('div', { className: 'banners', attrs: { role: 'alert' } });
  private readonly build: BuildSection;
  private readonly smoke: SmokeSection;
  private readonly monitor: MonitorSection;
  private readonly body: HTMLElement;
  private readonly empty = h('p', { className: 'note' }, 'No registered model yet. Register a run\'s model first (Runs view → right-click a finished run → Register Model…).');

  constructor(root: HTMLElement, private readonly io: AppIo) {
    const base = { post: io.post, choice: () => this.choice(), trusted: () => this.state?.trusted ?? false };
    this.build = new BuildSection(base);
    this.smoke = new SmokeSection(base);
    this.monitor = new MonitorSection(base);
    this.select.addEventListener('change', () => {
      if (this.select.value && this.select.value !== this.state?.selected) io.post({ type: 'select', ref: this.select.value });
    });
    this.body = h('div', {}, this.build.element, this.smoke.element, this.monitor.element);
    replaceChildren(root,
      h('header', { className: 'top' }, h('h1', {}, icon('rocket'), ' Deploy'), this.select),
      this.banners, this.empty, this.body);
    root.removeAttribute('aria-busy');
  }

  private choice(): VersionChoice | undefined {
    return this.state?.versions.find((v) => v.ref === this.state?.selected);
  }

  onMessage(m: HostToPage): void {
    switch (m.type) {
      case 'state':
        return this.setState(m.state);
      case 'buildLog':
        return this.build.appendLog(m.lines);
      case 'build':
        this.build.setBuild(m.build);
        return;
      case 'smokeRunning':
        this.clearError();
        return this.smoke.running(m.ref);
      case 'smoke':
        this.smoke.setResult(m.smoke);
        // the result arrives below a long build log: bring its count into view
        this.smoke.element.scrollIntoView({ block: 'start' });
        return;
      case 'monitor':
        return this.monitor.setMonitor(m.monitor, m.note);
      case 'reveal':
        ({ build: this.build, smoke: this.smoke, monitor: this.monitor })[m.section].element.scrollIntoView({ block: 'start' });
        return;
      case 'error':
        this.smoke.failed();
        return this.showError(m.message);
      default:
        assertNever(m);
    }
  }

  private setState(s: DeployState): void {
    const first = this.state === undefined;
    const changedVersion = s.selected !== this.state?.selected;
    this.state = s;
    this.io.saveState({ selected: s.selected });
    this.renderSelect(s);
    this.empty.hidden = s.versions.length > 0;
    this.body.hidden = s.versions.length === 0;
    replaceChildren(this.banners, s.trusted ? null
      : h('div', { className: 'banner warn' }, icon('shield'), 'This workspace is not trusted: building, the smoke test and serving run code, so they are off until you trust it.'));
    const choice = this.choice();
    this.build.setDefaults(choice, s.baseImage);
    // The log and the smoke result stream in by their own messages; a state carries them for a page that was (re)loaded.
    if (first) this.build.setLog(s.log);
    this.build.setBuild(s.build);
    this.smoke.setTrusted(s.trusted);
    if (first || changedVersion) this.smoke.setResult(s.smoke?.ref === s.selected ? s.smoke : null);
    this.monitor.setChoice(choice);
    this.monitor.setMonitor(s.monitor, s.monitorNote);
  }

  private renderSelect(s: DeployState): void {
    const options = s.versions.map((v) => {
      const label = `${v.name} v${v.version}${v.aliases.length ? `  @${v.aliases.join(' @')}` : ''}  ·  run ${v.runName}${v.servingUrl ? '  ·  serving' : ''}`;
      const opt = h('vscode-option', { attrs: { value: v.ref } }, label);
      if (v.ref === s.selected) opt.setAttribute('selected', '');
      return opt;
    });
    replaceChildren(this.select, ...options);
    if (s.selected) this.select.value = s.selected;
  }

  private clearError(): void {
    for (const b of Array.from(this.banners.querySelectorAll('.banner.error'))) b.remove();
  }

  showError(message: string): void {
    this.clearError();
    const close = h('vscode-button', { attrs: { icon: 'close', secondary: '', 'aria-label': 'Dismiss' } });
    const banner = h('div', { className: 'banner error', dataset: { error: '' } }, icon('error'), h('span', { className: 'text' }, message), close);
    close.addEventListener('click', () => banner.remove());
    this.banners.appendChild(banner);
  }
}
