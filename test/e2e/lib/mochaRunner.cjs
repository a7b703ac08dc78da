/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: the extension host require()s this file */
// Runs mocha inside the VS Code extension host (loaded through the
// `extensionTestsPath` of the workbench URL, whose module must export run()).
// CommonJS because the extension host require()s it.
//
// Results travel two ways: one console line per test, prefixed
// `[runlens-e2e]` (the extension host's console reaches the browser, where
// extensionTests.mjs reads it), and a JSON file in RUNLENS_E2E_RESULTS_DIR
// (exact even if a console message were lost).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const PREFIX = '[runlens-e2e]';

function loadMocha() {
  // mocha 12 is an ES module whose entry re-exports lib/mocha.cjs; requiring
  // the CommonJS file directly avoids depending on require(esm).
  const root = process.env.RUNLENS_ROOT || path.resolve(__dirname, '../../..');
  const m = require(path.join(root, 'node_modules/mocha/lib/mocha.cjs'));
  return m.default || m;
}

// The extension host installs its own Error.prepareStackTrace, which bypasses
// Node's source-map support; map the frames of our bundles (inline source
// maps, see buildIntegration.mjs) back to the .ts lines by hand.
const sourceMaps = new Map();
function sourceMapOf(file) {
  if (!sourceMaps.has(file)) {
    let map = null;
    try {
      const m = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(fs.readFileSync(file, 'utf8'));
      if (m) map = new (require('node:module').SourceMap)(JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')));
    } catch { /* not ours, or unreadable */ }
    sourceMaps.set(file, map);
  }
  return sourceMaps.get(file);
}
function mapStack(stack) {
  // mocha has already made paths relative to the cwd
  return stack.replace(/([^\s()]+\.js):(\d+):(\d+)/g, (whole, rel, line, col) => {
    const file = path.resolve(rel);
    const e = sourceMapOf(file)?.findEntry(Number(line) - 1, Number(col) - 1);
    if (!e || !e.originalSource) return whole;
    const src = e.originalSource.startsWith('file://') ? new URL(e.originalSource).pathname : path.resolve(path.dirname(file), e.originalSource);
    return `${path.relative(process.cwd(), src)}:${e.originalLine + 1}:${e.originalColumn + 1}`;
  });
}

function errorText(err) {
  if (!err) return '';
  const msg = mapStack(err.stack || String(err.message || err));
  const diff = err.showDiff && 'expected' in err ? `\n  expected: ${JSON.stringify(err.expected)}\n  actual:   ${JSON.stringify(err.actual)}` : '';
  return msg + diff;
}

/**
 * Runs the given compiled test files with mocha. Both the tdd (suite/test)
 * and the bdd (describe/it) globals are defined, so a suite may use either.
 * @param {{ name: string, files: string[], timeout?: number, grep?: string }} opts
 * @returns {Promise<void>} rejects when a test failed (the workbench then exits with 1)
 */
function runMocha(opts) {
  // the suites are bundles with inline source maps: stack traces point at the .ts
  process.setSourceMapsEnabled(true);
  const Mocha = loadMocha();
  const results = { name: opts.name, tests: [], passed: 0, failed: 0, pending: 0 };
  function Reporter(runner) {
    // lets the harness name the test that hung when a suite times out
    runner.on('test', (t) => console.log(`${PREFIX} START ${JSON.stringify({ title: t.fullTitle() })}`));
    runner.on('pass', (t) => {
      results.passed++;
      results.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration });
      console.log(`${PREFIX} PASS ${JSON.stringify({ title: t.fullTitle(), ms: t.duration })}`);
    });
    runner.on('fail', (t, err) => {
      results.failed++;
      results.tests.push({ title: t.fullTitle(), state: 'failed', ms: t.duration, error: errorText(err) });
      console.log(`${PREFIX} FAIL ${JSON.stringify({ title: t.fullTitle(), ms: t.duration, error: errorText(err) })}`);
    });
    runner.on('pending', (t) => {
      results.pending++;
      results.tests.push({ title: t.fullTitle(), state: 'pending' });
      console.log(`${PREFIX} SKIP ${JSON.stringify({ title: t.fullTitle() })}`);
    });
  }
  const timeout = Number(process.env.RUNLENS_E2E_MOCHA_TIMEOUT) || opts.timeout || 30_000;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout, reporter: Reporter, grep: opts.grep || process.env.RUNLENS_E2E_GREP || undefined });
  mocha.ui('bdd');
  for (const f of opts.files) mocha.addFile(f);
  return new Promise((resolve, reject) => {
    const finish = (failures) => {
      const dir = process.env.RUNLENS_E2E_RESULTS_DIR;
      if (dir) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `${opts.name}.json`), JSON.stringify(results, null, 2));
      }
      console.log(`${PREFIX} END ${JSON.stringify({ passed: results.passed, failed: results.failed, pending: results.pending })}`);
      if (failures) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    };
    try {
      mocha.run(finish);
    } catch (e) {
      // a suite that throws while loading: report it as a failed test
      results.failed++;
      results.tests.push({ title: `loading ${opts.name} suites`, state: 'failed', error: errorText(e) });
      console.log(`${PREFIX} FAIL ${JSON.stringify({ title: `loading ${opts.name} suites`, error: errorText(e) })}`);
      finish(1);
    }
  });
}

module.exports = { runMocha, PREFIX };
