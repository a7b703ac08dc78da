#!/usr/bin/env node
// The real-VS-Code stage of the tests (scripts/test.mjs calls it after the
// unit tests): installs code-server + chromium (scripts/install-e2e-deps.sh),
// builds the extension and the integration suites, starts ONE code-server and
// one chromium, then runs
//   1. the harness's self-test: fixture-ext/test, mocha in the extension host;
//   2. test/integration/**/*.test.ts, mocha in the extension host with the
//      RunLens extension (the project root) loaded from source;
//   3. test/e2e/ui/*.ui.mjs, Playwright driving the workbench.
// stdout: one line per test, then `e2e: N passed, M failed`; progress and
// diagnostics go to stderr. Exit code 1 when anything failed.
// usage: node test/e2e/run.mjs [NAME...]   only suites whose name contains a NAME
//        (names: fixture, integration, ui:FILE)
// env:   RUNLENS_E2E_SKIP_INSTALL=1  skip install-e2e-deps.sh
//        RUNLENS_E2E_KEEP=1          keep the run dir (user data, logs)
//        RUNLENS_E2E_VERBOSE=1       echo the extension host's console
//        RUNLENS_E2E_GREP=text       only mocha tests whose title matches
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIntegration, integrationDir } from './buildIntegration.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { projectRoot as root, startCodeServer } from './lib/codeServer.mjs';
import { runExtensionTests } from './lib/extensionTests.mjs';
import { resultsDir } from './lib/ui.mjs';
import { runUiFile } from './lib/uiTests.mjs';

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const wanted = (name) => filters.length === 0 || filters.some((f) => name.includes(f));
const verbose = process.env.RUNLENS_E2E_VERBOSE === '1';
const t0 = Date.now();
const secs = (t = t0) => `${((Date.now() - t) / 1000).toFixed(1)}s`;
const log = (msg) => process.stderr.write(`e2e: ${msg}\n`);

/** @type {import('./lib/extensionTests.mjs').TestResult[]} */
const results = [];
function report(r) {
  results.push(r);
  const ms = r.ms !== undefined ? ` (${r.ms} ms)` : '';
  const mark = { passed: 'PASS', failed: 'FAIL', pending: 'SKIP' }[r.state];
  process.stdout.write(`  ${mark} ${r.title}${ms}\n`);
  if (r.state === 'failed' && r.error) process.stdout.write(`${indent(r.error)}\n`);
}
// Playwright's call logs carry ANSI colours: keep stdout plain
const indent = (s) => String(s).replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 30).map((l) => `       ${l}`).join('\n');

/** Runs a command, its output to stderr; rejects with its last lines. */
function runAsync(cmd, args, title) {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: process.env.CI ?? 'true' } });
    let out = '';
    const keep = (d) => { out += d; process.stderr.write(d); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', rej);
    child.on('close', (code) => (code === 0 ? res() : rej(new Error(`${title} failed (exit ${code})\n${out.split('\n').slice(-25).join('\n')}`))));
  });
}

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

// --- 1. tools and builds ------------------------------------------------------
let ready = true;
if (process.env.RUNLENS_E2E_SKIP_INSTALL !== '1') {
  const t = Date.now();
  try {
    await runAsync('bash', [join(root, 'scripts/install-e2e-deps.sh')], 'scripts/install-e2e-deps.sh');
    log(`install e2e deps: ${secs(t)}`);
  } catch (e) {
    report({ title: 'install e2e deps (scripts/install-e2e-deps.sh)', state: 'failed', ms: Date.now() - t, error: e.message });
    ready = false;
  }
}

/** Builds the RunLens extension once, when a suite first needs it; resolves to its folder. */
let extensionBuild;
function extensionPath() {
  extensionBuild ??= (async () => {
    const t = Date.now();
    try {
      if (existsSync(join(root, 'esbuild.mjs'))) await runAsync(process.execPath, ['esbuild.mjs'], 'node esbuild.mjs');
      if (!existsSync(join(root, 'dist/extension.js'))) throw new Error('dist/extension.js missing after the build');
      log(`build extension: ${secs(t)}`);
      return root;
    } catch (e) {
      report({ title: 'build extension (node esbuild.mjs)', state: 'failed', ms: Date.now() - t, error: e.message });
      throw new Error('the RunLens extension did not build: see "build extension"');
    }
  })();
  return extensionBuild;
}
let integration = null;
if (wanted('integration')) {
  const t = Date.now();
  try {
    integration = await buildIntegration();
    log(`build integration suites: ${integration ? `${integration.suites.length} suite(s)` : 'none yet'} ${secs(t)}`);
  } catch (e) {
    report({ title: 'build integration suites (test/integration)', state: 'failed', ms: Date.now() - t, error: e.message });
  }
}
const uiDir = join(root, 'test/e2e/ui');
const uiFiles = existsSync(uiDir)
  ? readdirSync(uiDir).filter((f) => f.endsWith('.ui.mjs')).sort().map((f) => join(uiDir, f))
    .filter((f) => wanted(`ui:${f.split('/').pop().replace(/\.ui\.mjs$/, '')}`))
  : [];

