// Small helpers to drive the VS Code workbench from Playwright. The selectors
// are VS Code's own DOM (1.100); keep them here so a change of VS Code means
// one file to fix.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './codeServer.mjs';

/** Where screenshots and logs of the e2e run go (git-ignored). */
export const resultsDir = process.env.RUNLENS_E2E_RESULTS ?? join(projectRoot, 'test-results/e2e');

/**
 * Saves a full-window screenshot as test-results/e2e/NAME.png.
 * @param {import('playwright-core').Page} page
 * @param {string} name file name without extension
 * @returns {Promise<string>} the file path
 */
export async function screenshot(page, name) {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Runs a command from the palette (F1) by its title as shown there,
 * e.g. 'RunLens: Open Runs'. Picks the row whose label is exactly the title.
 * A command that opens its own quick pick or input box reuses the palette's
 * widget, which then never closes: name that input's title in `opts.opens`
 * to wait for it instead.
 * @param {import('playwright-core').Page} page
 * @param {string} title
 * @param {number} [timeoutMs]
 * @param {{ opens?: string | RegExp }} [opts]
 */
export async function runCommand(page, title, timeoutMs = 45_000, opts = {}) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(title)}\\s*$`) }) })
    .first();
  const deadline = Date.now() + timeoutMs;
  // Right after the page loads, F1 can be swallowed and an extension's
  // commands may not be registered yet; the palette lists commands when it
  // opens, so close it and try again until the row shows up.
  for (;;) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 2_000 });
      await input.fill(`>${title}`);
      await row.waitFor({ timeout: 3_000 });
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`command "${title}" not found in the palette: ${e.message}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
  await row.click();
  if (opts.opens) {
    await page.locator('.quick-input-widget .quick-input-title', { hasText: opts.opens }).waitFor({ timeout: 10_000 });
    return;
  }
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Opens a workspace file by name through Quick Open (Ctrl+P).
 * @param {import('playwright-core').Page} page
 * @param {string} fileName
 */
export async function openFile(page, fileName, timeoutMs = 15_000) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: timeoutMs });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: fileName }).first().waitFor({ timeout: timeoutMs });
}

/**
 * Waits for a notification toast containing the text; returns its full text.
 * @param {import('playwright-core').Page} page
 * @param {string|RegExp} text
 */
export async function waitForNotification(page, text, timeoutMs = 15_000) {
  const toast = page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
  await toast.waitFor({ timeout: timeoutMs });
  return (await toast.innerText()).trim();
}

/**
 * Clicks the activity-bar entry of a view container (its title, as in
 * package.json `viewsContainers`), unless it is already open.
 * @param {import('playwright-core').Page} page
 * @param {string} title
 */
export async function openViewContainer(page, title, timeoutMs = 30_000) {
  const item = page.locator(`.activitybar .action-item:has(.action-label[aria-label^="${title}"])`).first();
  await item.waitFor({ timeout: timeoutMs });
  if (!/\bchecked\b/.test((await item.getAttribute('class')) ?? '')) await item.locator('.action-label').click();
}

/**
 * Expands or collapses a view's pane in the side bar (the RunLens container
 * holds Runs, Datasets and Models; a collapsed neighbour gives a view the
 * height its rows need, since tree rows outside the viewport are not rendered).
 * @param {import('playwright-core').Page} page
 * @param {string} view  the view's name as its pane header shows it
 * @param {boolean} expanded
 */
export async function setPaneExpanded(page, view, expanded, timeoutMs = 30_000) {
  const header = page.locator('.pane-header', { hasText: new RegExp(`^\\s*${view}\\b`, 'i') }).first();
  await header.waitFor({ timeout: timeoutMs });
  if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await header.click();
}

/**
 * A row of a tree/list view, found by its text. With `view` (the view's name
 * in package.json `views`), only that view's rows are searched.
 * @param {import('playwright-core').Page} page
 * @param {string|RegExp} text
 * @param {{ view?: string }} [opts]
 */
export function treeRow(page, text, opts = {}) {
  const scope = opts.view
    ? page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: opts.view }) })
    : page.locator('.part.sidebar, .part.auxiliarybar, .part.panel');
  return scope.locator('.monaco-list-row', { hasText: text }).first();
}

