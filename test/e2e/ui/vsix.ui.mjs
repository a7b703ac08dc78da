// The VSIX users install is what we test: `npm run package` builds it (on a
// copy of the project, see lib/vsix.mjs), its content is checked against the
// manifest, then a code-server of its own installs it with
// `--install-extension` and opens the examples workspace WITHOUT
// extensionDevelopmentPath: the extension must activate and train from what
// the VSIX carries (bundles, better-sqlite3's native binary, the worker).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench } from '../lib/browser.mjs';
import { installVsix, startCodeServer } from '../lib/codeServer.mjs';
import { clickCodeLens, expectCount, openFile, openViewContainer, resultsDir, treeRow, waitForNotification } from '../lib/ui.mjs';
import { packageVsix, zipEntries, zipRead } from '../lib/vsix.mjs';

/** Packaging takes 20-40 s on a small machine; the rest is well under a minute. */
export const timeoutMs = 240_000;
/**
 * What the VSIX may weigh: 4.3 MB today. The trainer bundle with TensorFlow.js (2.9 MB), the CLI
 * bundle that "Install 'runlens' Command in PATH" links (3.2 MB, 1 MB compressed) and better-sqlite3's
 * binary (2.2 MB) are most of it; then the extension (0.8 MB), the tfjs wasm binaries, the webviews,
 * the server and tools bundles, and the README's screenshots (the extension's details page shows them).
 * 6.3 MB since Parquet and reports: parquet-wasm's decoder (5 MB, about 1.5 MB compressed; the Datasets
 * view and the diff panel read Parquet versions in the extension host) and the report's vega-lite charts
 * (0.8 MB, loaded only when a report draws one).
 */
const MAX_VSIX_BYTES = 7 * 1024 * 1024;
/** Build outputs the extension never loads: source maps, the full CLI bundle (for `npx runlens`; the editor starts tools.js). */
const NOT_SHIPPED = /\.map$|^cli\.js$/;
/** The only packages the extension loads from node_modules at run time (the rest is bundled). */
const RUNTIME_PACKAGES = ['better-sqlite3', 'bindings', 'file-uri-to-path'];

/** @type {{ vsix?: string, server?: import('../lib/codeServer.mjs').CodeServer, folder?: string }} */
const state = {};

function need(key, what) {
  if (!state[key]) throw new Error(`not run: ${what} failed (see above)`);
  return state[key];
}

/** Paths of the files under dir, relative to it, with `/`. */
function filesUnder(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory()
    ? filesUnder(join(dir, d.name), `${prefix}${d.name}/`)
    : [`${prefix}${d.name}`]));
}

/** Files the manifest points at, as VSIX paths: each must be in the package. */
function referencedFiles(manifest) {
  const c = manifest.contributes ?? {};
  const files = [manifest.main, manifest.icon];
  for (const list of Object.values(c.viewsContainers ?? {})) for (const v of list) files.push(v.icon);
  for (const list of Object.values(c.views ?? {})) for (const v of list) files.push(v.icon);
  for (const v of [...(c.jsonValidation ?? []), ...(c.yamlValidation ?? [])]) files.push(v.url);
  for (const w of c.walkthroughs ?? []) for (const s of w.steps) files.push(s.media?.markdown, s.media?.image, s.media?.svg);
  return [...new Set(files.filter((f) => typeof f === 'string' && !/^[a-z]+:/.test(f)))]
    .map((f) => `extension/${f.replace(/^\.\//, '')}`);
}

/** Stops this file's own code-server. */
export async function teardown() {
  await state.server?.stop();
}

