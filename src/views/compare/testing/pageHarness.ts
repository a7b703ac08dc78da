/**
 * Runs the real compare page in Debian's chromium, outside VS Code: the
 * webview bundle built by esbuild into a temp dir, served from 127.0.0.1
 * with the same HTML and CSP the host uses, and a fake `acquireVsCodeApi`
 * that records what the page posts.
 */
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { HostToPage, PageToHost } from '../../../protocol/compare';
import { renderCompareHtml } from '../compareHtml';

export const CHROMIUM = process.env.RUNLENS_CHROMIUM ?? '/usr/bin/chromium';

/** A page test's `skip` value: false where Chromium is installed, else why the test cannot run. */
export const CHROMIUM_SKIP: string | false = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (scripts/install-e2e-deps.sh installs it)`;

/** Polls `fn` until it returns something truthy (the page settles asynchronously); the bound only ends a wait for what never comes. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const ROOT = path.resolve(__dirname, '../../../..');

/** Variables a dark VS Code theme sets on <html> (Dark Modern values). */
export const DARK_THEME: Readonly<Record<string, string>> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-charts-foreground': '#cccccc',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-sideBarSectionHeader-background': '#181818',
  '--vscode-sideBarTitle-foreground': '#cccccc',
  '--vscode-sideBar-background': '#181818',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-diffEditor-insertedTextBackground': 'rgba(156, 204, 44, 0.2)',
  '--vscode-editorHoverWidget-background': '#202020',
  '--vscode-editorHoverWidget-border': '#454545',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-settings-checkboxBackground': '#313131',
  '--vscode-settings-checkboxBorder': '#3c3c3c',
  '--vscode-textBlockQuote-background': '#2b2b2b',
  '--vscode-errorForeground': '#f85149',
  '--vscode-icon-foreground': '#cccccc',
  '--vscode-toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
};

export interface PageHarness {
  readonly page: Page;
  /** Messages the page posted, in order. */
  posted(): Promise<PageToHost[]>;
  /** CSP violations seen by the page (`securitypolicyviolation`). */
  violations(): Promise<string[]>;
  /** Uncaught errors and console errors. */
  readonly errors: string[];
  /** Delivers host messages the way VS Code does (a `message` event on window). */
  send(messages: readonly HostToPage[]): Promise<void>;
  close(): Promise<void>;
}

/** Builds dist-like files into `dir`: compare.js, compare.css, codicons. */
export async function buildPage(dir: string): Promise<void> {
  await esbuild.build({
    entryPoints: { compare: path.join(ROOT, 'webview/compare/main.ts') },
    outdir: dir,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    loader: { '.css': 'text' },
    logLevel: 'silent',
  });
  fs.copyFileSync(path.join(ROOT, 'media/compare.css'), path.join(dir, 'compare.css'));
  fs.writeFileSync(path.join(dir, 'theme.css'), themeCss(DARK_THEME));
  const codicons = path.join(ROOT, 'node_modules/@vscode/codicons/dist');
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(codicons, f), path.join(dir, f));
}

const TYPES: Readonly<Record<string, string>> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };

/** Serves `dir` and the page HTML (with the host's CSP) from a random port on 127.0.0.1. */
async function serve(dir: string): Promise<{ server: http.Server; origin: string }> {
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      const html = renderCompareHtml({
        cspSource: origin,
        nonce: 'dGVzdG5vbmNlMTIzNDU2',
        scriptUri: `${origin}/compare.js`,
        styleUri: `${origin}/compare.css`,
        codiconsUri: `${origin}/codicon.css`,
      })
        .replace('<body>', '<body class="vscode-dark" data-vscode-theme-kind="vscode-dark">')
        .replace('</title>', `</title>\n  <link rel="stylesheet" href="${origin}/theme.css">`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = path.join(dir, path.basename(url.pathname));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin };
}

/**
 * Runs in the page before its scripts: the fake VS Code API and a CSP
 * listener. A string, not a function: tsx would add helpers to a function's
 * source that do not exist in the page.
 */
const INIT_SCRIPT = `
  window.__posted = [];
  window.__csp = [];
  window.__state = undefined;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => window.__state,
      setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
    };
  };
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ': ' + e.blockedURI + ' ' + e.sample));
`;

/** The theme variables as a stylesheet (VS Code sets them on <html>; a linked sheet passes the same CSP). */
function themeCss(theme: Readonly<Record<string, string>>): string {
  return `:root {\n${Object.entries(theme).map(([k, v]) => `  ${k}: ${v};`).join('\n')}\n}\n`;
}

export async function openComparePage(opts: { viewport?: { width: number; height: number } } = {}): Promise<PageHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-page-'));
  await buildPage(dir);
  const { server, origin } = await serve(dir);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.addInitScript(INIT_SCRIPT);
    await page.goto(origin);
    const b = browser;
    return {
      page,
      errors,
      posted: () => page.evaluate(() => (window as unknown as { __posted: PageToHost[] }).__posted),
      violations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
      send: (messages) => page.evaluate((ms) => ms.forEach((m) => window.postMessage(m, '*')), messages as HostToPage[]),
      close: async () => {
        await b.close();
        await new Promise((resolve) => server.close(resolve));
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
