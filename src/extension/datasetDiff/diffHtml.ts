/**
 * The HTML shell of the dataset-diff page. No vscode import (tested under
 * Node). Same policy as the compare page (`compareCsp`): nothing by default,
 * scripts only with the per-load nonce, styles from the extension's files or
 * constructable stylesheets (which CSP allows), no remote content, no
 * connect-src: the page talks only through postMessage.
 */
import { compareCsp } from '../../views/compare/compareHtml';
import { escapeHtml } from '../../views/compare/escapeHtml';

export interface DiffHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** Fresh per page load. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly codiconsUri: string;
}

export function datasetDiffCsp(cspSource: string, nonce: string): string {
  return compareCsp(cspSource, nonce);
}

/** Every interpolated value is escaped; data never reaches this HTML (it arrives by message and becomes Text nodes). */
export function renderDatasetDiffHtml(o: DiffHtmlOptions): string {
  const e = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${e(datasetDiffCsp(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${e(o.codiconsUri)}" id="vscode-codicon-stylesheet" nonce="${e(o.nonce)}">
  <title>Dataset diff</title>
</head>
<body>
  <main id="app" aria-busy="true"><p class="loading">Diffing…</p></main>
  <script nonce="${e(o.nonce)}" src="${e(o.scriptUri)}"></script>
</body>
</html>
`;
}