export const tests = {
  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'npm run package builds a small VSIX with what the extension loads, and nothing else': async (ctx) => {
    const workDir = join(ctx.runDir, 'vsix');
    mkdirSync(workDir, { recursive: true });
    const packaged = await packageVsix({ root: ctx.root, workDir });
    process.stderr.write(`e2e: npm run package: ${(packaged.ms / 1000).toFixed(1)}s\n`);
    const buf = readFileSync(packaged.vsix);
    const entries = zipEntries(buf);
    const names = entries.map((e) => e.name);
    const manifest = JSON.parse(readFileSync(join(ctx.root, 'package.json'), 'utf8'));
    // an artifact for humans: size and file list
    const list = entries.map((e) => `${String(e.size).padStart(9)}  ${e.name}`).join('\n');
    writeFileSync(join(resultsDir, 'vsix-contents.txt'), `${packaged.vsix.split('/').pop()}: ${buf.length} bytes, ${entries.length} files, built in ${packaged.ms} ms\n${list}\n`);

    assert.ok(buf.length <= MAX_VSIX_BYTES, `the VSIX weighs ${buf.length} bytes (max ${MAX_VSIX_BYTES}): see ${join(resultsDir, 'vsix-contents.txt')}`);
    // everything the manifest points at, and the code it loads besides `main`
    const required = [...referencedFiles(manifest), 'extension/package.json', 'extension/dist/worker.js', 'extension/dist/scanWorker.js', 'extension/dist/logisticWorker.js', 'extension/dist/buildGuard.js',
      'extension/dist/webview/compare.js', 'extension/dist/codicons/codicon.css', 'extension/dist/codicons/codicon.ttf',
      'extension/media/compare.css', 'extension/examples/iris.train.yaml', 'extension/examples/data/iris.csv',
      'extension/node_modules/better-sqlite3/package.json', 'extension/node_modules/better-sqlite3/lib/index.js',
      'extension/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'extension/node_modules/bindings/bindings.js', 'extension/node_modules/file-uri-to-path/index.js'];
    assert.deepEqual(required.filter((f) => !names.includes(f)), [], 'missing from the VSIX');
    // every other output of the production build ships too (a new webview, wasm binaries, ...)
    const built = filesUnder(join(packaged.stage, 'dist')).filter((f) => !NOT_SHIPPED.test(f)).map((f) => `extension/dist/${f}`);
    assert.deepEqual(built.filter((f) => !names.includes(f)), [], 'built into dist/ but left out of the VSIX (.vscodeignore)');
    // nothing else: no source maps, sources, tests, stores or build leftovers
    const unwanted = names.filter((n) => /\.map$|\.ts$|(^|\/)\.runlens\/|^extension\/(src|test|webview|scripts|out|docs)\//.test(n));
    assert.deepEqual(unwanted, [], 'should not be in the VSIX');
    const packages = [...new Set(names.filter((n) => n.startsWith('extension/node_modules/')).map((n) => n.split('/')[2]))].sort();
    assert.deepEqual(packages, RUNTIME_PACKAGES);
    const native = names.filter((n) => n.startsWith('extension/node_modules/better-sqlite3/') && !/\/(lib\/.*\.js|package\.json|LICENSE|build\/Release\/better_sqlite3\.node)$/.test(n));
    assert.deepEqual(native, [], 'better-sqlite3 ships only its JS, its binary and its licence');
    // the production build: minified, no source map reference
    const main = zipRead(buf, entries.find((e) => e.name === `extension/${manifest.main.replace(/^\.\//, '')}`)).toString('utf8');
    assert.doesNotMatch(main, /sourceMappingURL/);
    const lines = main.split('\n').length;
    assert.ok(main.length / lines > 200, `dist/extension.js looks unminified: ${lines} lines, ${main.length} bytes`);
    state.vsix = packaged.vsix;
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'code-server installs it with --install-extension': async (ctx) => {
    const vsix = need('vsix', 'packaging');
    const runDir = join(ctx.runDir, 'vsix-server');
    const out = installVsix(runDir, vsix);
    assert.match(out, /runlens.*successfully installed/i, out);
    const { version } = JSON.parse(readFileSync(join(ctx.root, 'package.json'), 'utf8'));
    const installed = readdirSync(join(runDir, 'exts')).filter((d) => d.startsWith('runlens.runlens-'));
    assert.deepEqual(installed, [`runlens.runlens-${version}`]);
    const dir = join(runDir, 'exts', installed[0]);
    assert.ok(existsSync(join(dir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')));
    // its own server: the shared one must not carry an installed RunLens into the other UI files
    state.server = await startCodeServer({ runDir, env: { RUNLENS_E2E: '1' } });
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'the installed extension activates in the examples workspace': async (ctx) => {
    const server = need('server', 'installing');
    const folder = ctx.workspace(join(ctx.root, 'examples'));
    rmSync(join(folder, '.runlens'), { recursive: true, force: true });
    state.folder = folder;
    await openWorkbench(ctx.page, server, { folder, extensionDevelopmentPath: null });
    assert.doesNotMatch(await ctx.page.title(), /Extension Development Host/);
    await openViewContainer(ctx.page, 'RunLens');
    // the welcome text needs the `runlens.ready` context key, set at the end of activate()
    await ctx.page.locator('.pane .welcome-view-content', { hasText: 'No runs yet' }).waitFor({ timeout: 60_000 });
    await ctx.screenshot('activated');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'it trains a config end to end: CodeLens → finished → the run in the view': async ({ page, screenshot }) => {
    need('server', 'installing');
    await openFile(page, 'iris.train.yaml');
    await clickCodeLens(page, 'Train this', 30_000);
    const text = await waitForNotification(page, /RunLens: \S+ finished: test_accuracy 0\.9\d{3}/, 90_000);
    const name = /RunLens: (\S+) finished/.exec(text)[1];
    const experiment = treeRow(page, /^iris/, { view: 'Runs' });
    await experiment.waitFor();
    if ((await experiment.getAttribute('aria-expanded')) !== 'true') await experiment.click();
    const run = treeRow(page, name, { view: 'Runs' });
    await run.waitFor();
    await expectCount(run, '.codicon-pass', 1);
    // written through the VSIX's better-sqlite3, in the workspace
    assert.ok(existsSync(join(state.folder, '.runlens', 'store.db')));
    await screenshot('trained');
  },
};
