/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: the extension host require()s this file */
// The e2e harness's self-test extension: the smallest extension that uses
// what RunLens uses (command + notification, tree view, CodeLens, a webview
// with a strict CSP and a nonce, better-sqlite3 in the extension host), so the
// harness can be proven before the real extension exists.
'use strict';
const vscode = require('vscode');
const crypto = require('node:crypto');
const path = require('node:path');

/** Opens an in-memory SQLite db with the project's better-sqlite3 (a native module built for this Node). */
function sqliteVersion() {
  const root = process.env.RUNLENS_ROOT || path.resolve(__dirname, '../../..');
  const Database = require(path.join(root, 'node_modules/better-sqlite3'));
  const db = new Database(':memory:');
  try {
    return db.prepare('select sqlite_version() as v').get().v;
  } finally {
    db.close();
  }
}

class FixtureTree {
  getTreeItem(item) { return item; }
  getChildren(item) {
    if (item) return [];
    const a = new vscode.TreeItem('Alpha item');
    a.description = 'first';
    const b = new vscode.TreeItem('Beta item');
    b.description = 'second';
    return [a, b];
  }
}

class FixtureLens {
  provideCodeLenses() {
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: 'Fixture lens: say hello', command: 'runlensFixture.hello' })];
  }
}

function webviewHtml(webview, nonce, version) {
  // Only the nonce'd script may run, no inline handlers, no eval.
  const csp = `default-src 'none'; style-src ${webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en"><head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style nonce="${nonce}">body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }</style>
</head><body>
<h1 id="title">RunLens fixture webview</h1>
<p id="sqlite">sqlite ${version}</p>
<p id="status">script did not run</p>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === 'greeting') document.getElementById('status').textContent = 'host says: ' + e.data.text;
  });
  document.getElementById('status').textContent = 'script ran';
  vscode.postMessage({ type: 'ready' });
</script>
</body></html>`;
}

function activate(context) {
  const version = sqliteVersion();

  context.subscriptions.push(
    vscode.commands.registerCommand('runlensFixture.hello', () => {
      const text = `Hello from the RunLens fixture (sqlite ${version})`;
      void vscode.window.showInformationMessage(text);
      return text;
    }),
    vscode.window.registerTreeDataProvider('runlensFixture.tree', new FixtureTree()),
    vscode.languages.registerCodeLensProvider({ pattern: '**/*.fixture.json' }, new FixtureLens()),
    // Resolves once the page's script posted `ready` (proves it ran under the CSP).
    vscode.commands.registerCommand('runlensFixture.openWebview', () => {
      const panel = vscode.window.createWebviewPanel('runlensFixture.web', 'Fixture Webview', vscode.ViewColumn.One, { enableScripts: true });
      const ready = new Promise((resolve) => {
        panel.webview.onDidReceiveMessage((m) => {
          if (m && m.type === 'ready') {
            void panel.webview.postMessage({ type: 'greeting', text: 'hello webview' });
            resolve(true);
          }
        });
      });
      panel.webview.html = webviewHtml(panel.webview, crypto.randomBytes(16).toString('base64'), version);
      return ready;
    }),
  );
  return { sqliteVersion: version, nodeVersion: process.version };
}

function deactivate() {}

module.exports = { activate, deactivate };
