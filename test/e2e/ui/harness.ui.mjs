// The harness's own UI self-test, against test/e2e/fixture-ext: proves the
// palette, notification, tree, CodeLens and webview helpers on a real
// workbench before the RunLens extension exists.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  clickCodeLens, openFile, openViewContainer, runCommand, treeRow, treeRows, waitForNotification, webviewFrame,
} from '../lib/ui.mjs';

/** @param {import('../lib/uiTests.mjs').UiContext} ctx */
export async function setup(ctx) {
  await ctx.open({ folder: ctx.workspace(join(ctx.fixtureExt, 'workspace')), extensionDevelopmentPath: ctx.fixtureExt });
}

export const tests = {
  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'palette command shows a notification': async ({ page }) => {
    await runCommand(page, 'RunLens Fixture: Hello');
    const text = await waitForNotification(page, 'Hello from the RunLens fixture');
    // the sqlite version proves better-sqlite3 loaded in code-server's extension host
    assert.match(text, /\(sqlite 3\.\d+\.\d+\)/);
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'tree view shows its two rows': async ({ page, screenshot }) => {
    await openViewContainer(page, 'RunLens Fixture');
    await treeRow(page, 'Beta item', { view: 'Fixture Tree' }).waitFor();
    const rows = await treeRows(page, 'Fixture Tree');
    assert.equal(rows.length, 2, JSON.stringify(rows));
    assert.match(rows[0], /^Alpha item\s*first$/);
    assert.match(rows[1], /^Beta item\s*second$/);
    await screenshot('tree');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'CodeLens runs its command': async ({ page }) => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await openFile(page, 'hello.fixture.json');
    await clickCodeLens(page, 'Fixture lens: say hello');
    await waitForNotification(page, 'Hello from the RunLens fixture');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'webview renders under its CSP and hears from the host': async ({ page, screenshot }) => {
    await runCommand(page, 'RunLens Fixture: Open Webview');
    const frame = webviewFrame(page);
    assert.equal(await frame.locator('#title').innerText(), 'RunLens fixture webview');
    // the nonce'd script ran, posted `ready`, and the host's answer arrived
    await frame.locator('#status', { hasText: 'host says: hello webview' }).waitFor();
    assert.match(await frame.locator('#sqlite').innerText(), /^sqlite 3\./);
    await screenshot('webview');
  },
};

// RUNLENS_E2E_SELFTEST_FAIL=1 proves that a failing UI test fails the run (with a screenshot).
if (process.env.RUNLENS_E2E_SELFTEST_FAIL === '1') {
  tests['forced failure'] = async ({ page }) => {
    await waitForNotification(page, 'a notification that never comes', 2_000);
  };
}
