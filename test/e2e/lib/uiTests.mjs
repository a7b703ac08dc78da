// Runs one UI test file (test/e2e/ui/NAME.ui.mjs) against the shared
// code-server. A file exports
//   export const tests = { 'what it shows': async (ctx) => { ... }, ... };
// and optionally `setup(ctx)` (run first, e.g. to open the workbench; 120 s),
// `teardown(ctx)` (run last, even after a failure, once the page is closed;
// 60 s) and `timeoutMs` (per test, default 60 s). The tests of a file run in
// order on one page, so a test may build on the one before it.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newPage, openWorkbench } from './browser.mjs';
import { projectRoot } from './codeServer.mjs';
import { resultsDir, screenshot } from './ui.mjs';

/**
 * What a UI test receives.
 * @typedef {object} UiContext
 * @property {import('playwright-core').Page} page the workbench page (one per file)
 * @property {import('./codeServer.mjs').CodeServer} server
 * @property {string} root project root (the RunLens extension's folder)
 * @property {string} fixtureExt the harness's fixture extension folder
 * @property {string} runDir scratch folder of this run (removed afterwards)
 * @property {(src?: string) => string} workspace copies folder src (or nothing) into a fresh workspace folder; returns its path
 * @property {(opts: { folder?: string, extensionDevelopmentPath?: string|string[]|null }) => Promise<void>} open loads the
 *   workbench; without extensionDevelopmentPath it loads the RunLens extension (built on first use)
 * @property {(name: string) => Promise<string>} screenshot saves test-results/e2e/FILE-NAME.png
 */

/**
 * @param {string} file absolute path of a *.ui.mjs
 * @param {{ browser: import('playwright-core').Browser, server: import('./codeServer.mjs').CodeServer, runDir: string,
 *           extensionPath: () => Promise<string>, onResult: (r: import('./extensionTests.mjs').TestResult) => void }} env
 */
export async function runUiFile(file, env) {
  const stem = basename(file).replace(/\.ui\.mjs$/, '');
  const suite = `ui:${stem}`;
  const record = (title, state, ms, error) => env.onResult({ title: `${suite} › ${title}`, state, ms, error });
  let mod;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    record('load', 'failed', 0, e.stack);
    return;
  }
  const page = await newPage(env.browser);
  page.setDefaultTimeout(30_000);
  mkdirSync(resultsDir, { recursive: true });
  const consoleLog = join(resultsDir, `${suite.replace(':', '-')}-console.log`);
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`); });
  page.on('pageerror', (e) => appendFileSync(consoleLog, `[pageerror] ${e.message}\n`));
  let n = 0;
  /** @type {UiContext} */
  const ctx = {
    page, server: env.server, root: projectRoot, fixtureExt: join(projectRoot, 'test/e2e/fixture-ext'), runDir: env.runDir,
    workspace: (src) => {
      const dir = mkdtempSync(join(env.runDir, `ws-${stem}-${n++}-`));
      if (src) cpSync(src, dir, { recursive: true });
      return dir;
    },
    open: async (opts = {}) => openWorkbench(page, env.server, {
      ...opts,
      extensionDevelopmentPath: 'extensionDevelopmentPath' in opts ? opts.extensionDevelopmentPath : await env.extensionPath(),
    }),
    screenshot: (name) => screenshot(page, `${suite.replace(':', '-')}-${name}`),
  };
  const timeoutMs = mod.timeoutMs ?? 60_000;
  try {
    if (mod.setup) {
      const t0 = Date.now();
      // opening a workbench takes 10-20 s on a small machine, whatever the tests' own limit
      const err = await withTimeout(() => mod.setup(ctx), Math.max(timeoutMs, 120_000));
      if (err) {
        record('setup', 'failed', Date.now() - t0, await failure(ctx, 'setup', err));
        return;
      }
    }
    const entries = Object.entries(mod.tests ?? {});
    if (entries.length === 0) record('exports no tests', 'failed', 0, 'export const tests = { name: async (ctx) => {} }');
    let broken = null;
    for (const [title, fn] of entries) {
      if (broken) { record(title, 'failed', 0, `not run: ${broken}`); continue; }
      const t0 = Date.now();
      const err = await withTimeout(() => fn(ctx), timeoutMs);
      if (!err) { record(title, 'passed', Date.now() - t0); continue; }
      record(title, 'failed', Date.now() - t0, await failure(ctx, title, err));
      // a timed-out test may still be acting on the page: do not run the rest beside it
      if (err.timedOut) broken = `"${title}" timed out`;
    }
  } finally {
    await page.context().close().catch(() => {});
    // the extension host outlives the tab; end it so files do not add up
    await env.server.killExtensionHosts();
    if (mod.teardown) {
      const t0 = Date.now();
      const err = await withTimeout(() => mod.teardown(ctx), 60_000);
      if (err) record('teardown', 'failed', Date.now() - t0, String(err.stack ?? err));
    }
  }
}

async function failure(ctx, title, err) {
  const shot = await ctx.screenshot(`${title}-failure`).catch(() => null);
  return `${err.stack ?? err}${shot ? `\n  screenshot: ${shot}` : ''}`;
}

/** Runs fn; resolves to its error, a timeout error, or null. */
async function withTimeout(fn, ms) {
  let timer;
  const timeout = new Promise((r) => {
    timer = setTimeout(() => r(Object.assign(new Error(`timed out after ${ms} ms`), { timedOut: true })), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(fn).then(() => null, (e) => e ?? new Error('rejected')), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
