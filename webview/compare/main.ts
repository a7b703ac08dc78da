import type { ComparePageState, HostToPage, PageToHost } from '../../src/protocol/compare';
import { assertNever } from '../shared/assertNever';
import { sanitizePageState } from '../../src/views/compare/pageState';
import { startPage } from '../shared/startPage';
import { CompareApp } from './compareApp';
import './elements';

/** Entry of the compare page (start-up order: ../shared/startPage.ts). */
startPage<PageToHost, HostToPage, ComparePageState>({
  mount: (root, host) => {
    const app = new CompareApp(root, sanitizePageState(host.savedState), host);
    return (m) => {
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
    };
  },
});
