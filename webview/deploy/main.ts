import type { HostToPage } from '../../src/protocol/deploy';
import { DeployApp } from './deployApp';
import './elements';
import { STYLES } from './styles';
import { vscodeApi } from './vscodeApi';

/**
 * Entry of the Deploy page: styles, error reporting, the UI, the message
 * listener, and only then `ready` (the host sends nothing before it).
 */
function reportError(err: unknown): void {
  const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  vscodeApi.postMessage({ type: 'pageError', message });
}

window.addEventListener('error', (e) => reportError(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => reportError(e.reason));

const sheet = new CSSStyleSheet();
sheet.replaceSync(STYLES);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const app = new DeployApp(document.getElementById('app') ?? document.body, {
  post: (m) => vscodeApi.postMessage(m),
  saveState: (s) => vscodeApi.setState(s),
});

window.addEventListener('message', (e: MessageEvent<HostToPage>) => {
  try {
    app.onMessage(e.data);
  } catch (err) {
    reportError(err);
  }
});

vscodeApi.postMessage({ type: 'ready' });
