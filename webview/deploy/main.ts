import type { DeployPageState, HostToPage, PageToHost } from '../../src/protocol/deploy';
import { startPage } from '../shared/startPage';
import { DeployApp } from './deployApp';
import './elements';
import { STYLES } from './styles';

/** Entry of the Deploy page (start-up order: ../shared/startPage.ts). */
startPage<PageToHost, HostToPage, DeployPageState>({
  styles: STYLES,
  mount: (root, host) => {
    const app = new DeployApp(root, host);
    return (m) => app.onMessage(m);
  },
});
