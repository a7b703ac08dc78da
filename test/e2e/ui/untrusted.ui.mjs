// Workspace trust in a real VS Code: a code-server of this file's own with
// workspace trust ON (the shared one runs with --disable-workspace-trust)
// opens a copy of test/integration/workspace in Restricted Mode, after the
// CLI trained iris there and registered it as iris-model @production. What a
// user can still do works (the Runs view from the read-only store, the
// compare panel, a dataset diff); what runs code is refused or absent
// (training, sweeps, serving, image builds, the MLflow tracking server) and
// the UI says why. The store is checked with the CLI afterwards: no new run,
// build or deployment, and store.db not written.
// run: node esbuild.mjs && RUNLENS_E2E_SKIP_INSTALL=1 node test/e2e/run.mjs ui:untrusted
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench } from '../lib/browser.mjs';
import { descendants, startCodeServer } from '../lib/codeServer.mjs';
import {
  clickCodeLens, contextMenu, openFile, openViewContainer, outputText, pickRow, runCommand, setPaneExpanded, treeRow,
  waitForNotification, webviewFrame, expectCount,
} from '../lib/ui.mjs';

export const timeoutMs = 90_000;

/** @type {{ server?: import('../lib/codeServer.mjs').CodeServer, folder: string, run: { id: string, name: string }, storeSha: string }} */
const state = { folder: '', run: { id: '', name: '' }, storeSha: '' };

/** The runlens CLI in the workspace, as a user would run it in a terminal (argument arrays, no shell). */
function runlens(root, cwd, ...args) {
  return execFileSync(process.execPath, [join(root, 'bin', 'runlens.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, RUNLENS_STORE: '' } });
}

/** Runs, builds and deployments of the store, as the CLI reads them. */
function storeContents(root, folder) {
  const runs = JSON.parse(runlens(root, folder, 'runs', '--all', '--json'));
  const version = JSON.parse(runlens(root, folder, 'model', 'show', 'iris-model:1', '--json'));
  return { runs: runs.map((r) => r.id), builds: version.builds.length, deployments: version.deployments.length };
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Newest modification time of the files under dir (0 when it does not exist). */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    newest = Math.max(newest, d.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * This file opens its own server, not ctx.open (which builds the extension on
 * first use): build here when dist/ is missing or older than the sources.
 */
function ensureBuilt(root) {
  const bundle = join(root, 'dist/extension.js');
  const sources = Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'webview')), statSync(join(root, 'package.json')).mtimeMs);
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
}

/** RunLens child processes (training worker, `runlens serve`/`server`, a container build) under the extension hosts. */
function runlensProcesses(root) {
  const pids = state.server.extensionHostPids().flatMap((p) => descendants(p));
  return pids.map((pid) => {
    try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim(); } catch { return ''; }
  }).filter((cmd) => cmd.includes(`${root}/dist/`) || cmd.includes(`${root}/bin/`) || /(^|\/)(buildah|docker|podman) /.test(cmd));
}

/**
 * Whether the command palette lists a command by its exact title. The
 * palette's filter is asynchronous: wait a moment, then read what it shows
 * (a present command, asked the same way, is the control that this works).
 */
async function inPalette(page, title) {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  // The palette has filtered once it lists the command, or, without it, shows its "similar commands" group
  // (added after the exact matches) or "No matching commands": wait for one of them, not for a fixed time.
  await page.waitForFunction((t) => {
    const names = [...document.querySelectorAll('.quick-input-list .monaco-list-row .label-name')].map((e) => (e.textContent ?? '').trim());
    const rows = [...document.querySelectorAll('.quick-input-list .monaco-list-row')].map((e) => e.textContent ?? '');
    return names.includes(t) || rows.some((r) => r.includes('similar commands') || r.includes('No matching commands'));
  }, title, { timeout: 10_000 });
  const labels = (await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim());
  await page.keyboard.press('Escape');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  return labels.includes(title);
}

/** The enabled entries of a tree row's context menu (the menu is closed again). */
async function contextMenuLabels(page, row) {
  await row.click({ button: 'right' });
  const items = page.locator('.monaco-menu .action-item:not(.disabled) .action-label');
  await items.first().waitFor({ timeout: 10_000 });
  const labels = (await items.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  await page.keyboard.press('Escape');
  await page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 10_000 });
  return labels;
}

