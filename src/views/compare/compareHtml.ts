import type { PageShell } from '../webviewHtml';
import { renderWebviewHtml } from '../webviewHtml';

export const COMPARE_PAGE: PageShell = { script: 'compare.js', styles: ['compare.css'], title: 'Compare runs', loadingText: 'Loading runs…' };

export interface CompareHtmlOptions {
  /** `webview.cspSource` (in the page test: the test server's origin). */
  readonly cspSource: string;
  /** Fresh per page load; base64 or hex. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconsUri: string;
}

/** The HTML shell of the compare page (policy: `webviewCsp`); every interpolated value is escaped. */
export function renderCompareHtml(o: CompareHtmlOptions): string {
  const { styleUri, ...rest } = o;
  return renderWebviewHtml({ ...rest, styleUris: [styleUri], title: COMPARE_PAGE.title, loadingText: COMPARE_PAGE.loadingText });
}
