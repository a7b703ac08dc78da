/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: the extension host require()s this file */
// Runs in the real extension host with the real vscode API.
'use strict';
const assert = require('node:assert/strict');
const vscode = require('vscode');

const ID = 'runlens.runlens-e2e-fixture';

suite('fixture extension', () => {
  test('activates and loads better-sqlite3 in the extension host', async () => {
    const ext = vscode.extensions.getExtension(ID);
    assert.ok(ext, `${ID} is loaded from extensionDevelopmentPath`);
    const api = await ext.activate();
    assert.match(api.sqliteVersion, /^3\.\d+\.\d+$/);
    assert.equal(api.nodeVersion, process.version);
  });

  test('the hello command is registered and answers', async () => {
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('runlensFixture.hello'));
    const text = await vscode.commands.executeCommand('runlensFixture.hello');
    assert.match(text, /^Hello from the RunLens fixture \(sqlite 3\./);
  });

  test('CodeLens is provided for *.fixture.json', async () => {
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    assert.ok(folder, 'a workspace folder is open');
    const uri = vscode.Uri.joinPath(folder.uri, 'hello.fixture.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(lenses.map((l) => l.command && l.command.title), ['Fixture lens: say hello']);
  });

  test('the webview script runs under its CSP and talks to the host', async () => {
    const ready = await vscode.commands.executeCommand('runlensFixture.openWebview');
    assert.equal(ready, true);
  });
});

// RUNLENS_E2E_SELFTEST_FAIL=1 proves that a failing test fails the run.
if (process.env.RUNLENS_E2E_SELFTEST_FAIL === '1') {
  suite('fixture self-test of failures', () => {
    test('forced failure', () => {
      assert.equal(1 + 1, 3, 'forced by RUNLENS_E2E_SELFTEST_FAIL');
    });
  });
}