/** A run row of the Runs view (level 2 under the experiment), by its label. */
function runRow(page, name) {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Runs' }) });
  return pane.locator('.monaco-list-row[aria-level="2"]').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${name}\\s*$`) }) }).first();
}

/**
 * Clicks a button of the Deploy page that the page shows disabled, as a
 * tampered or buggy page would: the host must refuse on its own. Returns the
 * error banner's text.
 */
async function forceClick(frame, button) {
  await button.evaluate((b) => { b.removeAttribute('disabled'); b.click(); });
  const error = frame.locator('.banner.error .text');
  await error.waitFor({ timeout: 15_000 });
  const text = (await error.innerText()).trim();
  await frame.locator('.banner.error vscode-button[aria-label="Dismiss"]').click();
  await error.waitFor({ state: 'hidden', timeout: 5_000 });
  return text;
}

/** @param {import('../lib/uiTests.mjs').UiContext} ctx */
export async function setup(ctx) {
  ensureBuilt(ctx.root);
  const folder = ctx.workspace(join(ctx.root, 'test/integration/workspace'));
  runlens(ctx.root, folder, 'train', 'iris.train.yaml');
  const runs = JSON.parse(runlens(ctx.root, folder, 'runs', '--json'));
  assert.equal(runs.length, 1);
  runlens(ctx.root, folder, 'model', 'register', runs[0].id, 'iris-model', '--alias', 'production');
  Object.assign(state, { folder, run: { id: runs[0].id, name: runs[0].name }, storeSha: sha256(join(folder, '.runlens/store.db')) });
  // its own server: trust on for it only, every other file keeps --disable-workspace-trust
  state.server = await startCodeServer({ runDir: join(ctx.runDir, 'untrusted-server'), workspaceTrust: true, env: { RUNLENS_ROOT: ctx.root, RUNLENS_E2E: '1' } });
  await openWorkbench(ctx.page, state.server, { folder, extensionDevelopmentPath: ctx.root });
}

/** Stops this file's own code-server. */
export async function teardown() {
  await state.server?.stop();
}

export const tests = {
  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'the folder opens in Restricted Mode; the Runs view lists the CLI-trained run from the store, opened read-only': async ({ page, screenshot }) => {
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    await openViewContainer(page, 'RunLens');
    await setPaneExpanded(page, 'Datasets', false);
    const experiment = treeRow(page, /^iris/, { view: 'Runs' });
    await experiment.waitFor({ timeout: 30_000 });
    if ((await experiment.getAttribute('aria-expanded')) !== 'true') await experiment.click();
    const run = runRow(page, state.run.name);
    await run.waitFor();
    await expectCount(run, '.codicon-pass', 1);
    await screenshot('1-restricted-mode');

    // the log says why the store is read-only
    await runCommand(page, 'RunLens: Show Logs');
    // the Output view wraps long lines: join them back
    const log = (await outputText(page, 'RunLens')).replace(/\s*\n\s*/g, ' ');
    assert.match(log, /opened store \S+\.runlens \(read-only: untrusted workspace\)/);
    assert.match(log, /RunLens activated in .*untrusted: read-only\)/);
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'changing a run is refused with a message naming trust; re-running is not offered': async ({ page }) => {
    const run = runRow(page, state.run.name);
    const labels = await contextMenuLabels(page, run);
    assert.ok(labels.includes('Compare Selected Runs'), labels.join(' | '));
    assert.ok(!labels.includes('Re-run with Same Config'), labels.join(' | '));
    assert.ok(!labels.includes('Register Model…'), labels.join(' | '));
    await contextMenu(page, run, 'Star Run');
    assert.match(await waitForNotification(page, /read-only in an untrusted workspace/), /Trust the workspace to change them/);
    await runCommand(page, 'Notifications: Clear All Notifications');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'the compare panel opens on the run': async ({ page, screenshot }) => {
    const run = runRow(page, state.run.name);
    await run.click();
    await contextMenu(page, run, 'Compare Selected Runs');
    const frame = webviewFrame(page);
    const heads = frame.locator('[data-section="table"] table.compare-table thead th');
    await heads.nth(1).waitFor({ timeout: 30_000 });
    assert.deepEqual((await heads.allInnerTexts()).map((t) => t.trim()).slice(1), [state.run.name]);
    const model = frame.locator('[data-section="table"] tr[data-group="param"][data-key="model"] td');
    assert.deepEqual((await model.allInnerTexts()).map((t) => t.trim()), ['decision_tree']);
    await screenshot('2-compare');
    await runCommand(page, 'View: Close All Editors');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'training: the CodeLens says to trust the workspace, a click is refused, Train/Sweep Config… are not in the palette; no run is added': async ({ page, root, screenshot }) => {
    await openFile(page, 'iris.train.yaml');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Train this' }).first();
    await lens.waitFor({ timeout: 30_000 });
    assert.equal((await lens.innerText()).trim(), 'Train this (trust the workspace first)');
    await expectCount(lens, '.codicon-workspace-untrusted', 1);
    assert.equal(await page.locator('.monaco-editor .codelens-decoration .codicon-play').count(), 0);
    await screenshot('3-codelens');
    // a CodeLens click runs its command whatever its `enablement`: the extension itself refuses
    await clickCodeLens(page, 'Train this');
    const refusal = await waitForNotification(page, /untrusted workspace/);
    assert.match(refusal, /^RunLens does not train in an untrusted workspace: a training config can read any file and run code\. Trust this workspace to train\./);
    await page.locator('.notifications-toasts .monaco-button', { hasText: 'Manage Workspace Trust' }).first().waitFor();
    await runCommand(page, 'Notifications: Clear All Notifications');

    // a sweep config: its Sweep lens says so too, and a click is refused the same way
    await openFile(page, 'sweep.train.yaml');
    const sweep = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Sweep (2 trials)' }).first();
    await sweep.waitFor({ timeout: 30_000 });
    assert.equal((await sweep.innerText()).trim(), 'Sweep (2 trials) (trust the workspace first)');
    await expectCount(sweep, '.codicon-workspace-untrusted', 1);
    await clickCodeLens(page, 'Sweep (2 trials)');
    assert.match(await waitForNotification(page, /untrusted workspace/), /^RunLens does not train in an untrusted workspace/);

    assert.ok(await inPalette(page, 'RunLens: Compare Runs…'), 'the palette lists RunLens commands');
    assert.ok(!(await inPalette(page, 'RunLens: Train Config…')), 'Train Config… is in the palette');
    assert.ok(!(await inPalette(page, 'RunLens: Sweep Config…')), 'Sweep Config… is in the palette');

    // Both clicks were refused (the warnings above come from the check that returns before a worker is
    // started): so no worker runs and no run was added.
    assert.deepEqual(runlensProcesses(root), []);
    assert.deepEqual(storeContents(root, state.folder).runs, [state.run.id]);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'View: Close All Editors');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'serving, image builds and the MLflow tracking server: absent from palette and menus, and the Deploy panel\'s host refuses them': async ({ page, root, screenshot }) => {
    // the palette: Stop is there (the control), Start is not; Serve Locally is not
    assert.ok(await inPalette(page, 'RunLens: Stop MLflow-Compatible Tracking Server'), 'the palette lists RunLens commands');
    assert.ok(!(await inPalette(page, 'RunLens: Start MLflow-Compatible Tracking Server')), 'Start MLflow… is in the palette');
    assert.ok(!(await inPalette(page, 'RunLens: Serve Locally')), 'Serve Locally is in the palette');

    // the Models view: the version opens the Deploy panel, but offers neither serving nor building
    await openViewContainer(page, 'RunLens');
    await setPaneExpanded(page, 'Models', true);
    const model = treeRow(page, /iris-model/, { view: 'Models' });
    await model.waitFor({ timeout: 30_000 });
    if ((await model.getAttribute('aria-expanded')) !== 'true') await model.click();
    const version = treeRow(page, /^v1/, { view: 'Models' });
    await version.waitFor({ timeout: 15_000 });
    const labels = await contextMenuLabels(page, version);
    assert.ok(labels.includes('Open Deploy Panel'), labels.join(' | '));
    for (const absent of ['Serve Locally', 'Build Image…', 'Set Alias…', 'Delete Version']) assert.ok(!labels.includes(absent), `${absent} offered: ${labels.join(' | ')}`);

    // "Build Image…" stays in the palette: it opens the Deploy panel, which says why it cannot build
    await runCommand(page, 'RunLens: Build Image…', undefined, { opens: 'Build Image' });
    await pickRow(page, 'iris-model v1');
    const frame = webviewFrame(page);
    const banner = frame.locator('.banner.warn');
    await banner.waitFor({ timeout: 30_000 });
    assert.match(await banner.innerText(), /This workspace is not trusted: building, the smoke test and serving run code, so they are off until you trust it\./);
    const build = frame.locator('vscode-button[data-action="build"]');
    const smoke = frame.locator('vscode-button[data-action="smokeTest"]');
    const serve = frame.locator('vscode-button', { hasText: 'Serve Locally' });
    for (const b of [build, smoke, serve]) assert.equal(await b.getAttribute('disabled'), '', `${await b.innerText()} is enabled`);
    // Disabled buttons are only the page's side: a forced click must still be refused by the host (forceClick below).
    await screenshot('4-deploy-untrusted');

    // the host refuses on its own, whatever the page sends
    assert.match(await forceClick(frame, serve), /^Serving runs code from the workspace; trust this workspace first/);
    assert.match(await forceClick(frame, build), /^Building an image runs code from the workspace; trust this workspace first/);
    assert.match(await forceClick(frame, smoke), /^The smoke test runs code from the workspace; trust this workspace first/);

    // The three refusals above come from the host's check that returns before anything starts: so no
    // server shows in the status bar, no process runs, and nothing was recorded.
    assert.equal(await page.locator('.statusbar-item', { hasText: /iris-model v1 :\d+|MLflow \d+/ }).count(), 0, 'a server shows in the status bar');
    assert.deepEqual(runlensProcesses(root), []);
    const { builds, deployments } = storeContents(root, state.folder);
    assert.deepEqual({ builds, deployments }, { builds: 0, deployments: 0 });
    for (const dir of ['serving', 'builds']) assert.ok(!existsSync(join(state.folder, '.runlens', dir)), `.runlens/${dir} was created`);
    await runCommand(page, 'View: Close All Editors');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'the dataset diff opens on two CSVs': async ({ page, screenshot }) => {
    await runCommand(page, 'RunLens: Diff Datasets…', undefined, { opens: 'Diff Datasets (1/3)' });
    await pickRow(page, 'data/diff-a.csv');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Diff Datasets (2/3)' }).waitFor({ timeout: 15_000 });
    await pickRow(page, 'data/diff-b.csv');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Key columns' }).waitFor({ timeout: 15_000 });
    const key = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^\s*id\s*$/ }) }).first();
    await key.locator('input[type="checkbox"], .monaco-checkbox, .quick-input-list-checkbox').first().click();
    await page.locator('.quick-input-widget input').press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    const frame = webviewFrame(page);
    const count = (id) => frame.locator(`[data-count="${id}"] .count-value`);
    await count('added').waitFor({ timeout: 30_000 });
    assert.deepEqual(
      { added: await count('added').innerText(), removed: await count('removed').innerText(), modified: await count('modified').innerText() },
      { added: '1', removed: '1', modified: '2' },
    );
    const cell = frame.locator('td.cell-modified[data-column="petal_length"]').first();
    assert.match((await cell.innerText()).replace(/\s+/g, ' '), /^1\.3 → 1\.5$/);
    await screenshot('5-dataset-diff');
  },

  /** @param {import('../lib/uiTests.mjs').UiContext} ctx */
  'afterwards the store is as the CLI left it: store.db unchanged, one run, no build, no deployment': async ({ root }) => {
    // before any CLI call below, which may write (e.g. checkpoint) the file itself
    assert.equal(sha256(join(state.folder, '.runlens/store.db')), state.storeSha, 'store.db was written');
    // the store runs in WAL mode: a write lands in store.db-wal until a checkpoint
    const wal = join(state.folder, '.runlens/store.db-wal');
    assert.equal(existsSync(wal) ? statSync(wal).size : 0, 0, 'store.db-wal holds writes');
    assert.deepEqual(storeContents(root, state.folder), { runs: [state.run.id], builds: 0, deployments: 0 });
  },
};