// --- 2. one code-server, one browser -------------------------------------------
let server;
let browser;
const runDir = mkdtempSync(join(tmpdir(), 'runlens-e2e-'));
const keepRunDir = process.env.RUNLENS_E2E_KEEP === '1';
// also on Ctrl-C (lib/codeServer.mjs turns SIGINT/SIGTERM into exit and kills the server)
process.on('exit', () => { if (!keepRunDir) rmSync(runDir, { recursive: true, force: true }); });
const suiteResultsDir = join(runDir, 'results');
const workspace = (name, src) => {
  const dir = join(runDir, 'ws', name);
  mkdirSync(dir, { recursive: true });
  if (src && existsSync(src)) cpSync(src, dir, { recursive: true });
  return dir;
};
try {
  if (ready) {
    let t = Date.now();
    server = await startCodeServer({
      runDir,
      env: { RUNLENS_ROOT: root, RUNLENS_E2E: '1', RUNLENS_E2E_RESULTS_DIR: suiteResultsDir },
    });
    log(`code-server up on :${server.port} (pid ${server.pid}) in ${secs(t)}`);
    t = Date.now();
    browser = await launchBrowser();
    log(`chromium up in ${secs(t)}`);
  }

  const mochaSuite = async (name, opts) => {
    const t = Date.now();
    log(`suite ${name} ...`);
    const res = await runExtensionTests({
      browser, server, name, resultsDir: suiteResultsDir, ...opts,
      onOutput: verbose ? (l) => process.stderr.write(`  | ${l}\n`) : undefined,
    });
    writeFileSync(join(resultsDir, `${name}-console.log`), `${res.output.join('\n')}\n`);
    for (const r of res.tests) report({ ...r, title: `${name} › ${r.title}` });
    log(`suite ${name}: ${res.passed} passed, ${res.failed} failed in ${secs(t)}`);
  };

  if (server && browser && wanted('fixture')) {
    const ext = join(root, 'test/e2e/fixture-ext');
    await mochaSuite('fixture', {
      folder: workspace('fixture', join(ext, 'workspace')),
      extensionDevelopmentPath: ext,
      extensionTestsPath: join(ext, 'test/index.js'),
      timeoutMs: 120_000,
    });
  }

  if (server && browser && integration) {
    const ext = await extensionPath().catch((e) => {
      report({ title: 'integration › (not run)', state: 'failed', error: e.message });
      return null;
    });
    if (ext) {
      await mochaSuite('integration', {
        folder: workspace('integration', join(integrationDir, 'workspace')),
        extensionDevelopmentPath: ext,
        extensionTestsPath: integration.index,
      });
    }
  }

  for (const file of server && browser ? uiFiles : []) {
    const t = Date.now();
    log(`ui ${file.split('/').pop()} ...`);
    await runUiFile(file, { browser, server, runDir, extensionPath, onResult: report });
    log(`ui ${file.split('/').pop()}: ${secs(t)}`);
  }
} catch (e) {
  report({ title: 'e2e harness', state: 'failed', error: e.stack });
} finally {
  await browser?.close().catch(() => {});
  if (server) {
    await server.stop();
    cpSync(server.logPath, join(resultsDir, 'code-server.log'));
  }
  const failed = results.filter((r) => r.state === 'failed').length;
  if (failed > 0 && server) {
    // the workbench's own logs (exthost.log has activation errors)
    try { cpSync(join(runDir, 'user/logs'), join(resultsDir, 'logs'), { recursive: true }); } catch { /* no logs yet */ }
    log(`--- last lines of the code-server log (${join(resultsDir, 'code-server.log')}):\n${server.tailLog(25)}`);
    log(`screenshots and logs: ${resultsDir}`);
  }
  if (keepRunDir) log(`run dir kept: ${runDir}`);
  const passed = results.filter((r) => r.state === 'passed').length;
  const skipped = results.filter((r) => r.state === 'pending').length;
  log(`done in ${secs()}`);
  process.stdout.write(`e2e: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}
