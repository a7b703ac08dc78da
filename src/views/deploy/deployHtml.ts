/**
 * The shell of the Deploy page (rendered by the panel host with
 * `renderWebviewHtml`, the policy every page shares): nothing by default,
 * scripts only with the per-load nonce, no remote content, no connect-src
 * (the page talks only through postMessage; the host does every HTTP call to
 * the model server). Data never reaches this HTML: it arrives by message and
 * becomes Text nodes.
 */
import type { PageShell } from '../webviewHtml';

export const DEPLOY_PAGE: PageShell = { script: 'deploy.js', title: 'Deploy model', loadingText: 'Loading models…' };
