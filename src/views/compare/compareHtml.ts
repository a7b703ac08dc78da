import { escapeHtml } from './escapeHtml';

export interface CompareHtmlOptions {
  /** `webview.cspSource` (in the page test: the test server's origin). */
  readonly cspSource: string;
  /** Fresh per page load; base64 or hex. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconsUri: string;
}

/**
 * The Content Security Policy of the compare page: nothing by default;
 * scripts only with the nonce (no eval: chart.js 4 needs none); styles and
 * fonts only from the extension's own files (plus the nonce); images from
 * there and `data:` (chart exports). @vscode-elements styles its shadow
 * roots with constructable stylesheets, which CSP allows, so no
 * 'unsafe-inline'. No connect-src: the page talks only through postMessage.
 */
export function compareCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The HTML shell of the compare page; every interpolated value is escaped. */
export function renderCompareHtml(o: CompareHtmlOptions): string {
  const e = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${e(compareCsp(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${e(o.codiconsUri)}" id="vscode-codicon-stylesheet" nonce="${e(o.nonce)}">
  <link rel="stylesheet" href="${e(o.styleUri)}" nonce="${e(o.nonce)}">
  <title>Compare runs</title>
</head>
<body>
  <main id="app" aria-busy="true"><p class="loading">Loading runs…</p></main>
  <script nonce="${e(o.nonce)}" src="${e(o.scriptUri)}"></script>
</body>
</html>
`;
}
