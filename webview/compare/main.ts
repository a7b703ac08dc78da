import type { HostToPage } from '../../src/protocol/compare';
import { assertNever } from '../../src/views/compare/assertNever';
import { sanitizePageState } from '../../src/views/compare/pageState';
import { CompareApp } from './compareApp';
import './elements';
import { vscodeApi } from './vscodeApi';

/**
 * Entry of the compare page: error reporting, the UI, the message
 * listener, and only then `ready` (the host sends nothing before it).
 */
function reportError(err: unknown): void {
  const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  vscodeApi.postMessage({ type: 'pageError', message });
}

window.addEventListener('error', (e) => reportError(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => reportError(e.reason));

const app = new CompareApp(document.getElementById('app') ?? document.body, sanitizePageState(vscodeApi.getState()), {
  post: (m) => vscodeApi.postMessage(m),
  saveState: (s) => vscodeApi.setState(s),
});

function onMessage(m: HostToPage): void {
  switch (m.type) {
    case 'data':
      app.setData(m.data, m.reason);
      return;
    case 'series':
      app.setSeries(m);
      return;
    case 'range':
      app.applyRange(m);
      return;
    case 'dataChanges':
      app.setDataChanges(m.changes);
      return;
    case 'error':
      app.showError(m.message);
      return;
    default:
      assertNever(m);
  }
}

window.addEventListener('message', (e: MessageEvent<HostToPage>) => {
  try {
    onMessage(e.data);
  } catch (err) {
    reportError(err);
  }
});

vscodeApi.postMessage({ type: 'ready' });