/**
 * The labels of all visible rows of a view.
 * @param {import('playwright-core').Page} page
 * @param {string} view
 */
export async function treeRows(page, view) {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: view }) });
  return (await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.trim());
}

/**
 * Clicks a CodeLens of the active editor by its text.
 * @param {import('playwright-core').Page} page
 * @param {string|RegExp} text
 */
export async function clickCodeLens(page, text, timeoutMs = 20_000) {
  const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: text }).first();
  await lens.waitFor({ timeout: timeoutMs });
  await lens.click();
}

/**
 * The content frame of the visible webview (panel or view). Webviews nest
 * two iframes: VS Code's host frame, then `#active-frame` with the page.
 * @param {import('playwright-core').Page} page
 * @param {{ title?: string }} [opts] title: the `title` attribute of the outer iframe (the panel's title)
 */
export function webviewFrame(page, opts = {}) {
  const outer = opts.title
    ? page.locator(`iframe.webview.ready[title="${opts.title}"]`)
    : page.locator('iframe.webview.ready:visible');
  return outer.last().contentFrame().locator('iframe#active-frame').contentFrame();
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Right-clicks `target` and picks a context-menu entry by its exact label.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} target
 * @param {string} label
 */
export async function contextMenu(page, target, label, timeoutMs = 10_000) {
  await target.click({ button: 'right' });
  const item = page.locator('.monaco-menu .action-item:not(.disabled) .action-label', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }).first();
  await item.waitFor({ timeout: timeoutMs });
  await item.click();
  const menu = page.locator('.monaco-menu').first();
  try {
    await menu.waitFor({ state: 'hidden', timeout: 2_000 });
  } catch {
    // a click that lands while the menu is still being laid out is lost
    // (the entry shows focused, nothing runs): Enter runs the focused entry
    if (await item.isVisible()) {
      await item.hover();
      await page.keyboard.press('Enter');
    }
    await menu.waitFor({ state: 'hidden', timeout: timeoutMs });
  }
}

/**
 * Clicks an action of a view's title bar (package.json `view/title`,
 * group `navigation`) by its title. With one view in its container the
 * actions sit in the side bar's title, with several in the view's pane
 * header; VS Code shows them on hover.
 * @param {import('playwright-core').Page} page
 * @param {string} view the view's name
 * @param {string} title the command's title
 */
export async function viewTitleAction(page, view, title, timeoutMs = 10_000) {
  const pane = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header', { hasText: view }) });
  // Several views in the container: the actions sit in the view's own pane header, shown on hover.
  const header = (await pane.count()) > 0 ? pane.locator('.pane-header').first() : page.locator('.part.sidebar .composite.title').first();
  await header.hover();
  const action = page.locator('.part.sidebar').locator(`.action-label[aria-label^="${title}"]:visible`).first();
  await action.waitFor({ timeout: timeoutMs });
  await action.click();
}

/**
 * The visible text of the Output panel, after switching it to `channel` if
 * another channel is shown (the panel opens on the one last used).
 * @param {import('playwright-core').Page} page
 * @param {string} channel the Output channel's name
 */
