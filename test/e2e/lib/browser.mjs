// Debian's chromium driven by playwright-core (never `playwright install`,
// which downloads a browser), and the workbench URL that loads an extension
// from source through the `payload` query parameter.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.RUNLENS_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless chromium. Playwright makes its own profile (it refuses --user-data-dir). */
export async function launchBrowser() {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} missing: run scripts/install-e2e-deps.sh`);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * The workbench URL for a folder, optionally with an extension loaded from
 * source and an extension-tests entry. The `vscode-remote://` authority must
 * be the host:port the page is loaded from, or the workbench ignores it.
 * @param {import('./codeServer.mjs').CodeServer} server
 * @param {{ folder?: string, extensionDevelopmentPath?: string | string[] | null, extensionTestsPath?: string }} opts absolute server-side paths
 */
export function workbenchUrl(server, opts = {}) {
  const payload = [];
  const devPaths = [opts.extensionDevelopmentPath ?? []].flat(); // null: none
  for (const p of devPaths) payload.push(['extensionDevelopmentPath', server.remote(p)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', server.remote(opts.extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  const q = [];
  if (opts.folder) q.push(`folder=${encodeURIComponent(opts.folder)}`);
  q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.url}/?${q.join('&')}`;
}

/**
 * A fresh context and page with a fixed viewport (screenshots are comparable).
 * @param {import('playwright-core').Browser} browser
 */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  return context.newPage();
}

/**
 * Opens the workbench and waits until it is usable: the workbench is drawn
 * and, with a folder, its explorer is there (also for an empty folder).
 * Extensions may still be starting: the helpers of ui.mjs wait for what they need.
 * @param {import('playwright-core').Page} page
 * @param {import('./codeServer.mjs').CodeServer} server
 * @param {Parameters<typeof workbenchUrl>[1]} opts
 */
export async function openWorkbench(page, server, opts = {}, timeoutMs = 60_000) {
  await page.goto(workbenchUrl(server, opts));
  await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  if (opts.folder) await page.locator('.explorer-folders-view').waitFor({ state: 'attached', timeout: timeoutMs });
}
