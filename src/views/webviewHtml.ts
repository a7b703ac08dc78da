/**
 * The HTML shell every RunLens webview page starts from (compare, dataset
 * diff, deploy): one strict Content Security Policy, the codicon stylesheet,
 * the page's own stylesheets, a loading placeholder and one nonce'd script.
 * No vscode import (tested under Node). Data never reaches this HTML: it
 * arrives by message and becomes Text nodes.
 */
import { escapeHtml } from './escapeHtml';

export interface WebviewHtmlOptions {
  /** `webview.cspSource` (in the page test: the test server's origin). */
  readonly cspSource: string;
  /** Fresh per page load; base64 or hex. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly codiconsUri: string;
  /** The page's own stylesheets, after the codicons; default none. */
  readonly styleUris?: readonly string[];
  /** The document title: `Compare runs`. */
  readonly title: string;
  /** Shown until the page script renders: `Loading runs…`. */
  readonly loadingText: string;
}

/** What makes one page's shell: its bundle, its stylesheets and its texts. */
export interface PageShell {
  /** The page's bundle under dist/webview: `compare.js`. */
  readonly script: string;
  /** Its stylesheets under media/, after the codicons. */
  readonly styles?: readonly string[];
  /** The document title: `Compare runs`. */
  readonly title: string;
  /** Shown until the page script renders: `Loading runs…`. */
  readonly loadingText: string;
}

/**
 * The Content Security Policy of every page: nothing by default; scripts
 * only with the nonce (no eval: chart.js 4 needs none); styles and fonts only
 * from the extension's own files (plus the nonce); images from there and
 * `data:` (chart exports). @vscode-elements styles its shadow roots with
 * constructable stylesheets, which CSP allows, so no 'unsafe-inline'. No
 * connect-src: a page talks only through postMessage (the host does any HTTP).
 */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The page's HTML; every interpolated value is escaped. */
export function renderWebviewHtml(o: WebviewHtmlOptions): string {
  const e = escapeHtml;
  const styles = (o.styleUris ?? []).map((uri) => `\n  <link rel="stylesheet" href="${e(uri)}" nonce="${e(o.nonce)}">`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${e(webviewCsp(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${e(o.codiconsUri)}" id="vscode-codicon-stylesheet" nonce="${e(o.nonce)}">${styles}
  <title>${e(o.title)}</title>
</head>
<body>
  <main id="app" aria-busy="true"><p class="loading">${e(o.loadingText)}</p></main>
  <script nonce="${e(o.nonce)}" src="${e(o.scriptUri)}"></script>
</body>
</html>
`;
}
