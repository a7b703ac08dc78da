/**
 * The HTML shell of the Deploy page. No vscode import. Same policy as the
 * compare page (`compareCsp`): nothing by default, scripts only with the
 * per-load nonce, styles from the extension's files or constructable
 * stylesheets, no remote content, no connect-src (the page talks only through
 * postMessage; the host does every HTTP call to the model server).
 */
import { compareCsp } from '../../views/compare/compareHtml';
import { escapeHtml } from '../../views/compare/escapeHtml';

export interface DeployHtmlOptions {
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly codiconsUri: string;
}

export function deployCsp(cspSource: string, nonce: string): string {
  return compareCsp(cspSource, nonce);
}

/** Every interpolated value is escaped; data never reaches this HTML (it arrives by message and becomes Text nodes). */
export function renderDeployHtml(o: DeployHtmlOptions): string {
  const e = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${e(deployCsp(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${e(o.codiconsUri)}" id="vscode-codicon-stylesheet" nonce="${e(o.nonce)}">
  <title>Deploy model</title>
</head>
<body>
  <main id="app" aria-busy="true"><p class="loading">Loading models…</p></main>
  <script nonce="${e(o.nonce)}" src="${e(o.scriptUri)}"></script>
</body>
</html>
`;
}
