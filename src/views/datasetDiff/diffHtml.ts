/**
 * The HTML shell of the dataset-diff page. No vscode import (tested under
 * Node). The policy every page shares (`webviewCsp`): nothing by default,
 * scripts only with the per-load nonce, styles from the extension's files or
 * constructable stylesheets (which CSP allows), no remote content, no
 * connect-src: the page talks only through postMessage.
 */
import type { PageShell } from '../webviewHtml';
import { renderWebviewHtml } from '../webviewHtml';

export const DATASET_DIFF_PAGE: PageShell = { script: 'datasetDiff.js', title: 'Dataset diff', loadingText: 'Diffing…' };

export interface DiffHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** Fresh per page load. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly codiconsUri: string;
}

/** Every interpolated value is escaped; data never reaches this HTML (it arrives by message and becomes Text nodes). */
export function renderDatasetDiffHtml(o: DiffHtmlOptions): string {
  return renderWebviewHtml({ ...o, title: DATASET_DIFF_PAGE.title, loadingText: DATASET_DIFF_PAGE.loadingText });
}
