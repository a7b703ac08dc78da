import type { DatasetDiffPageState, HostToPage } from '../../src/protocol/datasetDiff';
import { sanitizeDiffState } from '../../src/extension/datasetDiff/pageState';
import { assertNever } from '../../src/views/compare/assertNever';
import { DiffApp } from './diffApp';
import './elements';
import { STYLES } from './styles';
import { vscodeApi } from './vscodeApi';

/**
 * Entry of the dataset-diff page: styles, error reporting, the UI, the
 * message listener, and only then `ready` (the host sends nothing before it).
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

const saved = sanitizeDiffState(vscodeApi.getState());
const initial: DatasetDiffPageState = saved ?? { refA: '', refB: '', key: [], filter: {}, collapsed: [] };
const app = new DiffApp(document.getElementById('app') ?? document.body, initial, {
  post: (m) => vscodeApi.postMessage(m),
  saveState: (s) => vscodeApi.setState(s),
});

function onMessage(m: HostToPage): void {
  switch (m.type) {
    case 'start':
    case 'progress':
    case 'summary':
    case 'error':
      app.onMessage(m);
      return;
    case 'rows':
      app.setRows(m);
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
