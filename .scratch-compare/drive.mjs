import { startCodeServer } from '../test/e2e/lib/codeServer.mjs';
import { launchBrowser, workbenchUrl } from '../test/e2e/lib/browser.mjs';
import { runCommand, webviewFrame } from '../test/e2e/lib/ui.mjs';
const server = await startCodeServer({ runDir: '/tmp/rl-cmp-run/' + Date.now(), workspace: '/tmp/rl-cmp-ws' });
const browser = await launchBrowser();
try {
  const page = await (await browser.newContext({ viewport: { width: 1500, height: 1000 } })).newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' && /compare|webview|Content Security/i.test(m.text())) errors.push(m.text()); });
  await page.goto(workbenchUrl(server, { folder: '/tmp/rl-cmp-ws', extensionDevelopmentPath: '/tmp/rl-cmp-ext' }));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.waitForTimeout(3000);
  await runCommand(page, 'RLCMP: Open Compare');
  const frame = webviewFrame(page);
  await frame.locator('.chart-card[data-drawn]').first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(1500);
  console.log('charts drawn', await frame.locator('.chart-card[data-drawn]').count(), 'imgs', await frame.locator('img').count());
  await page.screenshot({ path: '/tmp/rl-vscode-compare.png' });
  // live: write more points
  const before = await frame.locator('tr[data-key="train_loss"] td').nth(3).textContent();
  await runCommand(page, 'RLCMP: Write More Points');
  await page.waitForTimeout(2000);
  console.log('live table cell', before, '->', await frame.locator('tr[data-key="train_loss"] td').nth(3).textContent());
  // reload the window: serializer restores
  await runCommand(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  const frame2 = webviewFrame(page);
  await frame2.locator('.chart-card[data-drawn]').first().waitFor({ timeout: 60000 });
  console.log('after reload charts', await frame2.locator('.chart-card[data-drawn]').count(), 'runs in legend', await frame2.locator('.chip').count());
  await page.screenshot({ path: '/tmp/rl-vscode-compare-reload.png' });
  console.log('errors', errors);
} finally {
  await browser.close();
  await server.stop();
}
