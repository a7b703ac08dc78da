import type { DatasetDiffPageState, HostToPage, PageToHost } from '../../src/protocol/datasetDiff';
import { sanitizeDiffState } from '../../src/views/datasetDiff/pageState';
import { assertNever } from '../shared/assertNever';
import { startPage } from '../shared/startPage';
import { DiffApp } from './diffApp';
import './elements';
import { STYLES } from './styles';

/** Entry of the dataset-diff page (start-up order: ../shared/startPage.ts). */
startPage<PageToHost, HostToPage, DatasetDiffPageState>({
  styles: STYLES,
  mount: (root, host) => {
    const initial: DatasetDiffPageState = sanitizeDiffState(host.savedState) ?? { refA: '', refB: '', key: [], filter: {}, collapsed: [] };
    const app = new DiffApp(root, initial, host);
    return (m) => {
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
    };
  },
});