export async function outputText(page, channel, timeoutMs = 10_000) {
  const panel = page.locator('.part.panel');
  await panel.locator('.monaco-editor .view-lines').first().waitFor({ timeout: timeoutMs });
  const select = panel.locator('select.monaco-select-box');
  if ((await select.count()) > 0) {
    const current = await select.first().evaluate((s) => s.options[s.selectedIndex]?.text ?? '');
    if (current !== channel) await select.first().selectOption({ label: channel });
  }
  return (await panel.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Answers a save dialog. code-server's workbench has no native dialogs: a
 * remote workspace gets VS Code's simple file dialog, a quick input holding
 * a path (prefilled with the default). Types `path` (absolute, on the
 * server) and accepts; returns the path the dialog offered first.
 * @param {import('playwright-core').Page} page
 * @param {string} path
 */
export async function answerSaveDialog(page, path, timeoutMs = 15_000) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  // The dialog shows the folder first and fills in the file name once it has
  // listed the folder; typing before that is overwritten. Wait for the value
  // to name a file and stay put.
  let offered = await input.inputValue();
  for (let stableSince = Date.now(), end = Date.now() + timeoutMs; Date.now() - stableSince < 500 || offered.endsWith('/');) {
    if (Date.now() > end) throw new Error(`the save dialog never offered a file name (last: ${offered})`);
    await page.waitForTimeout(100);
    const value = await input.inputValue();
    if (value !== offered) [offered, stableSince] = [value, Date.now()];
  }
  await input.fill(path);
  // the dialog checks the typed path (parent folder exists, not a folder)
  // as it changes; Enter before that check settles is ignored. Enter again
  // only while the dialog is still there: once it closes, the focus is back
  // on whatever opened it (a webview's button would be pressed again).
  for (const end = Date.now() + timeoutMs; ;) {
    await input.press('Enter');
    try {
      await widget.waitFor({ state: 'hidden', timeout: 1_500 });
      return offered;
    } catch (e) {
      if (Date.now() > end) throw new Error(`the save dialog did not accept ${path}: ${e.message}`);
      if (!(await widget.isVisible())) return offered;
      const shown = await input.inputValue();
      if (shown !== path) throw new Error(`the save dialog shows "${shown}" instead of ${path} (a question, or the path was changed)`);
    }
  }
}

/**
 * Reloads the window the way a user does ("Developer: Reload Window") and
 * waits for the new workbench. Webview panels come back through their
 * extension's serializer, if it has one.
 * @param {import('playwright-core').Page} page
 */
export async function reloadWindow(page, timeoutMs = 60_000) {
  await focusWorkbench(page);
  await page.evaluate(() => { globalThis.__runlensBeforeReload = true; });
  const loaded = page.waitForEvent('load', { timeout: timeoutMs });
  // the page navigates away under the palette: a wait of runCommand may fail with it
  let commandError;
  await runCommand(page, 'Developer: Reload Window').catch((e) => { commandError = e; });
  await loaded.catch((e) => {
    throw new Error(`the window did not reload: ${e.message}${commandError ? ` (${commandError.message})` : ''}`);
  });
  await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  if (await page.evaluate(() => globalThis.__runlensBeforeReload === true)) throw new Error('the window did not reload');
}

/**
 * Takes the keyboard focus out of a webview. A webview's iframe forwards the
 * keys it gets to the workbench, but F1 pressed while it has the focus is
 * often lost (runCommand then retries for many seconds); the workbench's own
 * document handles keys reliably.
 * @param {import('playwright-core').Page} page
 */
export async function focusWorkbench(page) {
  await page.evaluate(() => {
    const active = document.activeElement;
    if (active instanceof HTMLIFrameElement) active.blur();
  });
}

/** Picks a row of the open quick pick by its exact label (codicons stripped). */
export async function pickRow(page, label, timeoutMs = 15_000) {
  const row = page.locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) })
    .first();
  await row.waitFor({ timeout: timeoutMs });
  await row.click();
}

/**
 * Waits until `probe` returns a truthy value and returns it (polls every 200 ms;
 * Playwright's `expect` is not in playwright-core). A probe that throws counts as not yet.
 * @template T
 * @param {string} what said in the timeout error
 * @param {() => Promise<T>} probe
 * @param {number} [ms]
 * @returns {Promise<T>}
 */
export async function until(what, probe, ms = 20_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Asserts that `inner` is found `n` times inside `outer`, reading again until it is.
 * Tree rows and CodeLenses are redrawn whenever the store changes, so one read can
 * meet the element between removal and redraw; a single `count()` then flakes.
 * @param {import('playwright-core').Locator} outer
 * @param {string} inner a CSS selector
 * @param {number} n
 * @param {number} [ms]
 */
export async function expectCount(outer, inner, n, ms = 10_000) {
  let html = '';
  await until(`${n} × ${inner}`, async () => {
    html = await outer.innerHTML({ timeout: 2_000 });
    return (await outer.locator(inner).count()) === n;
  }, ms).catch((e) => { throw new Error(`${e.message} in: ${html}`); });
}
