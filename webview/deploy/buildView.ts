import type { BuildView, PageToHost, VersionChoice } from '../../src/protocol/deploy';
import { parseImageReference } from '../../src/protocol/imageReference';
import { h, icon, replaceChildren } from '../shared/dom';
import { button, seconds } from './format';

/** The page never holds more log lines than this (the host keeps the same cap). */
const MAX_LINES = 5000;

export interface BuildHost {
  readonly post: (m: PageToHost) => void;
  readonly choice: () => VersionChoice | undefined;
  readonly trusted: () => boolean;
}

/** The tag / base image check the CLI makes, while typing: '' when fine. */
function referenceProblem(text: string, allowDigest: boolean): string {
  if (text.trim() === '') return '';
  try {
    parseImageReference(text.trim(), { allowDigest });
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

function field(label: string, input: HTMLElement, message: HTMLElement): HTMLElement {
  return h('div', { className: 'field' }, h('label', {}, label), input, message);
}

/**
 * The Build section: tag, base image, "context only", Build / Cancel, the
 * outcome (image id and the command to run it; the context folder and the
 * command to build elsewhere; the failed step) and the live log.
 */
export class BuildSection {
  readonly element: HTMLElement;
  private readonly tag = h('vscode-textfield', { attrs: { 'aria-label': 'Image tag', 'data-field': 'tag' } }) as HTMLElement & { value: string; placeholder: string };
  private readonly base = h('vscode-textfield', { attrs: { 'aria-label': 'Base image', 'data-field': 'base' } }) as HTMLElement & { value: string };
  private readonly tagProblem = h('div', { className: 'invalid', attrs: { role: 'alert' } });
  private readonly baseProblem = h('div', { className: 'invalid', attrs: { role: 'alert' } });
  private readonly contextOnly = h('vscode-checkbox', { attrs: { label: 'Only write the build context (no container CLI)' } }) as HTMLElement & { checked: boolean };
  private readonly buildButton: HTMLElement;
  private readonly cancelButton: HTMLElement;
  private readonly outcome = h('div', { className: 'outcome', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly log = h('div', { className: 'log', attrs: { role: 'log', 'aria-label': 'Build log', tabindex: '0' } });
  private view: BuildView | undefined;
  private lineCount = 0;

  constructor(private readonly host: BuildHost) {
    this.tag.addEventListener('input', () => (this.tagProblem.textContent = referenceProblem(this.tag.value, false)));
    this.base.addEventListener('input', () => (this.baseProblem.textContent = referenceProblem(this.base.value, true)));
    this.buildButton = button('Build', 'tools', () => this.start(), false);
    this.buildButton.dataset.action = 'build';
    this.cancelButton = button('Cancel', 'debug-stop', () => host.post({ type: 'cancelBuild' }));
    this.cancelButton.hidden = true;
    this.element = h('section', { attrs: { 'aria-label': 'Build image' } },
      h('h2', {}, icon('package'), 'Build image'),
      h('div', { className: 'row' }, field('Tag', this.tag, this.tagProblem), field('Base image', this.base, this.baseProblem)),
      h('div', { className: 'row' }, this.contextOnly),
      h('div', { className: 'row' }, this.buildButton, this.cancelButton),
      this.outcome,
      this.log,
    );
  }

  /** A new version or new settings: defaults in the fields the user has not typed into. */
  setDefaults(choice: VersionChoice | undefined, baseImage: string): void {
    this.tag.placeholder = choice?.defaultTag ?? '';
    this.tag.setAttribute('placeholder', choice?.defaultTag ?? '');
    if (!this.base.value) this.base.value = baseImage;
  }

  private start(): void {
    const choice = this.host.choice();
    if (!choice) return;
    const tagProblem = referenceProblem(this.tag.value, false);
    const baseProblem = referenceProblem(this.base.value, true);
    this.tagProblem.textContent = tagProblem;
    this.baseProblem.textContent = baseProblem;
    if (tagProblem || baseProblem) return;
    this.host.post({ type: 'build', ref: choice.ref, tag: this.tag.value.trim(), baseImage: this.base.value.trim(), contextOnly: this.contextOnly.checked });
  }

  setBuild(view: BuildView): void {
    if (view.phase === 'running' && this.view?.phase !== 'running') this.clearLog();
    this.view = view;
    const running = view.phase === 'running';
    this.buildButton.toggleAttribute('disabled', running || !this.host.trusted());
    this.cancelButton.hidden = !running;
    this.renderOutcome(view);
    if (view.failedInstruction) this.highlightFailed(view.failedInstruction);
  }

  setLog(lines: readonly string[]): void {
    this.clearLog();
    this.appendLog(lines);
  }

  appendLog(lines: readonly string[]): void {
    const stick = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 4;
    const frag = document.createDocumentFragment();
    for (const line of lines) {
      const isStep = /^(STEP|Step) \d+|^#\d+ \[/.test(line);
      frag.appendChild(h('div', isStep ? { className: 'step' } : {}, line));
    }
    this.log.appendChild(frag);
    this.lineCount += lines.length;
    while (this.lineCount > MAX_LINES && this.log.firstChild) {
      this.log.removeChild(this.log.firstChild);
      this.lineCount--;
    }
    if (stick) this.log.scrollTop = this.log.scrollHeight;
  }

  private clearLog(): void {
    this.log.replaceChildren();
    this.lineCount = 0;
  }

  /** Marks the failed step's lines, from its STEP line to the next step, and scrolls to it. */
  private highlightFailed(instruction: string): void {
    let inside = false;
    let first: Element | undefined;
    for (const line of Array.from(this.log.children)) {
      const text = line.textContent ?? '';
      if (line.classList.contains('step')) inside = text.includes(instruction);
      if (inside) {
        line.classList.add('failed');
        first ??= line;
      }
    }
    first?.scrollIntoView({ block: 'center' });
  }

  private renderOutcome(v: BuildView): void {
    const copy = (text: string) => button('Copy', 'copy', () => this.host.post({ type: 'copy', text }));
    const commandLine = (label: string, command: string) => h('div', { className: 'row' }, h('span', {}, label), h('code', { className: 'command' }, command), copy(command));
    const reveal = (dir: string) => h('div', { className: 'row' }, h('span', {}, 'Build context:'), h('code', { className: 'command' }, dir),
      button('Reveal in Explorer', 'folder-opened', () => this.host.post({ type: 'revealContext', dir })));
    switch (v.phase) {
      case 'idle':
        replaceChildren(this.outcome);
        return;
      case 'running':
        replaceChildren(this.outcome, h('div', { className: 'banner' }, icon('loading', 'running'), `Building ${v.tag ?? v.ref ?? ''}…`));
        this.outcome.firstElementChild?.firstElementChild?.classList.add('codicon-modifier-spin');
        return;
      case 'succeeded':
        replaceChildren(this.outcome,
          h('div', { className: 'banner ok', dataset: { buildStatus: 'succeeded' } }, icon('pass'), `Built ${v.tag ?? ''} in ${seconds(v.durationMs)}`),
          h('div', { className: 'row' }, h('span', {}, 'Image id:'), h('code', { className: 'command', dataset: { imageId: '' } }, v.imageId ?? '')),
          v.runCommand ? commandLine('Run it:', v.runCommand) : null,
          v.contextDir ? reveal(v.contextDir) : null);
        return;
      case 'context-only':
      case 'no-cli':
        replaceChildren(this.outcome,
          h('div', { className: `banner ${v.phase === 'no-cli' ? 'warn' : 'ok'}`, dataset: { buildStatus: v.phase } }, icon(v.phase === 'no-cli' ? 'warning' : 'pass'),
            h('span', { className: 'text' }, v.phase === 'no-cli' ? `No image built: ${v.error ?? 'no working container CLI'}. The build context is ready to build where docker, podman or buildah works.` : 'The build context is written.')),
          v.contextDir ? reveal(v.contextDir) : null,
          v.command ? commandLine('Build it with:', v.command) : null,
          ...v.cliNotes.map((n) => h('div', { className: 'note' }, n)));
        return;
      case 'failed':
      case 'cancelled':
        replaceChildren(this.outcome,
          h('div', { className: 'banner error', dataset: { buildStatus: v.phase } }, icon(v.phase === 'failed' ? 'error' : 'circle-slash'),
            h('span', { className: 'text' }, v.phase === 'cancelled' ? 'Build cancelled.' : failureText(v))),
          v.contextDir ? reveal(v.contextDir) : null);
        return;
    }
  }
}

/** `Build failed at step 1/11 (FROM …): why`, without naming the step twice when the error already does. */
function failureText(v: BuildView): string {
  const error = v.error ?? 'the container CLI failed';
  if (!v.failedStep || error.includes(v.failedStep)) return `Build failed: ${error}`;
  return `Build failed at ${v.failedStep}: ${error}`;
}
