/**
 * The HTML shell of the Deploy page. No vscode import. The policy every page
 * shares (`webviewCsp`): nothing by default, scripts only with the per-load
 * nonce, styles from the extension's files or constructable stylesheets, no
 * remote content, no connect-src (the page talks only through postMessage;
 * the host does every HTTP call to the model server).
 */
import { renderWebviewHtml } from '../webviewHtml';

export interface DeployHtmlOptions {
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly codiconsUri: string;
}

/** Every interpolated value is escaped; data never reaches this HTML (it arrives by message and becomes Text nodes). */
export function renderDeployHtml(o: DeployHtmlOptions): string {
  return renderWebviewHtml({ ...o, title: 'Deploy model', loadingText: 'Loading models…' });
}
