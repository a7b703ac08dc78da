// Runs mocha integration tests inside code-server's extension host: loads the
// workbench with `extensionTestsPath` in the URL payload, receives the exit
// code through window.codeAutomationExit (the hook @vscode/test-web uses) and
// reads the per-test lines that lib/mochaRunner.cjs prints to the console.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { newPage, workbenchUrl } from './browser.mjs';
import { screenshot } from './ui.mjs';

const PREFIX = '[runlens-e2e] ';

/**
 * @typedef {{ title: string, state: 'passed'|'failed'|'pending', ms?: number, error?: string }} TestResult
 * @typedef {{ name: string, exitCode: number|null, timedOut: boolean, tests: TestResult[], passed: number, failed: number, output: string[] }} SuiteResult
 */

/**
 * @param {object} o
 * @param {import('playwright-core').Browser} o.browser
 * @param {import('./codeServer.mjs').CodeServer} o.server
 * @param {string} o.name suite name (also the results file name)
 * @param {string} o.folder workspace folder to open
 * @param {string|string[]} o.extensionDevelopmentPath
 * @param {string} o.extensionTestsPath module exporting run()
 * @param {string} o.resultsDir where mochaRunner.cjs writes NAME.json (the server's RUNLENS_E2E_RESULTS_DIR)
 * @param {number} [o.timeoutMs]
 * @param {(line: string) => void} [o.onOutput] every console line, as it comes
 * @returns {Promise<SuiteResult>}
 */
export async function runExtensionTests(o) {
  const timeoutMs = o.timeoutMs ?? 300_000;
  const resultsFile = join(o.resultsDir, `${o.name}.json`);
  rmSync(resultsFile, { force: true });
  const page = await newPage(o.browser);
  const output = [];
  const fromConsole = [];
  let running = null;
  let exitCode = null;
  let timedOut = false;
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationExit', (code) => { resolveExit(code); });
  const pending = new Set();
  page.on('console', (m) => {
    const p = consoleLine(m).then((line) => {
      if (line === null) return;
      output.push(line);
      o.onOutput?.(line);
      const i = line.indexOf(PREFIX);
      if (i >= 0) {
        const rest = line.slice(i + PREFIX.length);
        const [, kind, json] = /^(\w+) (.*)$/s.exec(rest) ?? [];
        const state = { PASS: 'passed', FAIL: 'failed', SKIP: 'pending' }[kind];
        try {
          if (state) { fromConsole.push({ state, ...JSON.parse(json) }); running = null; }
          if (kind === 'START') running = JSON.parse(json).title;
        } catch { /* partial line */ }
      }
    });
    pending.add(p);
    p.finally(() => pending.delete(p));
  });
  page.on('pageerror', (e) => output.push(`[pageerror] ${e.message}`));
  const t0 = Date.now();
  try {
    await page.goto(workbenchUrl(o.server, {
      folder: o.folder, extensionDevelopmentPath: o.extensionDevelopmentPath, extensionTestsPath: o.extensionTestsPath,
    }));
    let timer;
    const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
    const res = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (res === 'timeout') timedOut = true;
    else exitCode = res;
    // console messages are read asynchronously: let the last ones land
    await new Promise((r) => setTimeout(r, 300));
    await Promise.allSettled([...pending]);
    if (timedOut || exitCode !== 0) await screenshot(page, `${o.name}-failure`).catch(() => {});
  } finally {
    await page.context().close().catch(() => {});
    // the extension host outlives the tab; end it so suites do not add up
    await o.server.killExtensionHosts();
  }

  let tests = fromConsole;
  if (existsSync(resultsFile)) {
    try { tests = JSON.parse(readFileSync(resultsFile, 'utf8')).tests; } catch { /* keep the console's */ }
  }
  tests = [...tests];
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (timedOut) {
    const where = running ? `, stuck in "${running}"` : '';
    tests.push({ title: `${o.name}: did not finish within ${timeoutMs} ms${where}`, state: 'failed', error: lastLines(output) });
  } else if (exitCode !== 0 && !tests.some((t) => t.state === 'failed')) {
    // e.g. the extension failed to activate, or index.js could not be loaded
    tests.push({ title: `${o.name}: extension host exited with code ${exitCode}`, state: 'failed', error: lastLines(output) });
  }
  return {
    name: o.name, exitCode, timedOut, tests, output, seconds: Number(secs),
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
  };
}

/** The text of a console message; the extension host's lines come as ('%c INFO', 'color: #33f', fmt, ...args). */
async function consoleLine(m) {
  let args = await Promise.all(m.args().map((a) => a.jsonValue().catch(() => '?')));
  if (args.length === 0) return m.text();
  if (typeof args[0] === 'string' && args[0].startsWith('%c')) {
    const level = args[0].slice(2).trim();
    args = args.slice(2);
    if (args.length === 0) return null;
    return `[ext ${level.toLowerCase()}] ${format(...args)}`;
  }
  return `[${m.type()}] ${format(...args)}`;
}

function lastLines(lines, n = 25) {
  return lines.slice(-n).join('\n');
}
